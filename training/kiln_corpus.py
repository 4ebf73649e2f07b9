"""Reader for kiln corpus shards (format kiln-corpus/1), with numpy alone.

A corpus folder holds:
  corpus.json              manifest: split, seed, resolution, views, rig, depthScale, shards, ...
  vocab.json               {"format": "kiln-vocab/1", "tokens": [...]}; ids index this list
  shard-NNNNN/rgba.npy     uint8  [N, V, H, W, 4]  sRGB RGBA, straight alpha; view 0 = condition view
  shard-NNNNN/depth.npy    uint16 [N, V, H, W]     depth along the optical axis / depthScale; 0 = empty
  shard-NNNNN/index.json   {"records": [...]}      captions (en, zh), token ids, category, colours, ...
  meshes/<id>.glb          ground-truth meshes (val and test splits)

Usage: python3 kiln_corpus.py DIR   prints a JSON summary (used by the test suite).
"""
import json
import os
import sys

import numpy as np


class Corpus:
    def __init__(self, root):
        self.root = root
        with open(os.path.join(root, "corpus.json"), encoding="utf-8") as f:
            self.manifest = json.load(f)
        if self.manifest.get("format") != "kiln-corpus/1":
            raise ValueError(f"{root}: not a kiln-corpus/1 folder")
        with open(os.path.join(root, self.manifest["vocab"]), encoding="utf-8") as f:
            self.vocab = json.load(f)["tokens"]
        self.depth_scale = float(self.manifest["depthScale"])

    def shards(self, mmap=True):
        """Yields (rgba, depth_in_units, records) per shard; arrays are memory-mapped by default."""
        mode = "r" if mmap else None
        for shard in self.manifest["shards"]:
            d = os.path.join(self.root, shard["name"])
            rgba = np.load(os.path.join(d, "rgba.npy"), mmap_mode=mode)
            depth = np.load(os.path.join(d, "depth.npy"), mmap_mode=mode)
            with open(os.path.join(d, "index.json"), encoding="utf-8") as f:
                records = json.load(f)["records"]
            if rgba.shape[0] != len(records) or depth.shape[:2] != rgba.shape[:2]:
                raise ValueError(f"{d}: arrays and index disagree")
            yield rgba, depth, records

    def load_all(self):
        """All shards concatenated: rgba uint8 [N,V,H,W,4], depth float32 [N,V,H,W], records."""
        parts = list(self.shards(mmap=False))
        rgba = np.concatenate([p[0] for p in parts])
        depth = np.concatenate([p[1] for p in parts]).astype(np.float32) * self.depth_scale
        records = [r for p in parts for r in p[2]]
        return rgba, depth, records


def summary(root):
    c = Corpus(root)
    objects = []
    for rgba, depth, records in c.shards():
        for k, rec in enumerate(records):
            objects.append({
                "id": rec["id"],
                "category": rec["category"],
                "color": rec["main"].get("color"),  # sh3d records may have no reliable colour
                "caption_en": rec["captions"]["en"][0],
                "caption_zh": rec["captions"]["zh"][0],
                "decoded_zh": "".join(c.vocab[i] for i in rec["tokens"]["zh"][0]),
                "rgba_sum": int(rgba[k].astype(np.int64).sum()),
                "depth_sum": int(depth[k].astype(np.int64).sum()),
                "coverage": float((rgba[k, ..., 3] > 127).mean()),
            })
    first = next(c.shards())
    return {
        "count": len(objects),
        "rgba_shape": list(first[0].shape[1:]),
        "depth_shape": list(first[1].shape[1:]),
        "rgba_dtype": str(first[0].dtype),
        "depth_dtype": str(first[1].dtype),
        "vocab_size": len(c.vocab),
        "objects": objects,
    }


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python3 kiln_corpus.py CORPUS_DIR")
    json.dump(summary(sys.argv[1]), sys.stdout, ensure_ascii=False)
