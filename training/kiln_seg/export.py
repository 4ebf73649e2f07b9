"""Exports a trained segmentation checkpoint (its EMA weights) to ONNX and writes the model folder.

  /usr/bin/python3 -m kiln_seg.export runs/seg-cpu/checkpoint.pt ../assets/models/kiln-seg --log runs/seg-cpu/log.jsonl

The folder gets network.onnx (input `image` float32 [batch, 3, height, width], normalised RGB, sides
multiples of 32; output `logits` [batch, 1, height, width]), CREDITS.md (the background photographs
and catalogue models of the training composites, with their licences) and manifest.json
(format kiln-seg-model/1: files and sha256, input size and normalisation, threshold, a probe that
the TypeScript runtime replays, the training config and its validation figures).
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from kiln_seg.data import Composites  # noqa: E402
from kiln_seg.model import ema_model, normalise  # noqa: E402
from kiln_mv.export import sha256  # noqa: E402

PROBE_SIZE = 256


def probe_image(size):
    """A fixed uint8 RGB picture [size, size, 3] that the TypeScript test rebuilds: (7x + 13y + 51c) mod 256."""
    y, x, c = np.meshgrid(np.arange(size), np.arange(size), np.arange(3), indexing="ij")
    return ((7 * x + 13 * y + 51 * c) % 256).astype(np.uint8)


def file_entry(out, name):
    path = os.path.join(out, name)
    return {"path": name, "sha256": sha256(path), "bytes": os.path.getsize(path)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint")
    ap.add_argument("out")
    ap.add_argument("--log", help="training log.jsonl, summarised into the manifest")
    ap.add_argument("--size", type=int, default=None, help="working resolution (default: the composites')")
    args = ap.parse_args()

    ck = torch.load(args.checkpoint)
    cfg = ck["config"]
    inp = cfg["input"]
    model = ema_model(ck)
    train = Composites(cfg["data"]["train"])
    size = args.size or train.resolution
    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "network.onnx")
    with torch.no_grad():
        torch.onnx.export(model, torch.zeros(1, 3, size, size), onnx_path, opset_version=17, input_names=["image"], output_names=["logits"],
                          dynamic_axes={"image": {0: "batch", 2: "height", 3: "width"}, "logits": {0: "batch", 2: "height", 3: "width"}})
        img = probe_image(PROBE_SIZE)
        x = torch.from_numpy(img).permute(2, 0, 1)[None].float() / 255
        logits = model(normalise(x, inp["mean"], inp["std"]))
        flat = logits.flatten()
        picks = [0, 1, 1000, 20000, 33000, 40000, 50000, PROBE_SIZE * PROBE_SIZE - 1]
        probe = {"image": "uint8 RGB (7x + 13y + 51c) mod 256", "size": PROBE_SIZE, "indices": picks,
                 "logits": [round(float(flat[i]), 5) for i in picks], "mean": float(logits.mean()), "absMean": float(logits.abs().mean())}

    # Credits: every training corpus's CREDITS.md (backgrounds with licences, CC-BY models), shipped with the weights.
    credits = [open(os.path.join(r, "CREDITS.md"), encoding="utf-8").read().strip() for r in train.roots if os.path.exists(os.path.join(r, "CREDITS.md"))]
    with open(os.path.join(args.out, "CREDITS.md"), "w", encoding="utf-8") as f:
        f.write("\n\n".join(credits) + "\n")

    records = []
    if args.log and os.path.exists(args.log):
        records = [json.loads(line) for line in open(args.log) if line.strip()]
    vals = [r for r in records if "val_iou" in r]
    licences = sorted({b["license"] for b in train.licences()})
    manifest = {
        "format": "kiln-seg-model/1",
        "name": os.path.basename(os.path.normpath(args.out)),
        "description": "Salient-object segmentation trained on kiln's composites: rendered procedural and Sweet Home 3D objects over Debian's wallpaper photographs. It finds the one main object of a photo; it has seen no real objects, only renders.",
        "kind": "salient-segmentation",
        "files": {"network": file_entry(args.out, "network.onnx"), "credits": file_entry(args.out, "CREDITS.md")},
        "io": {"input": {"name": "image", "type": "float32", "shape": ["batch", 3, "height", "width"]},
               "output": {"name": "logits", "type": "float32", "shape": ["batch", 1, "height", "width"]}},
        "input": {"size": size, "multiple": 32, "channels": "RGB", "scale": 1 / 255, "mean": inp["mean"], "std": inp["std"]},
        "output": {"activation": "sigmoid", "threshold": 0.5},
        "probe": probe,
        "training": {"config": cfg, "steps": ck["step"], "trainedMinutes": round(ck["trained_s"] / 60, 1), "composites": len(train),
                     "backgroundLicenses": licences, "lastValidation": vals[-1] if vals else None,
                     "loss": [{"step": r["step"], "loss": round(r["loss"], 4)} for r in records if "loss" in r and r["step"] % 100 == 0]},
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    mb = manifest["files"]["network"]["bytes"] / 1e6
    print(f"wrote {args.out}: network.onnx {mb:.2f} MB, step {ck['step']}, probe mean logit {probe['mean']:.4f}")


if __name__ == "__main__":
    main()
