"""Trains the text-to-image DiT with flow matching (x-prediction), resumable from its last checkpoint.

  /usr/bin/python3 -m kiln_t2i.train configs/t2i-cpu.json --out runs/t2i-cpu

Writes runs/<name>/{checkpoint.pt, log.jsonl, samples/step-N.png}. Stops at max_steps or after
max_minutes of training in this invocation (run it again to continue: it resumes from checkpoint.pt
with its optimiser, EMA, step and random streams' position).
"""
import argparse
import copy
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from kiln_common.loop import JsonLog, resume, save_checkpoint, set_up_torch, update_ema  # noqa: E402
from kiln_mv.data import load_sources  # noqa: E402
from kiln_mv.train import draw_batch  # noqa: E402
from kiln_t2i.data import one_view_loader  # noqa: E402
from kiln_t2i.model import CHANNELS, TextToImageDiT  # noqa: E402


def concat(parts):
    """One dataset from several sources' data dicts."""
    return {
        "images": np.concatenate([d["images"] for d in parts]),
        "captions": [c for d in parts for c in d["captions"]],
        "records": [r for d in parts for r in d["records"]],
        "vocab": parts[0]["vocab"],
    }


def caption_batch(data, idx, rng, p_drop, text_len):
    """One caption per sample, drawn from its English and Chinese ones; all [PAD] (no caption) with
    probability p_drop, which trains the unconditional branch of classifier-free guidance."""
    tokens = np.zeros((len(idx), text_len), np.int64)
    keep = rng.random(len(idx)) >= p_drop
    for k, i in enumerate(idx):
        if keep[k]:
            caps = data["captions"][i]
            tokens[k] = caps[rng.integers(len(caps))]
    return torch.from_numpy(tokens)


def image_batch(data, idx, rng, p_flip):
    """The images, each mirrored left-right with probability p_flip: a mirrored object is as
    plausible and no caption names a side, so this doubles what a small corpus shows."""
    x = torch.from_numpy(data["images"][idx].astype(np.float32))
    flip = torch.from_numpy(rng.random(len(idx)) < p_flip)
    return torch.where(flip[:, None, None, None], x.flip(-1), x)


def flow_loss(model, x0, tokens, weights, gen, tc):
    """Flow matching on x_t = (1 - t) x0 + t eps with the loss on the x0 prediction; logit-normal t
    (shifted by t_shift, towards noise for t_shift > 0) mixed with t_uniform uniform times."""
    b = x0.shape[0]
    t = torch.sigmoid(torch.randn(b, generator=gen) + tc.get("t_shift", 0.0))
    uniform = torch.rand(b, generator=gen) < tc.get("t_uniform", 0.0)
    t = torch.where(uniform, torch.rand(b, generator=gen), t).clamp(1e-3, 1.0)
    eps = torch.randn(x0.shape, generator=gen)
    tt = t[:, None, None, None]
    pred = model((1 - tt) * x0 + tt * eps, t, tokens)
    return (((pred - x0) ** 2) * weights).mean()


@torch.no_grad()
def sample(model, tokens, steps=20, scale=3.0, seed=0, size=64):
    """Euler sampling with constant guidance on the caption, as the TypeScript sampler does."""
    g = torch.Generator().manual_seed(seed)
    b = tokens.shape[0]
    x = torch.randn((b, CHANNELS, size, size), generator=g)
    ts = [1 - i * (1 - 0.02) / (steps - 1) for i in range(steps)] + [0.0]
    ctx = model.text(tokens)
    null = model.text(torch.zeros_like(tokens))
    for k in range(steps):
        t, nxt = ts[k], ts[k + 1]
        tv = torch.full((b,), t)
        both = model.denoiser(torch.cat([x, x]), torch.cat([tv, tv]), torch.cat([ctx, null]))
        c, u = both[:b], both[b:]
        x0 = u + scale * (c - u)
        x = x0 if nxt == 0 else x + (nxt - t) * (x - x0) / t
    return x


