"""Trains the segmentation network on composites; resumable, limited by training time.

  /usr/bin/python3 -m kiln_seg.train configs/seg-cpu.json --out runs/seg-cpu

Writes runs/<name>/{checkpoint.pt, log.jsonl, samples/step-N.png}. The learning rate warms up, then
follows a cosine over the whole budget: by training time (`train.schedule: "time"`, the budget
`train.budget_minutes`, so a run ends on time whatever the machine's speed) or by steps
(`"steps"`, `train.max_steps`). An invocation stops at the end of the budget or after
`--max-minutes`; run it again to continue from the checkpoint (the time already trained is kept in
it). `--init-from CHECKPOINT` warm-starts a new run from another run's EMA weights (a fine-tune on a
new corpus; the optimiser and the time budget start afresh). A run that spans machines resumes from
a weights-only copy of its checkpoint (`python -m kiln_common.slim`, copied back to
runs/<name>/checkpoint.pt): the optimiser starts afresh and the learning rate warms up again over
`train.warmup` steps. Validation (IoU on the held-out
composites, with the EMA weights) runs every `val_every` steps and at the end.
"""
import argparse
import copy
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from kiln_common.loop import JsonLog, resume, save_checkpoint, set_up_torch, update_ema  # noqa: E402
from kiln_seg.data import Composites  # noqa: E402
from kiln_seg.model import SegNet, normalise  # noqa: E402


def seg_loss(logits, target, lc):
    """BCE (weighted up in a band along the true edge) plus a soft IoU loss per image."""
    weight = 1.0
    if lc.get("edge_weight", 0):
        hard = (target >= 0.5).float()
        pooled = F.avg_pool2d(hard, 7, 1, 3, count_include_pad=False)
        band = ((pooled > 0.01) & (pooled < 0.99)).float()
        weight = 1.0 + lc["edge_weight"] * band
    bce = (F.binary_cross_entropy_with_logits(logits, target, reduction="none") * weight).mean()
    p = torch.sigmoid(logits)
    inter = (p * target).sum((1, 2, 3))
    union = (p + target - p * target).sum((1, 2, 3))
    iou = (1 - (inter + 1) / (union + 1)).mean()
    return lc.get("bce", 1.0) * bce + lc.get("iou", 1.0) * iou


def hard_iou(logits, target, threshold=0.5):
    """Mean over images of the IoU of the thresholded prediction and the mask (>= 0.5)."""
    p = torch.sigmoid(logits) >= threshold
    t = target >= 0.5
    inter = (p & t).sum((1, 2, 3)).float()
    union = (p | t).sum((1, 2, 3)).float()
    return torch.where(union > 0, inter / union.clamp(min=1), torch.ones_like(union))


def lr_at(tc, step, trained_s, warm_from=0):
    warm = min(1.0, (step - warm_from + 1) / tc["warmup"])
    if tc.get("schedule", "time") == "steps":
        frac = step / tc["max_steps"]
    else:
        frac = trained_s / (tc["budget_minutes"] * 60)
    cos = 0.5 * (1 + math.cos(math.pi * min(1.0, frac)))
    return tc["lr"] * warm * max(tc.get("lr_floor", 0.02), cos)


def save_grid(path, images, masks, probs):
    """Composite, true mask, predicted probability; one row per composite."""
    from PIL import Image  # optional, only for snapshots

    rows = []
    for i in range(images.shape[0]):
        im = images[i].permute(1, 2, 0).numpy()
        m = np.repeat(masks[i, 0].numpy()[..., None], 3, axis=2)
        p = np.repeat(probs[i, 0].numpy()[..., None], 3, axis=2)
        rows.append(np.concatenate([im, m, p], axis=1))
    grid = (np.concatenate(rows, axis=0) * 255).clip(0, 255).astype(np.uint8)
    Image.fromarray(grid).save(path)


