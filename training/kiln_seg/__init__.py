"""kiln-seg: a small salient-object segmentation network trained on rendered composites."""
