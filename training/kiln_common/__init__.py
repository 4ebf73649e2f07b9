"""What the training loops of kiln_mv, kiln_t2i and kiln_seg share."""
