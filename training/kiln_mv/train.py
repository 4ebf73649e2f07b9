"""Trains the multi-view DiT with flow matching (x-prediction), resumable from its last checkpoint.

  /usr/bin/python3 -m kiln_mv.train configs/cpu.json --out runs/cpu

Writes runs/<name>/{checkpoint.pt, log.jsonl, samples/step-N.png}. Stops at max_steps or after
max_minutes of training in this invocation (run it again to continue).
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

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from kiln_common.loop import JsonLog, resume, save_checkpoint, set_up_torch, update_ema  # noqa: E402
from kiln_mv.data import load_sources  # noqa: E402
from kiln_mv.from_onnx import weights_from_model_folder  # noqa: E402
from kiln_mv.model import MultiViewDiT  # noqa: E402


def draw_batch(sources, batch, rng):
    """Indices into the concatenated training set: each sample's source drawn by its share, then an
    object of that source uniformly, so a small source (real objects) is over-sampled to its share."""
    shares = np.array([s["share"] for s in sources], np.float64)
    which = rng.choice(len(sources), size=batch, p=shares / shares.sum())
    return np.array([sources[k]["offset"] + rng.integers(sources[k]["count"]) for k in which])


def concat(parts):
    """One dataset from several sources' data dicts (views, cond, captions, records)."""
    return {
        "views": np.concatenate([d["views"] for d in parts]),
        "cond": np.concatenate([d["cond"] for d in parts]),
        "captions": [c for d in parts for c in d["captions"]],
        "records": [r for d in parts for r in d["records"]],
        "vocab": parts[0]["vocab"],
    }


def grow_state(own, loaded):
    """Fits an older model's weights into this one: input convolutions that grew channels keep the
    old ones and start the new ones at zero; embeddings that grew rows (a vocabulary extended at the
    end) keep the old rows and start the new ones as the model initialised them; blocks the old model
    lacks keep their initialisation (adaLN-Zero: a new block starts as the identity); a denoiser whose
    token grid grew finer (patch 2 -> 1) starts from the coarse one (see finer_tokens)."""
    out = dict(own)
    for name, value in loaded.items():
        if name not in own:
            raise ValueError(f"{name}: not in this model")
        value = value.float()
        mine = own[name]
        finer = finer_tokens(name, value, mine)
        if finer is not None:
            out[name] = finer
        elif mine.shape == value.shape:
            out[name] = value
        elif mine.dim() == value.dim() == 4 and mine.shape[0] == value.shape[0] and mine.shape[1] > value.shape[1]:
            grown = torch.zeros_like(mine)
            grown[:, : value.shape[1]] = value
            out[name] = grown
        elif mine.dim() == value.dim() == 2 and mine.shape[1] == value.shape[1] and mine.shape[0] > value.shape[0]:
            grown = mine.clone()
            grown[: value.shape[0]] = value
            out[name] = grown
        else:
            raise ValueError(f"{name}: shape {tuple(value.shape)} cannot grow into {tuple(mine.shape)}")
    return out


def finer_tokens(name, value, mine):
    """A 2x2-patch denoiser's weights for a 1x1-patch one (4x4 -> 8x8 tokens per view), or None when
    `name` is not one of the three tensors that differ. Each fine token starts as the coarse token
    of its 2x2 cell would be on a locally flat feature map: the patch convolution's four taps are
    summed, the un-patch's four taps averaged, and each position embedding repeats over its cell."""
    if value.shape == mine.shape:
        return None
    if name == "denoiser.enc.patch.weight" and value.shape[2:] == (2, 2) and mine.shape[2:] == (1, 1):
        return value.sum(dim=(2, 3), keepdim=True)
    if name == "denoiser.dec.unpatch.weight" and value.shape[2:] == (2, 2) and mine.shape[2:] == (1, 1):
        return value.mean(dim=(2, 3), keepdim=True)
    if name == "denoiser.pos" and value.shape[1] == 16 and mine.shape[1] == 64:
        grid = value.reshape(1, 4, 4, -1).repeat_interleave(2, dim=1).repeat_interleave(2, dim=2)
        return grid.reshape(1, 64, -1)
    return None


