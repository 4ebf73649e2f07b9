"""The text-to-image model: a small DiT that draws the condition image from a caption (EN/ZH)."""
