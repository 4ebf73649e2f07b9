"""The text-to-image model's training data: one view per object, cropped as kiln crops a photo,
with the object's captions (English and Chinese token ids).

The view is `data.view` of the config. The default, 1, is the rig's first view: azimuth 0 (the
condition camera's azimuth), elevation 20, at the rig's distance and field of view. It is the
"canonical" condition view: the corpus's own condition view (0) has a random elevation in
-10..40 and a jittered lens, which a model drawing from a caption alone would have to learn to
sample as well, with no use downstream (the multi-view model takes any elevation in that range).
"""
import numpy as np

from kiln_corpus import Corpus
from kiln_mv.data import crop_condition, pad

# The corpus's view 0 is the condition view; views 1.. are the rig's, in its order.
CONDITION_VIEW = 0


def view_camera(manifest, view):
    """The camera of corpus view `view`: the rig's entry, or None for the condition view (random)."""
    if view == CONDITION_VIEW:
        return None
    cam = manifest["rig"]["views"][view - 1]
    if cam["azimuth"] != 0:
        raise ValueError(f"view {view} is at azimuth {cam['azimuth']}, not the front (0)")
    return cam


def one_view_loader(view):
    """A `loader` for kiln_mv.data.load_sources that reads only view `view` of each object
    (memory-mapped: a 16,000-object corpus is 262 MB of it, not 1.8 GB of seven views and depth)."""

    def load(root, size, text_len, limit=None, keep=None):
        c = Corpus(root)
        images, records = [], []
        for rgba, _depth, recs in c.shards():
            for k, rec in enumerate(recs):
                if keep and not keep(rec):
                    continue
                if limit and len(records) >= limit:
                    break
                images.append(crop_condition(np.asarray(rgba[k, view]), size).astype(np.float16))
                records.append(rec)
            if limit and len(records) >= limit:
                break
        captions = [[pad(t, text_len) for t in r["tokens"]["en"] + r["tokens"]["zh"]] for r in records]
        # Which of an object's captions are Chinese (for sample grids that show both languages).
        n_en = [len(r["tokens"]["en"]) for r in records]
        return {
            "images": np.stack(images) if images else np.zeros((0, 4, size, size), np.float16),
            "captions": captions,
            "n_en": n_en,
            "records": records,
            "manifest": c.manifest,
            "vocab": c.vocab,
            "camera": view_camera(c.manifest, view),
        }

    return load
