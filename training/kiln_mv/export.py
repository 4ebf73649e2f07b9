"""Exports a trained checkpoint (its EMA weights) to ONNX and writes the model folder.

  /usr/bin/python3 -m kiln_mv.export runs/cpu/checkpoint.pt ../assets/models/kiln-mv-cpu

The folder gets encoder.onnx (runs once per generation), denoiser.onnx (runs once per sampling step,
conditional and unconditional together as a batch of two), vocab.json and manifest.json, which the
TypeScript runtime validates and reads everything from: files and sha256, I/O names and shapes,
cameras, resolution and channel encoding, parametrisation, sampler and guidance defaults, tokenizer,
training config and data seed.
"""
import argparse
import hashlib
import json
import os
import shutil
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from kiln_mv.data import CROP_MARGIN, DEPTH_RANGE, source_specs  # noqa: E402
from kiln_mv.model import MultiViewDiT  # noqa: E402
from kiln_mv.from_onnx import probe_inputs, probe_prediction  # noqa: E402
from kiln_mv.onnx_fp16 import store_weights_fp16  # noqa: E402
from kiln_mv.known_objects import write_known_objects  # noqa: E402


def prediction(cfg, state):
    """The model with these weights (any float precision) on the fixed probe: x0 for both probe rows."""
    mc = dict(cfg["model"], vocab_size=state["cond.embed.weight"].shape[0])
    model = MultiViewDiT(mc)
    model.load_state_dict({k: v.float() for k, v in state.items()})
    model.eval()
    return probe_prediction(model, mc, cfg["data"]["resolution"])


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def exportable(model):
    """Readies a transformer for torch.onnx.export. Train mode keeps PyTorch off its fused attention
    kernels, which the ONNX exporter cannot translate (the models have no dropout or batch
    statistics, so the graph computes the same); a LayerNorm without affine parameters exports from
    torch 1.13 with an empty scale input that the checker rejects, so it gets an identity affine."""
    model.train()
    for mod in model.modules():
        if isinstance(mod, torch.nn.LayerNorm) and not mod.elementwise_affine:
            mod.weight = torch.nn.Parameter(torch.ones(mod.normalized_shape))
            mod.bias = torch.nn.Parameter(torch.zeros(mod.normalized_shape))
            mod.elementwise_affine = True
    return model


