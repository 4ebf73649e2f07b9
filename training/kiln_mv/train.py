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
from kiln_mv.data import load_split  # noqa: E402
from kiln_mv.model import MultiViewDiT  # noqa: E402


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("config")
    ap.add_argument("--out", required=True)
    ap.add_argument("--limit", type=int, default=None, help="use only the first N training objects")
    ap.add_argument("--max-steps", type=int, default=None)
    ap.add_argument("--init-from", default=None, help="warm start: weights (model and EMA) of another run's checkpoint; "
                    "input convolutions that grew channels keep the old ones and start the new ones at zero")
    args = ap.parse_args()
    cfg = json.load(open(args.config))
    mc, tc = cfg["model"], cfg["train"]
    torch.set_num_threads(tc["threads"])
    torch.manual_seed(cfg["seed"])
    os.makedirs(os.path.join(args.out, "samples"), exist_ok=True)

    t0 = time.time()
    data = load_split(cfg["data"]["train"], mc["condition_size"], mc["text_len"], args.limit)
    val = load_split(cfg["data"]["val"], mc["condition_size"], mc["text_len"], 64)
    mc["vocab_size"] = len(data["vocab"])
    n = len(data["records"])
    print(f"loaded {n} train objects in {time.time() - t0:.0f}s", flush=True)

    model = MultiViewDiT(mc)
    ema = copy.deepcopy(model).eval()
    opt = torch.optim.AdamW(model.parameters(), lr=tc["lr"], weight_decay=tc["weight_decay"], betas=(0.9, 0.99))
    step = 0
    ckpt_path = os.path.join(args.out, "checkpoint.pt")
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path)
        model.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        step = ck["step"]
        print(f"resumed at step {step}", flush=True)
    elif args.init_from:
        ck = torch.load(args.init_from)
        for net, key in ((model, "model"), (ema, "ema")):
            own = net.state_dict()
            for name, value in ck[key].items():
                if name in own and own[name].shape != value.shape and own[name].dim() == value.dim() == 4 and own[name].shape[0] == value.shape[0]:
                    grown = torch.zeros_like(own[name])
                    grown[:, : value.shape[1]] = value
                    ck[key][name] = grown
            net.load_state_dict(ck[key])
        step = ck["step"]
        print(f"warm start from {args.init_from} at step {step}", flush=True)
    print(f"parameters: {sum(p.numel() for p in model.parameters()) / 1e6:.2f} M", flush=True)

    rng = np.random.default_rng(cfg["seed"] + step)
    gen = torch.Generator().manual_seed(cfg["seed"] * 1000003 + step)
    weights = torch.tensor(tc["channel_weights"], dtype=torch.float32)[None, None, :, None, None]
    max_steps = args.max_steps or tc["max_steps"]
    log = open(os.path.join(args.out, "log.jsonl"), "a")
    start = time.time()
    recent = []

    def checkpoint():
        tmp = ckpt_path + ".tmp"
        torch.save({"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(), "step": step, "config": cfg}, tmp)
        os.replace(tmp, ckpt_path)

    while step < max_steps and (time.time() - start) < tc["max_minutes"] * 60:
        idx = rng.integers(0, n, tc["batch"])
        x0 = torch.from_numpy(data["views"][idx].astype(np.float32))
        image, mask, tokens = condition_batch(data, idx, rng, tc, mc["text_len"])
        lr = tc["lr"] * min(1.0, (step + 1) / tc["warmup"])
        for g in opt.param_groups:
            g["lr"] = lr
        model.train()
        loss = flow_loss(model, x0, image, mask, tokens, weights, gen, tc)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        gn = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        decay = min(tc["ema"], (1 + step) / (10 + step))
        with torch.no_grad():
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.mul_(decay).add_(pm.detach(), alpha=1 - decay)
        recent.append(loss.item())
        if step % 10 == 0:
            rec = {"step": step, "loss": float(np.mean(recent)), "grad_norm": float(gn), "lr": lr, "elapsed_s": round(time.time() - start, 1)}
            recent = []
            log.write(json.dumps(rec) + "\n")
            log.flush()
            print(json.dumps(rec), flush=True)
        if step % tc["checkpoint_every"] == 0:
            checkpoint()
        if step % tc["sample_every"] == 0:
            with torch.no_grad():
                vi = np.arange(4)
                vx0 = torch.from_numpy(val["views"][vi].astype(np.float32))
                vimg = torch.from_numpy(val["cond"][vi].astype(np.float32))
                vmask = torch.ones(4)
                vtok = torch.zeros((4, mc["text_len"]), dtype=torch.long)
                vloss = flow_loss(ema, vx0, vimg, vmask, vtok, weights, torch.Generator().manual_seed(1), {}).item()  # plain logit-normal: comparable across runs
                out = sample(ema, vimg, vmask, vtok, steps=12)
                alpha_iou = (((out[:, :, 3] > 0) & (vx0[:, :, 3] > 0)).sum() / ((out[:, :, 3] > 0) | (vx0[:, :, 3] > 0)).sum()).item()
                rec = {"step": step, "val_loss": vloss, "val_alpha_iou": alpha_iou}
                log.write(json.dumps(rec) + "\n")
                log.flush()
                print(json.dumps(rec), flush=True)
                try:
                    save_grid(os.path.join(args.out, "samples", f"step-{step:06d}.png"), vimg, out)
                except ImportError:
                    pass
    checkpoint()
    print(f"stopped at step {step}", flush=True)


if __name__ == "__main__":
    main()