def condition_batch(data, idx, rng, cfg_t, text_len):
    """Condition images, flags and caption ids with dropout for classifier-free guidance."""
    image = torch.from_numpy(data["cond"][idx].astype(np.float32))
    keep_image = rng.random(len(idx)) >= cfg_t["p_drop_image"]
    keep_text = rng.random(len(idx)) >= cfg_t["p_drop_text"]
    tokens = np.zeros((len(idx), text_len), np.int64)
    for k, i in enumerate(idx):
        if keep_text[k]:
            caps = data["captions"][i]
            tokens[k] = caps[rng.integers(len(caps))]
    mask = torch.from_numpy(keep_image.astype(np.float32))
    image = image * mask[:, None, None, None]
    return image, mask, torch.from_numpy(tokens)


def flow_loss(model, x0, image, mask, tokens, weights, gen, tc):
    b = x0.shape[0]
    # Logit-normal times concentrate training on the middle of the path; shifted towards noise
    # (centre t = 0.73) and mixed with 30 % uniform times, because near t = 1 is where only the
    # condition tells the views apart: a plain logit-normal(0, 1) trains t > 0.9 1 % of the time,
    # and the first CPU run learned to ignore the condition.
    shift = tc.get("t_shift", 0.0)
    t = torch.sigmoid(torch.randn(b, generator=gen) + shift)
    uniform = torch.rand(b, generator=gen) < tc.get("t_uniform", 0.0)
    t = torch.where(uniform, torch.rand(b, generator=gen), t).clamp(1e-3, 1.0)
    eps = torch.randn(x0.shape, generator=gen)
    tt = t[:, None, None, None, None]
    xt = (1 - tt) * x0 + tt * eps
    pred = model(xt, t, image, mask, tokens)
    return (((pred - x0) ** 2) * weights).mean()


@torch.no_grad()
def sample(model, image, mask, tokens, steps=20, scale=2.0, seed=0):
    """Euler sampling with constant guidance, as the TypeScript sampler does (for progress snapshots)."""
    g = torch.Generator().manual_seed(seed)
    b = image.shape[0]
    x = torch.randn((b, 6, 5, 64, 64), generator=g)
    ts = [1 - i * (1 - 0.02) / (steps - 1) for i in range(steps)] + [0.0]
    null_img = torch.zeros_like(image)
    null_mask = torch.zeros_like(mask)
    null_tok = torch.zeros_like(tokens)
    for k in range(steps):
        t, nxt = ts[k], ts[k + 1]
        tv = torch.full((b,), t)
        c = model(x, tv, image, mask, tokens)
        u = model(x, tv, null_img, null_mask, null_tok)
        x0 = u + scale * (c - u)
        if nxt == 0:
            x = x0
        else:
            x = x + (nxt - t) * (x - x0) / t
    return x


def save_grid(path, cond, views):
    """Condition image then six views (RGB over white), one row per sample."""
    from PIL import Image  # noqa: WPS433 — optional, only for snapshots

    rows = []
    for i in range(views.shape[0]):
        c = ((cond[i, :3] + 1) / 2 + (1 - (cond[i, 3:4] + 1) / 2)).clamp(0, 1)
        tiles = [c]
        for v in range(views.shape[1]):
            a = ((views[i, v, 3:4] + 1) / 2).clamp(0, 1)
            tiles.append(((views[i, v, :3] + 1) / 2 + (1 - a)).clamp(0, 1))
            d = ((1 - views[i, v, 4:5]) / 2).clamp(0, 1).repeat(3, 1, 1)
            tiles.append(d)
        rows.append(torch.cat(tiles, dim=2))
    img = (torch.cat(rows, dim=1).permute(1, 2, 0).numpy() * 255).astype(np.uint8)
    Image.fromarray(img).save(path)


VAL_OBJECTS = 48
ANNEAL_FLOOR = 0.05


