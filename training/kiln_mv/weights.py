"""Writes the weights-only resume checkpoint that the repository keeps between training chunks.

  /usr/bin/python3 -m kiln_mv.weights runs/cpu-v2/checkpoint.pt checkpoints/kiln-mv-cpu-2.pt

Keeps the model and its EMA in fp16, the step, the warm-up origin and the config; drops the
optimiser (twice the model's size: the next chunk rebuilds it with a short warm-up, see
`train.py --init-from`). Prints how far fp16 moves the EMA model's prediction on a fixed input, so
the saving is checked, not assumed. Written to a temporary file and renamed, so an interrupted run
never leaves half a checkpoint.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from kiln_mv.from_onnx import probe_inputs  # noqa: E402
from kiln_mv.model import MultiViewDiT  # noqa: E402


def half(state):
    return {k: (v.half() if v.is_floating_point() else v) for k, v in state.items()}


def vocab_size(state):
    return state["cond.embed.weight"].shape[0]


@torch.no_grad()
def prediction(cfg, state):
    mc = dict(cfg["model"], vocab_size=vocab_size(state))
    model = MultiViewDiT(mc)
    model.load_state_dict({k: v.float() for k, v in state.items()})
    model.eval()
    x, t, image, mask, tokens = probe_inputs(mc, cfg["data"]["resolution"])
    return model.denoiser(x, t, model.cond(image, mask, tokens), image * mask[:, None, None, None])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint")
    ap.add_argument("out")
    args = ap.parse_args()
    ck = torch.load(args.checkpoint)
    compact = {"model": half(ck["model"]), "ema": half(ck["ema"]), "step": ck["step"], "warm_from": ck.get("warm_from", 0),
               "config": ck["config"], "format": "kiln-mv-weights/1"}
    full = prediction(ck["config"], ck["ema"])
    rounded = prediction(ck["config"], compact["ema"])
    err = (full - rounded).abs()
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp"
    torch.save(compact, tmp)
    os.replace(tmp, args.out)
    print(f"wrote {args.out}: step {ck['step']}, {os.path.getsize(args.out) / 1e6:.1f} MB; fp16 moves the prediction by "
          f"{float(err.mean()):.2e} on average, {float(err.max()):.2e} at most (values in [-1, 1])")


if __name__ == "__main__":
    main()