def ship_log(log_paths, out):
    """Merges training logs (earlier chunks first) into the model folder as training-log.jsonl (each
    step's latest record: a resumed run repeats steps after its last checkpoint) and returns (the
    loss every 100 steps, the wall seconds of training). A resumed run appends to the log and
    restarts its clock, so the wall time is the sum of each invocation's last reading."""
    history = []
    wall_seconds = 0.0
    records = [json.loads(line) for path in log_paths if os.path.exists(path) for line in open(path) if line.strip()]
    if not records:
        return history, wall_seconds
    segment_max, last = 0.0, -1.0
    for rec in records:
        if "elapsed_s" in rec:
            if rec["elapsed_s"] < last:
                wall_seconds += segment_max
                segment_max = 0.0
            segment_max = max(segment_max, rec["elapsed_s"])
            last = rec["elapsed_s"]
    wall_seconds += segment_max
    latest = {}
    for rec in records:
        latest[(rec["step"], "val" if any(k.startswith("val_") for k in rec) else "train")] = rec
    kept = [latest[k] for k in sorted(latest)]
    with open(os.path.join(out, "training-log.jsonl"), "w") as f:
        for rec in kept:
            f.write(json.dumps(rec) + "\n")
    for rec in kept:
        if "loss" in rec and rec["step"] % 100 == 0:
            history.append({"step": rec["step"], "loss": round(rec["loss"], 5)})
    return history, wall_seconds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint")
    ap.add_argument("out")
    ap.add_argument("--log", nargs="+", default=[], help="training log.jsonl files in order (earlier chunks first), merged into the shipped log and summarised into the manifest")
    ap.add_argument("--guidance", default='{"preset": "hunyuan-lite", "scale": 3}', help="default guidance (JSON)")
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--fp16", action="store_true", help="store the weights in fp16 (half the size; the graph still computes in fp32)")
    ap.add_argument("--description", default=None, help="the manifest's description (default: the procedural model's)")
    args = ap.parse_args()

    ck = torch.load(args.checkpoint)
    cfg = ck["config"]
    mc = cfg["model"]
    roots = [src["path"] for src in source_specs(cfg["data"]["train"])]
    corpora = [json.load(open(os.path.join(root, "corpus.json"))) for root in roots]
    if any(c["rig"] != corpora[0]["rig"] for c in corpora):
        raise SystemExit("the training corpora were rendered with different rigs")
    corpus = corpora[0]
    # The longest vocabulary: the catalogue corpus's extends the procedural one (load_sources checks it).
    vocab_root = max(roots, key=lambda root: len(json.load(open(os.path.join(root, "vocab.json")))["tokens"]))
    vocab = json.load(open(os.path.join(vocab_root, "vocab.json")))
    mc["vocab_size"] = len(vocab["tokens"])
    model = MultiViewDiT(mc)
    ema = {k: v.float() for k, v in ck["ema"].items()}
    fp16_error = None
    if args.fp16:
        # Export the weights as fp16 will hold them, so the probe below is what the shipped file computes.
        rounded = {k: (v.half().float() if v.is_floating_point() else v) for k, v in ema.items()}
        fp16_error = float((prediction(cfg, ema) - prediction(cfg, rounded)).abs().max())
        print(f"fp16 weights move the probe prediction by at most {fp16_error:.2e}")
        ema = rounded
    model.load_state_dict(ema)
    exportable(model)

    os.makedirs(args.out, exist_ok=True)
    v, res, s, L, d = mc["views"], cfg["data"]["resolution"], mc["condition_size"], mc["text_len"], mc["width"]
    ctx_len = 16 + L
    image = torch.zeros(1, 4, s, s)
    mask = torch.ones(1)
    tokens = torch.zeros(1, L, dtype=torch.long)
    enc_path = os.path.join(args.out, "encoder.onnx")
    den_path = os.path.join(args.out, "denoiser.onnx")
    with torch.no_grad():
        torch.onnx.export(model.cond, (image, mask, tokens), enc_path, opset_version=17, training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False,
                          input_names=["image", "image_mask", "tokens"], output_names=["context"],
                          dynamic_axes={"image": {0: "batch"}, "image_mask": {0: "batch"}, "tokens": {0: "batch"}, "context": {0: "batch"}})
        x = torch.zeros(2, v, 5, res, res)
        t = torch.full((2,), 0.5)
        ctx = torch.zeros(2, ctx_len, d)
        # With the pixel path the denoiser also takes the condition image (zeros for "no image").
        pixel = bool(mc.get("pixel_condition"))
        den_args = (x, t, ctx, torch.zeros(2, 4, s, s)) if pixel else (x, t, ctx)
        den_inputs = ["x", "t", "context"] + (["image"] if pixel else [])
        torch.onnx.export(model.denoiser, den_args, den_path, opset_version=17, training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False,
                          input_names=den_inputs, output_names=["x0"],
                          dynamic_axes={**{k: {0: "batch"} for k in den_inputs}, "x0": {0: "batch"}})
    if args.fp16:
        for path in (enc_path, den_path):
            store_weights_fp16(path)
    # A fixed probe and a few of the exported model's outputs, so the runtime can prove that
    # onnxruntime computes what PyTorch computed (test/diffusion/shipped-model.test.ts).
    with torch.no_grad():
        px, pt, pimg, pmask, ptok = probe_inputs(mc, res)
        pctx = model.cond(pimg, pmask, ptok)
        px0 = model.denoiser(px, pt, pctx, pimg * pmask[:, None, None, None]) if pixel else model.denoiser(px, pt, pctx)
        probe = {"x": "sin(0.001 i)", "t": [0.7, 0.3], "image": "cos(0.01 i)", "image_mask": [1, 0], "tokens0": [2, 10, 20, 3],
                 "x0_first": [round(float(a), 6) for a in px0.flatten()[:8]], "x0_mean": float(px0.mean()), "x0_abs_mean": float(px0.abs().mean())}
    shutil.copy(os.path.join(vocab_root, "vocab.json"), os.path.join(args.out, "vocab.json"))
    # A corpus with Sweet Home 3D models carries their credits (CC-BY needs attribution): ship them with the model.
    credits = [os.path.join(root, "CREDITS.md") for root in roots if os.path.exists(os.path.join(root, "CREDITS.md"))]
    if credits:
        with open(os.path.join(args.out, "CREDITS.md"), "w", encoding="utf-8") as out:
            out.write("\n\n".join(open(path, encoding="utf-8").read().strip() for path in credits) + "\n")

    history, wall_seconds = ship_log(args.log, args.out)
    # The catalogue objects it saw by name, so prompts naming them are accepted (and only those).
    objects_path = write_known_objects(cfg["data"]["train"], args.out)
    manifest = {
        "format": "kiln-model/1",
        "name": os.path.basename(os.path.normpath(args.out)),
        "description": args.description or "Multi-view DiT trained on kiln's procedural corpus (31 categories of furniture, vessels, plants, vehicles, toys). It knows that world and no more.",
        "kind": "multiview-diffusion",
        "files": {
            "encoder": {"path": "encoder.onnx", "sha256": sha256(enc_path), "bytes": os.path.getsize(enc_path)},
            "denoiser": {"path": "denoiser.onnx", "sha256": sha256(den_path), "bytes": os.path.getsize(den_path)},
            "vocab": {"path": "vocab.json", "sha256": sha256(os.path.join(args.out, "vocab.json")), "bytes": os.path.getsize(os.path.join(args.out, "vocab.json"))},
            **({"objects": {"path": "objects.json", "sha256": sha256(objects_path), "bytes": os.path.getsize(objects_path)}} if objects_path else {}),
        },
        "io": {
            "encoder": {
                "inputs": {"image": {"type": "float32", "shape": ["batch", 4, s, s]}, "image_mask": {"type": "float32", "shape": ["batch"]}, "tokens": {"type": "int64", "shape": ["batch", L]}},
                "outputs": {"context": {"type": "float32", "shape": ["batch", ctx_len, d]}},
            },
            "denoiser": {
                "inputs": {"x": {"type": "float32", "shape": ["batch", v, 5, res, res]}, "t": {"type": "float32", "shape": ["batch"]}, "context": {"type": "float32", "shape": ["batch", ctx_len, d]},
                           **({"image": {"type": "float32", "shape": ["batch", 4, s, s]}} if pixel else {})},
                "outputs": {"x0": {"type": "float32", "shape": ["batch", v, 5, res, res]}},
            },
        },
        "rig": corpus["rig"],
        "resolution": res,
        "channels": ["red", "green", "blue", "alpha", "depth"],
        "encoding": {
            "range": [-1, 1],
            "rgb": "premultiplied by alpha, background black",
            "depth": {"offset": corpus["rig"]["views"][0]["distance"], "scale": DEPTH_RANGE, "empty": 1},
        },
        "condition": {"size": s, "channels": ["red", "green", "blue", "alpha"], "rgb": "premultiplied by alpha", "cropMargin": CROP_MARGIN},
        "text": {"length": L, "vocab": "vocab.json", "tokenizer": "kiln-words-and-han/1"},
        "parametrisation": "x0",
        "objective": "flow matching on x_t = (1 - t) x0 + t eps, t in [0, 1], loss on x0 (channel-weighted MSE), logit-normal t",
        "sampler": {"solver": "euler", "steps": args.steps, "tMin": 0.02},
        "guidance": json.loads(args.guidance),
        "probe": probe,
        "weights": {"storage": "fp16" if args.fp16 else "fp32", **({"fp16MaxProbeChange": fp16_error} if args.fp16 else {})},
        "training": {"config": cfg, "dataSeed": corpus["seed"], "trainObjects": sum(c["count"] for c in corpora), "steps": ck["step"], "wallMinutes": round(wall_seconds / 60, 1), "loss": history},
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    total = sum(f["bytes"] for f in manifest["files"].values())
    print(f"wrote {args.out}: {total / 1e6:.1f} MB, step {ck['step']}")


if __name__ == "__main__":
    main()