@torch.no_grad()
def validate(ema, val_sources, mc, weights, step, log, out):
    """Per validation source: the flow loss on its first objects with fixed times and noise
    (comparable across runs and steps; plain logit-normal t), and the alpha IoU of 4 of them sampled
    with 12 Euler steps from the image alone; a sample grid per source."""
    rec = {"step": step}
    for k, (spec, val) in enumerate(val_sources):
        name = spec.get("name", os.path.basename(os.path.normpath(spec["path"])))
        count = min(VAL_OBJECTS, len(val["records"]))
        vx0 = torch.from_numpy(val["views"][:count].astype(np.float32))
        vimg = torch.from_numpy(val["cond"][:count].astype(np.float32))
        vmask = torch.ones(count)
        vtok = torch.zeros((count, mc["text_len"]), dtype=torch.long)
        losses = [flow_loss(ema, vx0[i:i + 16], vimg[i:i + 16], vmask[i:i + 16], vtok[i:i + 16], weights, torch.Generator().manual_seed(1 + i), {}).item() * len(vx0[i:i + 16])
                  for i in range(0, count, 16)]
        out4 = sample(ema, vimg[:4], vmask[:4], vtok[:4], steps=12)
        alpha_iou = (((out4[:, :, 3] > 0) & (vx0[:4, :, 3] > 0)).sum() / ((out4[:, :, 3] > 0) | (vx0[:4, :, 3] > 0)).sum()).item()
        suffix = "" if k == 0 else f"_{name}"
        rec[f"val_loss{suffix}"] = sum(losses) / count
        rec[f"val_alpha_iou{suffix}"] = alpha_iou
        try:
            save_grid(os.path.join(out, "samples", f"step-{step:06d}{suffix}.png"), vimg[:4], out4)
        except ImportError:
            pass
    log.write(rec)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("config")
    ap.add_argument("--out", required=True)
    ap.add_argument("--limit", type=int, default=None, help="use only the first N training objects")
    ap.add_argument("--max-steps", type=int, default=None)
    ap.add_argument("--max-minutes", type=float, default=None, help="this invocation's time limit (default: the config's max_minutes)")
    ap.add_argument("--anneal", action="store_true", help="cosine-decay the learning rate to 5 %% of the config's over this invocation's "
                    "time limit (the end of a chunk; the next chunk warms up again, as in SGDR)")
    ap.add_argument("--validate-only", action="store_true", help="validate the run's checkpoint (appending to its log) and stop")
    ap.add_argument("--init-from", default=None, help="warm start: weights (model and EMA) of a model folder (rebuilt from its ONNX files) or of a checkpoint, full or "
                    "weights-only; the optimiser starts afresh with a warm-up of train.resume_warmup steps; see grow_state")
    args = ap.parse_args()
    cfg = json.load(open(args.config))
    mc, tc = cfg["model"], cfg["train"]
    set_up_torch(tc["threads"], cfg["seed"])
    os.makedirs(os.path.join(args.out, "samples"), exist_ok=True)

    t0 = time.time()
    if args.validate_only:
        val_sources = load_sources(cfg["data"]["val"], mc["condition_size"], mc["text_len"], "val")
        ck = torch.load(os.path.join(args.out, "checkpoint.pt"))
        mc["vocab_size"] = ck["ema"]["cond.embed.weight"].shape[0]
        ema = MultiViewDiT(mc).eval()
        ema.load_state_dict(ck["ema"])
        weights = torch.tensor(tc["channel_weights"], dtype=torch.float32)[None, None, :, None, None]
        validate(ema, val_sources, mc, weights, ck["step"], JsonLog(os.path.join(args.out, "log.jsonl")), args.out)
        return
    train_sources = load_sources(cfg["data"]["train"], mc["condition_size"], mc["text_len"], "train", args.limit)
    val_sources = load_sources(cfg["data"]["val"], mc["condition_size"], mc["text_len"], "val")
    data = concat([d for _, d in train_sources])
    offset = 0
    sources = []
    for spec, d in train_sources:
        sources.append({"share": spec["share"], "offset": offset, "count": len(d["records"])})
        offset += len(d["records"])
    mc["vocab_size"] = len(data["vocab"])
    n = len(data["records"])
    described = ", ".join(f"{s['count']} from {spec['path']} (share {s['share']})" for (spec, _), s in zip(train_sources, sources))
    print(f"loaded {n} train objects ({described}) in {time.time() - t0:.0f}s", flush=True)

    model = MultiViewDiT(mc)
    ema = copy.deepcopy(model).eval()
    opt = torch.optim.AdamW(model.parameters(), lr=tc["lr"], weight_decay=tc["weight_decay"], betas=(0.9, 0.99))
    step = 0
    warm_from = 0
    ckpt_path = os.path.join(args.out, "checkpoint.pt")
    ck = resume(ckpt_path, model, ema, opt)
    if ck:
        step = ck["step"]
        warm_from = ck.get("warm_from", 0)
        print(f"resumed at step {step}", flush=True)
    elif args.init_from:
        # A model folder (the shipped model: its ONNX weights, rebuilt) or a checkpoint file.
        ck = weights_from_model_folder(args.init_from) if os.path.isdir(args.init_from) else torch.load(args.init_from)
        for net, key in ((model, "model"), (ema, "ema")):
            net.load_state_dict(grow_state(net.state_dict(), ck[key]))
        step = ck["step"]
        warm_from = step
        print(f"warm start from {args.init_from} at step {step}", flush=True)
    print(f"parameters: {sum(p.numel() for p in model.parameters()) / 1e6:.2f} M", flush=True)

    rng = np.random.default_rng(cfg["seed"] + step)
    gen = torch.Generator().manual_seed(cfg["seed"] * 1000003 + step)
    weights = torch.tensor(tc["channel_weights"], dtype=torch.float32)[None, None, :, None, None]
    max_steps = args.max_steps or tc["max_steps"]
    log = JsonLog(os.path.join(args.out, "log.jsonl"))
    start = time.time()
    recent = []

    def checkpoint():
        save_checkpoint({"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(), "step": step, "warm_from": warm_from, "config": cfg}, ckpt_path)

    if step % tc["sample_every"] != 0 or not os.path.exists(os.path.join(args.out, "samples", f"step-{step:06d}.png")):
        validate(ema, val_sources, mc, weights, step, log, args.out)  # where this invocation starts
    limit_minutes = args.max_minutes or tc["max_minutes"]
    while step < max_steps and (time.time() - start) < limit_minutes * 60:
        idx = draw_batch(sources, tc["batch"], rng)
        x0 = torch.from_numpy(data["views"][idx].astype(np.float32))
        image, mask, tokens = condition_batch(data, idx, rng, tc, mc["text_len"])
        # A fresh optimiser on trained weights needs only a short warm-up (its moments are empty).
        warm = tc.get("resume_warmup", tc["warmup"]) if warm_from else tc["warmup"]
        lr = tc["lr"] * min(1.0, (step - warm_from + 1) / warm)
        if args.anneal:
            done = min(1.0, (time.time() - start) / (limit_minutes * 60))
            lr *= ANNEAL_FLOOR + (1 - ANNEAL_FLOOR) * 0.5 * (1 + math.cos(math.pi * done))
        for g in opt.param_groups:
            g["lr"] = lr
        model.train()
        loss = flow_loss(model, x0, image, mask, tokens, weights, gen, tc)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        gn = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        update_ema(ema, model, step, tc["ema"])
        recent.append(loss.item())
        if step % 10 == 0:
            rec = {"step": step, "loss": float(np.mean(recent)), "grad_norm": float(gn), "lr": lr, "elapsed_s": round(time.time() - start, 1)}
            recent = []
            log.write(rec)
        if step % tc["checkpoint_every"] == 0:
            checkpoint()
        if step % tc["sample_every"] == 0:
            validate(ema, val_sources, mc, weights, step, log, args.out)
    checkpoint()
    if step % tc["sample_every"] != 0:
        validate(ema, val_sources, mc, weights, step, log, args.out)  # where this invocation stops
    print(f"stopped at step {step}", flush=True)


if __name__ == "__main__":
    main()
