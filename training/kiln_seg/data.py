"""Reads segmentation composites (format kiln-seg-composites/1, written by `npm run seg-corpus`).

A corpus folder holds:
  composites.json            manifest: split, seed, resolution, shards, backgrounds and their licences
  CREDITS.md                 background photographs and catalogue models used, with licences
  shard-NNNNN/image.npy      uint8 [N, H, W, 3]  sRGB composite
  shard-NNNNN/mask.npy       uint8 [N, H, W]     the target's coverage x 255
  shard-NNNNN/index.json     {"records": [...]}  what was drawn for each composite

Arrays are memory-mapped: a batch reads only its own composites, so a corpus larger than memory
trains as well as a small one.
"""
import json
import os

import numpy as np

FORMAT = "kiln-seg-composites/1"


class Composites:
    """The composites of one or more corpus folders (all of one resolution), as one indexable set."""

    def __init__(self, roots):
        if isinstance(roots, str):
            roots = [roots]
        self.roots = list(roots)
        self.manifests = []
        self.images, self.masks = [], []
        starts = []
        total = 0
        for root in self.roots:
            with open(os.path.join(root, "composites.json"), encoding="utf-8") as f:
                m = json.load(f)
            if m.get("format") != FORMAT:
                raise ValueError(f"{root}: not a {FORMAT} folder")
            self.manifests.append(m)
            for shard in m["shards"]:
                d = os.path.join(root, shard["name"])
                image = np.load(os.path.join(d, "image.npy"), mmap_mode="r")
                mask = np.load(os.path.join(d, "mask.npy"), mmap_mode="r")
                if image.shape[0] != shard["count"] or mask.shape != image.shape[:3]:
                    raise ValueError(f"{d}: arrays do not match the manifest")
                self.images.append(image)
                self.masks.append(mask)
                starts.append(total)
                total += shard["count"]
        sizes = {m["resolution"] for m in self.manifests}
        if len(sizes) != 1:
            raise ValueError(f"composites of several resolutions: {sorted(sizes)}")
        self.resolution = sizes.pop()
        self.starts = np.array(starts, np.int64)
        self.count = total

    def __len__(self):
        return self.count

    def get(self, i):
        k = int(np.searchsorted(self.starts, i, side="right") - 1)
        j = i - int(self.starts[k])
        return self.images[k][j], self.masks[k][j]

    def batch(self, indices, rng=None, crop=None):
        """uint8 composites -> (images float32 [B, 3, S, S] in [0, 1], masks float32 [B, 1, S, S]).

        With `rng`, each is flipped left-right half the time and, with `crop` < the resolution, cut
        to a random crop x crop window; without, the whole composite (or its centre crop) as stored."""
        import torch  # here, so that reading a corpus needs numpy alone

        R = self.resolution
        S = crop or R
        images = np.empty((len(indices), S, S, 3), np.uint8)
        masks = np.empty((len(indices), S, S), np.uint8)
        for b, i in enumerate(indices):
            image, mask = self.get(int(i))
            if S < R:
                if rng is not None:
                    y, x = rng.integers(0, R - S + 1, size=2)
                else:
                    y = x = (R - S) // 2
                image, mask = image[y:y + S, x:x + S], mask[y:y + S, x:x + S]
            if rng is not None and rng.random() < 0.5:
                image, mask = image[:, ::-1], mask[:, ::-1]
            images[b] = image
            masks[b] = mask
        x = torch.from_numpy(images).permute(0, 3, 1, 2).float().div_(255)
        y = torch.from_numpy(masks).unsqueeze(1).float().div_(255)
        return x, y

    def summary(self):
        """A JSON-able description (used by the test suite): count, shapes, dtypes, first records."""
        image, mask = self.get(0)
        records = self.records()
        return {"count": self.count, "resolution": self.resolution, "image_shape": list(image.shape), "image_dtype": str(image.dtype),
                "mask_shape": list(mask.shape), "mask_dtype": str(mask.dtype), "indices": [r["index"] for r in records],
                "mask_means": [float(self.get(i)[1].mean()) for i in range(self.count)],
                "image_sums": [int(self.get(i)[0].astype(np.int64).sum()) for i in range(self.count)]}

    def records(self):
        """What was drawn for each composite (its shard's index.json record), in composite order."""
        records = []
        for root, m in zip(self.roots, self.manifests):
            for shard in m["shards"]:
                with open(os.path.join(root, shard["name"], "index.json"), encoding="utf-8") as f:
                    records += json.load(f)["records"]
        return records

    def licences(self):
        """Every background picture used, with its licence (from the manifests)."""
        seen = {}
        for m in self.manifests:
            for b in m.get("backgrounds", []):
                seen[b["path"]] = b
        return sorted(seen.values(), key=lambda b: b["path"])


if __name__ == "__main__":
    import sys

    print(json.dumps(Composites(sys.argv[1:]).summary()))
