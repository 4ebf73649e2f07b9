"""Rebuilds a weights-only checkpoint from an exported model folder (its ONNX files and manifest).

  /usr/bin/python3 -m kiln_mv.from_onnx ../assets/models/kiln-mv-cpu-2 runs/from-shipped.pt

`train.py --init-from` also takes a model folder and calls this itself: the shipped model is the
resume point between training chunks (its fp16 ONNX weights are the EMA a chunk ends with).

The exporter keeps PyTorch's parameter names (no constant folding), so every initializer maps back
to a state-dict entry; the LayerNorms the exporter gave an identity affine are dropped again. The
result is checked against the probe the exporter stored in the manifest, so a model that was only
ever shipped as ONNX can still be trained further (`train.py --init-from`).
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from kiln_mv.model import MultiViewDiT  # noqa: E402
from kiln_mv.onnx_fp16 import FP16_SUFFIX  # noqa: E402


def onnx_weights(path, prefix):
    graph = onnx.load(path).graph
    return {f"{prefix}.{t.name.removesuffix(FP16_SUFFIX)}": torch.from_numpy(numpy_helper.to_array(t).copy()) for t in graph.initializer}


def probe_inputs(mc, res):
    """The fixed probe inputs the exporter runs through the model (x, t, image, image mask, tokens)
    and records in the manifest; the runtime's tests replay them in onnxruntime."""
    v, s, L = mc["views"], mc["condition_size"], mc["text_len"]
    n = v * 5 * res * res
    x = torch.sin(torch.arange(2 * n, dtype=torch.float32) * 0.001).reshape(2, v, 5, res, res)
    t = torch.tensor([0.7, 0.3])
    image = torch.cos(torch.arange(2 * 4 * s * s, dtype=torch.float32) * 0.01).reshape(2, 4, s, s)
    mask = torch.tensor([1.0, 0.0])
    tokens = torch.zeros(2, L, dtype=torch.long)
    tokens[0, :4] = torch.tensor([2, 10, 20, 3])
    return x, t, image, mask, tokens


@torch.no_grad()
def probe_prediction(model, mc, res):
    """The model's x0 on the fixed probe inputs (what the manifest's probe records)."""
    x, t, image, mask, tokens = probe_inputs(mc, res)
    return model.denoiser(x, t, model.cond(image, mask, tokens), image * mask[:, None, None, None])


def weights_from_model_folder(model_dir):
    """The model's weights (as both model and EMA: the export holds the EMA), step and training config,
    rebuilt from the folder's ONNX files and checked against its manifest's probe."""
    manifest = json.load(open(os.path.join(model_dir, "manifest.json")))
    cfg = manifest["training"]["config"]
    mc = cfg["model"]
    vocab = json.load(open(os.path.join(model_dir, "vocab.json")))
    mc["vocab_size"] = len(vocab["tokens"])
    model = MultiViewDiT(mc)
    state = model.state_dict()
    weights = {**onnx_weights(os.path.join(model_dir, "encoder.onnx"), "cond"),
               **onnx_weights(os.path.join(model_dir, "denoiser.onnx"), "denoiser")}
    loaded = {}
    for name, value in weights.items():
        if name in state:
            if state[name].shape != value.shape:
                raise SystemExit(f"{name}: shape {tuple(value.shape)} in ONNX, {tuple(state[name].shape)} in the model")
            loaded[name] = value.to(state[name].dtype)
    missing = sorted(set(state) - set(loaded))
    if missing:
        raise SystemExit(f"not in the ONNX files: {missing[:10]}")
    model.load_state_dict(loaded)
    model.eval()
    x0 = probe_prediction(model, mc, manifest["resolution"])
    probe = manifest["probe"]
    err = float(np.max(np.abs(x0.flatten()[:8].numpy() - np.array(probe["x0_first"]))))
    if err > 1e-3 or abs(float(x0.mean()) - probe["x0_mean"]) > 1e-4:
        raise SystemExit(f"the rebuilt model does not reproduce the manifest's probe (max error {err:.2e})")
    sd = model.state_dict()
    print(f"rebuilt {model_dir}: step {manifest['training']['steps']}, {len(loaded)} tensors, probe error {err:.1e}", flush=True)
    return {"model": sd, "ema": sd, "step": manifest["training"]["steps"], "config": cfg}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model_dir")
    ap.add_argument("out")
    args = ap.parse_args()
    torch.save(weights_from_model_folder(args.model_dir), args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