@torch.no_grad()
def validate(ema, heldout, cfg, step, out, log):
    vc = min(cfg["train"].get("val_count", 128), len(heldout))
    ious, losses = [], []
    inp = cfg["input"]
    for s in range(0, vc, 16):
        x, y = heldout.batch(range(s, min(vc, s + 16)))
        logits = ema(normalise(x, inp["mean"], inp["std"]))
        ious.append(hard_iou(logits, y))
        losses.append(F.binary_cross_entropy_with_logits(logits, y, reduction="none").mean((1, 2, 3)))
        if s == 0:
            try:
                save_grid(os.path.join(out, "samples", f"step-{step:06d}.png"), x[:6], y[:6], torch.sigmoid(logits[:6]))
            except ImportError:
                pass
    iou = torch.cat(ious)
    rec = {"step": step, "val_iou": float(iou.mean()), "val_iou_p10": float(iou.quantile(0.1)), "val_share_095": float((iou >= 0.95).float().mean()), "val_bce": float(torch.cat(losses).mean()), "val_count": vc}
    log.write(rec)
    return rec


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("config")
    ap.add_argument("--out", required=True)
    ap.add_argument("--limit", type=int, default=None, help="use only the first N training composites")
    ap.add_argument("--max-steps", type=int, default=None, help="stop this invocation at this step")
    ap.add_argument("--max-minutes", type=float, default=None, help="stop this invocation after this much training time")
    ap.add_argument("--init-from", default=None, help="warm start a new run from this checkpoint's EMA weights (ignored once the run has its own checkpoint)")
    args = ap.parse_args()
    cfg = json.load(open(args.config))
    tc, inp = cfg["train"], cfg["input"]
    set_up_torch(tc.get("threads", 2), cfg["seed"])
    os.makedirs(os.path.join(args.out, "samples"), exist_ok=True)

    train = Composites(cfg["data"]["train"])
    heldout_roots = [r for r in cfg["data"].get("heldout", []) if os.path.exists(os.path.join(r, "composites.json"))]
    heldout = Composites(heldout_roots) if heldout_roots else None
    n = min(len(train), args.limit or len(train))
    print(f"{n} training composites at {train.resolution} px from {', '.join(train.roots)}; "
          f"{len(heldout) if heldout else 0} held-out", flush=True)

    model = SegNet(cfg["model"])
    ema = copy.deepcopy(model).eval()
    opt = torch.optim.AdamW(model.parameters(), lr=tc["lr"], weight_decay=tc["weight_decay"])
    step, trained_s, warm_from = 0, 0.0, 0
    ckpt_path = os.path.join(args.out, "checkpoint.pt")
    ck = resume(ckpt_path, model, ema, opt)
    if ck:
        step, trained_s = ck["step"], ck["trained_s"]
        # Without optimiser state (a weights-only checkpoint), warm up again from here.
        warm_from = ck.get("warm_from", 0) if "opt" in ck else step
        print(f"resumed at step {step} ({trained_s / 60:.1f} min trained){'' if 'opt' in ck else ', weights only: the optimiser starts afresh'}", flush=True)
    elif args.init_from:
        weights = torch.load(args.init_from)["ema"]
        model.load_state_dict(weights)
        ema.load_state_dict(weights)
        print(f"initialised from {args.init_from} (its EMA weights)", flush=True)
    print(f"parameters: {sum(p.numel() for p in model.parameters()) / 1e6:.3f} M", flush=True)

    def checkpoint():
        save_checkpoint({"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(), "step": step, "trained_s": trained_s, "warm_from": warm_from, "config": cfg}, ckpt_path)

    def done():
        if tc.get("schedule", "time") == "steps":
            return step >= tc["max_steps"]
        return trained_s >= tc["budget_minutes"] * 60

    rng = np.random.default_rng(cfg["seed"] * 7919 + step)
    log = JsonLog(os.path.join(args.out, "log.jsonl"))
    invocation_s = 0.0
    recent = {"loss": [], "iou": [], "wall": [], "cpu": []}
    crop = cfg["data"].get("crop")
    while not done() and (args.max_steps is None or step < args.max_steps) and (args.max_minutes is None or invocation_s < args.max_minutes * 60):
        t0, c0 = time.time(), time.process_time()
        x, y = train.batch(rng.integers(0, n, size=tc["batch"]), rng, crop)
        lr = lr_at(tc, step, trained_s, warm_from)
        for g in opt.param_groups:
            g["lr"] = lr
        model.train()
        logits = model(normalise(x, inp["mean"], inp["std"]))
        loss = seg_loss(logits, y, tc.get("loss", {}))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        gn = torch.nn.utils.clip_grad_norm_(model.parameters(), 2.0)
        opt.step()
        step += 1
        update_ema(ema, model, step, tc["ema"])
        wall = time.time() - t0
        trained_s += wall
        invocation_s += wall
        recent["loss"].append(loss.item())
        recent["iou"].append(float(hard_iou(logits.detach(), y).mean()))
        recent["wall"].append(wall)
        recent["cpu"].append(time.process_time() - c0)
        if step % 10 == 0 or step == 1:
            rec = {"step": step, "loss": float(np.mean(recent["loss"])), "train_iou": float(np.mean(recent["iou"])), "grad_norm": float(gn), "lr": lr,
                   "s_per_step": round(float(np.mean(recent["wall"])), 3), "cpu_s_per_step": round(float(np.mean(recent["cpu"])), 3), "trained_min": round(trained_s / 60, 2)}
            recent = {k: [] for k in recent}
            log.write(rec)
        if step % tc["checkpoint_every"] == 0:
            checkpoint()
        if heldout and step % tc["val_every"] == 0:
            validate(ema, heldout, cfg, step, args.out, log)
    checkpoint()
    if heldout:
        validate(ema, heldout, cfg, step, args.out, log)
    print(f"stopped at step {step} ({trained_s / 60:.1f} min trained)", flush=True)


if __name__ == "__main__":
    main()