def over_white(img):
    """[4, S, S] premultiplied in [-1, 1] -> RGB [3, S, S] over white in [0, 1]."""
    a = ((img[3:4] + 1) / 2).clamp(0, 1)
    return (((img[:3] + 1) / 2) + (1 - a)).clamp(0, 1)


def save_grid(path, rows):
    """One row per object: the true view, then each sample (RGB over white)."""
    from PIL import Image  # noqa: WPS433 — optional, only for snapshots

    grid = torch.cat([torch.cat([over_white(t) for t in row], dim=2) for row in rows], dim=1)
    Image.fromarray((grid.permute(1, 2, 0).numpy() * 255).astype(np.uint8)).save(path)


# Validation: the loss on this many objects per source; a grid of samples of the first few of them.
VAL_OBJECTS = 48
GRID_OBJECTS = 6
SAMPLE_STEPS = 20


@torch.no_grad()
def validate(ema, val_sources, mc, tc, weights, step, log, out):
    """Per validation source: the flow loss on its first objects with a fixed caption (the first
    English one), fixed times and noise (comparable across runs and steps), and a sample grid of
    GRID_OBJECTS objects: the true view, then samples from its first English and first Chinese
    caption at the default guidance, with the alpha IoU of those samples against the truth."""
    rec = {"step": step}
    for k, (spec, val) in enumerate(val_sources):
        name = spec.get("name", os.path.basename(os.path.normpath(spec["path"])))
        count = min(tc.get("val_objects", VAL_OBJECTS), len(val["records"]))
        x0 = torch.from_numpy(val["images"][:count].astype(np.float32))
        tok = torch.tensor([val["captions"][i][0] for i in range(count)])
        losses = [flow_loss(ema, x0[i:i + 16], tok[i:i + 16], weights, torch.Generator().manual_seed(1 + i), {}).item() * len(x0[i:i + 16]) for i in range(0, count, 16)]
        g = min(tc.get("grid_objects", GRID_OBJECTS), count)
        en = torch.tensor([val["captions"][i][0] for i in range(g)])
        zh = torch.tensor([val["captions"][i][val["n_en"][i]] for i in range(g)])
        s = sample(ema, torch.cat([en, zh]), steps=tc.get("sample_steps", SAMPLE_STEPS), scale=tc.get("sample_scale", 3.0), size=x0.shape[-1])
        truth = x0[:g].repeat(2, 1, 1, 1)
        iou = (((s[:, 3] > 0) & (truth[:, 3] > 0)).sum() / ((s[:, 3] > 0) | (truth[:, 3] > 0)).sum().clamp(min=1)).item()
        suffix = "" if k == 0 else f"_{name}"
        rec[f"val_loss{suffix}"] = sum(losses) / count
        rec[f"val_alpha_iou{suffix}"] = iou
        try:
            save_grid(os.path.join(out, "samples", f"step-{step:06d}{suffix}.png"), [[x0[i], s[i], s[g + i]] for i in range(g)])
        except ImportError:
            pass
    log.write(rec)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("config")
    ap.add_argument("--out", required=True)
    ap.add_argument("--limit", type=int, default=None, help="use only the first N objects of each source (smoke runs)")
    ap.add_argument("--max-steps", type=int, default=None)
    ap.add_argument("--max-minutes", type=float, default=None, help="overrides train.max_minutes for this invocation")
    args = ap.parse_args()
    cfg = json.load(open(args.config))
    mc, tc, dc = cfg["model"], cfg["train"], cfg["data"]
    set_up_torch(tc["threads"], cfg["seed"])
    os.makedirs(os.path.join(args.out, "samples"), exist_ok=True)

    t0 = time.time()
    loader = one_view_loader(dc.get("view", 1))
    size = mc["image_size"]
    train_sources = load_sources(dc["train"], size, mc["text_len"], "train", args.limit, loader)
    val_sources = load_sources(dc["val"], size, mc["text_len"], "val", tc.get("val_objects", VAL_OBJECTS), loader)
    data = concat([d for _, d in train_sources])
    offset = 0
    sources = []
    for spec, d in train_sources:
        sources.append({"share": spec.get("share", 1.0), "offset": offset, "count": len(d["records"])})
        offset += len(d["records"])
    mc["vocab_size"] = len(data["vocab"])
    described = ", ".join(f"{s['count']} from {spec['path']} (share {s['share']})" for (spec, _), s in zip(train_sources, sources))
    print(f"loaded {len(data['records'])} train objects ({described}) in {time.time() - t0:.0f}s", flush=True)

    model = TextToImageDiT(mc)
    ema = copy.deepcopy(model).eval()
    opt = torch.optim.AdamW(model.parameters(), lr=tc["lr"], weight_decay=tc["weight_decay"], betas=(0.9, 0.99))
    step = 0
    ckpt_path = os.path.join(args.out, "checkpoint.pt")
    ck = resume(ckpt_path, model, ema, opt)
    if ck:
        step = ck["step"]
        print(f"resumed at step {step}", flush=True)
    print(f"parameters: {sum(p.numel() for p in model.parameters()) / 1e6:.2f} M", flush=True)

    # Streams seeded by the step, so a resumed run draws new batches rather than repeating the first.
    rng = np.random.default_rng(cfg["seed"] + step)
    gen = torch.Generator().manual_seed(cfg["seed"] * 1000003 + step)
    weights = torch.tensor(tc["channel_weights"], dtype=torch.float32)[None, :, None, None]
    max_steps = args.max_steps or tc["max_steps"]
    max_minutes = args.max_minutes if args.max_minutes is not None else tc["max_minutes"]
    log = JsonLog(os.path.join(args.out, "log.jsonl"))
    recent = []

    def log_losses(step, gn, lr):
        rec = {"step": step, "loss": float(np.mean(recent)), "steps": len(recent), "grad_norm": float(gn), "lr": lr, "elapsed_s": round(time.time() - start, 1),
               # CPU seconds of this process (all threads) in this invocation: on a shared machine,
               # where wall time says little, cpu_s / threads is about what a step costs on idle cores.
               "cpu_s": round(time.process_time() - cpu_start, 1)}
        recent.clear()
        log.write(rec)

    def checkpoint():
        save_checkpoint({"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(), "step": step, "config": cfg,
                         "camera": train_sources[0][1]["camera"], "vocab": data["vocab"]}, ckpt_path)

    if not os.path.exists(os.path.join(args.out, "samples", f"step-{step:06d}.png")):
        validate(ema, val_sources, mc, tc, weights, step, log, args.out)  # where this invocation starts
    # The clocks start after that first validation, so max_minutes is all training steps.
    start = time.time()
    cpu_start = time.process_time()
    while step < max_steps and (time.time() - start) < max_minutes * 60:
        idx = draw_batch(sources, tc["batch"], rng)
        x0 = image_batch(data, idx, rng, tc.get("p_flip", 0.0))
        tokens = caption_batch(data, idx, rng, tc["p_drop_text"], mc["text_len"])
        lr = tc["lr"] * min(1.0, (step + 1) / tc["warmup"])
        for g in opt.param_groups:
            g["lr"] = lr
        model.train()
        loss = flow_loss(model, x0, tokens, weights, gen, tc)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        gn = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        update_ema(ema, model, step, tc["ema"])
        recent.append(loss.item())
        if step % 10 == 0:
            log_losses(step, gn, lr)
        if step % tc["checkpoint_every"] == 0:
            checkpoint()
        if step % tc["sample_every"] == 0:
            validate(ema, val_sources, mc, tc, weights, step, log, args.out)
    if recent:
        log_losses(step, gn, lr)  # the steps since the last record, so a short invocation is measured too
    checkpoint()
    if not os.path.exists(os.path.join(args.out, "samples", f"step-{step:06d}.png")):
        validate(ema, val_sources, mc, tc, weights, step, log, args.out)  # where this invocation stops
    print(f"stopped at step {step}", flush=True)


if __name__ == "__main__":
    main()
