"""Turns corpus shards into model tensors.

Channel layout of one generated view (5 channels, values in [-1, 1]):
  0-2  RGB premultiplied by alpha (background black = -1)
  3    alpha
  4    depth along the optical axis, (d - distance) / DEPTH_RANGE, +1 (far) where empty
The condition image is the corpus's condition view cropped the way kiln's preprocess crops a photo:
the alpha bounding box, padded to a square of 1.15x its longer side, resized to the condition size,
as premultiplied RGB + alpha (4 channels, [-1, 1]).
"""
import hashlib

import numpy as np
import torch
import torch.nn.functional as F

from kiln_corpus import Corpus

DEPTH_RANGE = 1.0
CROP_MARGIN = 1.15


def encode_views(rgba_u8, depth, distance):
    """rgba uint8 [..., H, W, 4], depth float32 [..., H, W] -> float32 [..., 5, H, W] in [-1, 1]."""
    rgba = rgba_u8.astype(np.float32) / 255.0
    a = rgba[..., 3:4]
    rgb = rgba[..., :3] * a
    d = np.where(depth > 0, (depth - distance) / DEPTH_RANGE, 1.0).clip(-1, 1)[..., None]
    x = np.concatenate([rgb, a, np.zeros_like(a)], axis=-1) * 2 - 1
    x[..., 4:5] = d
    return np.moveaxis(x, -1, -3).astype(np.float32)


def crop_condition(rgba_u8, size):
    """One RGBA uint8 [H, W, 4] image -> float32 [4, size, size] (premultiplied RGB, alpha) in [-1, 1]."""
    h, w = rgba_u8.shape[:2]
    img = torch.from_numpy(rgba_u8.astype(np.float32) / 255.0).permute(2, 0, 1)
    img[:3] *= img[3:4]
    ys, xs = np.nonzero(rgba_u8[..., 3] > 127)
    if len(xs) == 0:
        x0, x1, y0, y1 = 0, w, 0, h
    else:
        x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    side = max(x1 - x0, y1 - y0) * CROP_MARGIN
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    # Sample the square with an affine grid so sub-pixel crops and padding outside the image are exact.
    theta = torch.tensor([[side / w, 0, (2 * cx / w) - 1], [0, side / h, (2 * cy / h) - 1]], dtype=torch.float32)
    grid = F.affine_grid(theta[None], [1, 4, size, size], align_corners=False)
    out = F.grid_sample(img[None], grid, mode="bilinear", padding_mode="zeros", align_corners=False)[0]
    return (out * 2 - 1).numpy()


def load_split(root, condition_size, text_len, limit=None, keep=None):
    """Loads a corpus folder into arrays ready for training (`keep(record)` selects objects)."""
    c = Corpus(root)
    rgba, depth, records = c.load_all()
    if keep:
        chosen = [i for i, r in enumerate(records) if keep(r)]
        rgba, depth, records = rgba[chosen], depth[chosen], [records[i] for i in chosen]
    if limit:
        rgba, depth, records = rgba[:limit], depth[:limit], records[:limit]
    distance = float(c.manifest["rig"]["views"][0]["distance"])
    n = len(records)
    views = np.empty((n, rgba.shape[1] - 1, 5, rgba.shape[2], rgba.shape[3]), np.float16)
    for i in range(0, n, 512):
        views[i:i + 512] = encode_views(rgba[i:i + 512, 1:], depth[i:i + 512, 1:], distance)
    cond = np.stack([crop_condition(rgba[i, 0], condition_size) for i in range(n)]).astype(np.float16)
    captions = [[pad(t, text_len) for t in r["tokens"]["en"] + r["tokens"]["zh"]] for r in records]
    return {"views": views, "cond": cond, "captions": captions, "records": records, "manifest": c.manifest, "vocab": c.vocab}


BOS, EOS, PAD = 2, 3, 0


def pad(ids, length):
    """[BOS] ids [EOS] padded with [PAD] to `length` (the TypeScript tokenizer's encode)."""
    seq = [BOS] + list(ids)[: length - 2] + [EOS]
    return seq + [PAD] * (length - len(seq))


def is_holdout(record, every):
    """The catalogues' validation split (src/synth/sh3d-split.ts: the first byte of sha256(key) a
    multiple of `every`; test keys are never in a training corpus), by key, so every copy of an
    object goes the same way. Applied to any corpus, so one written before that split existed
    still keeps these objects out of training."""
    if not every:
        return False
    key = record.get("key", record["id"])
    return hashlib.sha256(key.encode("utf-8")).digest()[0] % every == 0


def source_specs(spec):
    """A config's `data.train` / `data.val`: one folder (a string) or a list of
    {"path", "share", "holdout"?}; `share` is the fraction of each batch drawn from that source."""
    if isinstance(spec, str):
        return [{"path": spec, "share": 1.0}]
    return spec


def load_sources(spec, condition_size, text_len, split, limit=None, loader=None):
    """Loads every source of a mixed dataset. `split` is "train" or "val": a source with `holdout`
    gives its held-out objects to val and the rest to train. Returns a list of (source spec, data).
    The vocabularies must agree: each source's is a prefix of the longest (the catalogue vocabulary
    extends the procedural one), and all sources use the longest. `loader(path, condition_size,
    text_len, limit, keep)` reads one folder into a dict with at least "vocab" (default load_split;
    the text-to-image model reads only the views it trains on)."""
    loader = loader or load_split
    loaded = []
    for src in source_specs(spec):
        every = src.get("holdout")
        keep = None
        if every and split == "val":
            # One rendering per held-out object: a catalogue corpus holds several copies of each.
            seen = set()

            def keep(r, e=every, seen=seen):
                key = r.get("key", r["id"])
                if not is_holdout(r, e) or key in seen:
                    return False
                seen.add(key)
                return True
        elif every:
            keep = lambda r, e=every: not is_holdout(r, e)  # noqa: E731
        loaded.append((src, loader(src["path"], condition_size, text_len, limit, keep)))
    vocab = max((d["vocab"] for _, d in loaded), key=len)
    for src, d in loaded:
        if vocab[: len(d["vocab"])] != d["vocab"]:
            raise ValueError(f"{src['path']}: its vocabulary is not a prefix of the longest one")
        d["vocab"] = vocab
    return loaded
