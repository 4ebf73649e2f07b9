"""Where a segmentation checkpoint fails: held-out IoU broken down by what each composite drew.

  /usr/bin/python3 -m kiln_seg.breakdown checkpoints/kiln-seg-run-5.pt ../data/seg/heldout [--count 600] [--json] [--sheet FILE]

A mean IoU says how far a run is from its target, not why. Each composite's record (its shard's
index.json) says what was drawn: the background, the target's source and size, its share of the
frame, the distractors, JPEG. This scores the checkpoint's EMA weights on each composite (one pass,
threshold 0.5, as training validates) and groups the IoUs by those draws, then lists the catalogue
objects whose composites score worst, and says of the failures (IoU < 0.5) whether the network
marked something else (most of its mask outside the target) or missed the target (most of the
target unmarked). `--sheet FILE` draws the worst failures of the first kind: composite, true mask,
the network's probability.
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
from kiln_seg.train import hard_iou, save_grid  # noqa: E402

FAILED = 0.5


def score(model, composites, count, inp, batch=32):
    """Per composite: IoU, the share of the predicted mask outside the target, the share of the target missed."""
    rows = []
    with torch.no_grad():
        for s in range(0, count, batch):
            x, y = composites.batch(range(s, min(count, s + batch)))
            logits = model(normalise(x, inp["mean"], inp["std"]))
            iou = hard_iou(logits, y)
            p, t = (torch.sigmoid(logits) >= 0.5).float(), (y >= 0.5).float()
            outside = (p * (1 - t)).sum((1, 2, 3)) / p.sum((1, 2, 3)).clamp(min=1)
            missed = ((1 - p) * t).sum((1, 2, 3)) / t.sum((1, 2, 3)).clamp(min=1)
            rows += [{"iou": float(a), "outside": float(b), "missed": float(c)} for a, b, c in zip(iou, outside, missed)]
    return rows


def draw_worst(path, model, composites, rows, inp, count=4):
    """The `count` lowest-IoU composites where the network marked something other than the target."""
    worst = sorted((i for i, r in enumerate(rows) if r["iou"] < FAILED and r["outside"] > 0.5), key=lambda i: rows[i]["iou"])[:count]
    if not worst:
        return []
    x, y = composites.batch(worst)
    with torch.no_grad():
        save_grid(path, x, y, torch.sigmoid(model(normalise(x, inp["mean"], inp["std"]))))
    return worst


def bucket(value, edges):
    """'< e' for the first edge above value, else '>= last'."""
    for e in edges:
        if value < e:
            return f"< {e}"
    return f">= {edges[-1]}"


def largest_distractor(r):
    sizes = [d["size"] for d in r["distractors"]]
    if not sizes:
        return "none"
    return ">= 0.6 of the target's" if max(sizes) >= 0.6 * r["target"]["size"] else "< 0.6 of the target's"


GROUPS = {
    "background": lambda r: r["background"]["kind"],
    "target source": lambda r: r["target"]["id"].split(":")[0],
    "target surface": lambda r: r["target"]["surface"]["kind"],
    "target's share of the frame": lambda r: bucket(r["coverage"], [0.05, 0.15, 0.3]),
    "target size (bounding sphere / frame)": lambda r: bucket(r["target"]["size"], [0.5, 0.75]),
    "distractors": lambda r: str(len(r["distractors"])),
    "largest distractor": largest_distractor,
    "a distractor in front": lambda r: str(any(d.get("front") for d in r["distractors"])),
    "JPEG": lambda r: str(r["jpeg"] is not None),
}


def summarise(ious):
    a = np.asarray(ious)
    return {"n": len(a), "iou": round(float(a.mean()), 3), "p10": round(float(np.quantile(a, 0.1)), 3), "failed": round(float(np.mean(a < FAILED)), 3)}


def breakdown(rows, records):
    out = {"all": summarise([r["iou"] for r in rows]), "groups": {}, "catalogue_objects": {}}
    for name, key in GROUPS.items():
        groups = {}
        for row, rec in zip(rows, records):
            groups.setdefault(key(rec), []).append(row["iou"])
        out["groups"][name] = {k: summarise(v) for k, v in sorted(groups.items())}
    objects = {}
    for row, rec in zip(rows, records):
        if rec["target"]["id"].startswith("sh3d:"):
            objects.setdefault(rec["target"]["id"].rsplit("/", 2)[-2], []).append(row["iou"])
    out["catalogue_objects"] = dict(sorted(((k, summarise(v)) for k, v in objects.items()), key=lambda kv: kv[1]["iou"]))
    failed = [r for r in rows if r["iou"] < FAILED]
    out["failures"] = {"n": len(failed), "marked_something_else": sum(r["outside"] > 0.5 for r in failed),
                       "missed_the_target": sum(r["missed"] > 0.5 for r in failed)}
    return out


def print_table(b):
    a = b["all"]
    print(f"all: {a['n']} composites, IoU {a['iou']} (p10 {a['p10']}; {a['failed']:.0%} under {FAILED})\n")
    print("| draw | value | n | IoU | p10 | IoU < 0.5 |\n|---|---|---|---|---|---|")
    for name, groups in b["groups"].items():
        for k, s in groups.items():
            print(f"| {name} | {k} | {s['n']} | {s['iou']} | {s['p10']} | {s['failed']:.0%} |")
    print("\ncatalogue objects as targets, worst first:")
    for k, s in b["catalogue_objects"].items():
        print(f"  {k}: {s['n']} composites, IoU {s['iou']}")
    f = b["failures"]
    print(f"\n{f['n']} failures (IoU < {FAILED}): {f['marked_something_else']} mostly marked something else, {f['missed_the_target']} mostly missed the target")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkpoint")
    ap.add_argument("composites", nargs="+", help="held-out composite folders")
    ap.add_argument("--count", type=int, default=None, help="score the first N (default: all)")
    ap.add_argument("--json", action="store_true", help="print the breakdown as JSON")
    ap.add_argument("--sheet", help="PNG of the worst failures where the network marked something else")
    args = ap.parse_args()

    torch.set_num_threads(min(2, os.cpu_count() or 1))
    ck = torch.load(args.checkpoint, map_location="cpu")
    cfg = ck["config"]
    model = ema_model(ck)
    composites = Composites(args.composites)
    count = min(args.count or len(composites), len(composites))
    rows = score(model, composites, count, cfg["input"])
    result = breakdown(rows, composites.records()[:count])
    result["step"] = ck.get("step")
    if args.sheet:
        result["sheet"] = {"path": args.sheet, "composites": draw_worst(args.sheet, model, composites, rows, cfg["input"])}
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print_table(result)


if __name__ == "__main__":
    main()
