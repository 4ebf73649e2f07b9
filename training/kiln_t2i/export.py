"""Exports a trained text-to-image checkpoint (its EMA weights) to ONNX and writes the model folder.

  /usr/bin/python3 -m kiln_t2i.export runs/t2i-cpu/checkpoint.pt ../assets/models/kiln-t2i-cpu --fp16 --log runs/t2i-cpu/log.jsonl

The folder gets encoder.onnx (the caption encoder: runs once per generation, for the caption and
the empty caption together), denoiser.onnx (runs once per sampling step, conditional and
unconditional as a batch of two), vocab.json and manifest.json (kind "text-to-image"), which the
TypeScript runtime (src/diffusion/text-to-image-model.ts) validates and reads everything from:
files and sha256, I/O names and shapes, the camera and crop of the image it draws, resolution and
channel encoding, parametrisation, sampler and guidance defaults, tokenizer, training config.
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from kiln_mv.data import CROP_MARGIN  # noqa: E402
from kiln_mv.export import exportable, sha256, ship_log  # noqa: E402
from kiln_mv.onnx_fp16 import store_weights_fp16  # noqa: E402
from kiln_mv.known_objects import write_known_objects  # noqa: E402
from kiln_mv.data import source_specs  # noqa: E402
from kiln_t2i.model import CHANNELS, TextToImageDiT  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint")
    ap.add_argument("out")
    ap.add_argument("--log", nargs="+", default=[], help="training log.jsonl files in order (earlier invocations first), merged into the shipped log and summarised into the manifest")
    ap.add_argument("--scale", type=float, default=3.0, help="default guidance scale on the caption (constant)")
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--fp16", action="store_true", help="store the weights in fp16 (half the size; the graph still computes in fp32)")
    args = ap.parse_args()

    ck = torch.load(args.checkpoint)
    cfg = ck["config"]
    mc = dict(cfg["model"])
    vocab = ck["vocab"]
    mc["vocab_size"] = len(vocab)
    model = TextToImageDiT(mc)
    ema = {k: v.float() for k, v in ck["ema"].items()}
    if args.fp16:
        # Export the weights as fp16 will hold them, so the probe below is what the shipped file computes.
        ema = {k: (v.half().float() if v.is_floating_point() else v) for k, v in ema.items()}
    model.load_state_dict(ema)
    exportable(model)

    os.makedirs(args.out, exist_ok=True)
    s, L, d = mc["image_size"], mc["text_len"], mc["width"]
    enc_path = os.path.join(args.out, "encoder.onnx")
    den_path = os.path.join(args.out, "denoiser.onnx")
    with torch.no_grad():
        torch.onnx.export(model.text, (torch.zeros(2, L, dtype=torch.long),), enc_path, opset_version=17, training=torch.onnx.TrainingMode.PRESERVE,
                          do_constant_folding=False, input_names=["tokens"], output_names=["context"],
                          dynamic_axes={"tokens": {0: "batch"}, "context": {0: "batch"}})
        torch.onnx.export(model.denoiser, (torch.zeros(2, CHANNELS, s, s), torch.full((2,), 0.5), torch.zeros(2, L, d)), den_path, opset_version=17,
                          training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False, input_names=["x", "t", "context"], output_names=["x0"],
                          dynamic_axes={"x": {0: "batch"}, "t": {0: "batch"}, "context": {0: "batch"}, "x0": {0: "batch"}})
    if args.fp16:
        for path in (enc_path, den_path):
            store_weights_fp16(path)
    with torch.no_grad():
        # A fixed probe and a few of PyTorch's outputs for it, so a test can prove that onnxruntime
        # computes the same (test/diffusion/text-to-image-model.test.ts, when the model is shipped).
        px = torch.sin(torch.arange(2 * CHANNELS * s * s, dtype=torch.float32) * 0.001).reshape(2, CHANNELS, s, s)
        pt = torch.tensor([0.7, 0.3])
        ptok = torch.zeros(2, L, dtype=torch.long)
        ptok[0, :4] = torch.tensor([2, 10, 20, 3])
        px0 = model(px, pt, ptok)
        probe = {"x": "sin(0.001 i)", "t": [0.7, 0.3], "tokens0": [2, 10, 20, 3],
                 "x0_first": [round(float(a), 6) for a in px0.flatten()[:8]], "x0_mean": float(px0.mean()), "x0_abs_mean": float(px0.abs().mean())}

    vocab_path = os.path.join(args.out, "vocab.json")
    with open(vocab_path, "w", encoding="utf-8") as f:
        json.dump({"format": "kiln-vocab/1", "tokens": vocab}, f, ensure_ascii=False)
    # Sweet Home 3D models carry their credits (CC-BY needs attribution): ship them with the model.
    credits = [os.path.join(src["path"], "CREDITS.md") for src in source_specs(cfg["data"]["train"])]
    credits = [path for path in credits if os.path.exists(path)]
    if credits:
        with open(os.path.join(args.out, "CREDITS.md"), "w", encoding="utf-8") as out:
            out.write("\n\n".join(open(path, encoding="utf-8").read().strip() for path in credits) + "\n")
    history, wall_seconds = ship_log(args.log, args.out)
    # The catalogue objects it saw by name, so prompts naming them are accepted (and only those).
    objects_path = write_known_objects(cfg["data"]["train"], args.out)

    camera = ck.get("camera")
    view = cfg["data"].get("view", 1)
    file_entry = lambda p: {"path": os.path.basename(p), "sha256": sha256(p), "bytes": os.path.getsize(p)}  # noqa: E731
    manifest = {
        "format": "kiln-model/1",
        "name": os.path.basename(os.path.normpath(args.out)),
        "description": "Text-to-image DiT trained on kiln's procedural corpus and the Sweet Home 3D catalogues' names: draws the condition view of an object from an English or Chinese caption. It knows those objects and no more.",
        "kind": "text-to-image",
        "files": {"encoder": file_entry(enc_path), "denoiser": file_entry(den_path), "vocab": file_entry(vocab_path), **({"objects": file_entry(objects_path)} if objects_path else {})},
        "io": {
            "encoder": {"inputs": {"tokens": {"type": "int64", "shape": ["batch", L]}}, "outputs": {"context": {"type": "float32", "shape": ["batch", L, d]}}},
            "denoiser": {
                "inputs": {"x": {"type": "float32", "shape": ["batch", CHANNELS, s, s]}, "t": {"type": "float32", "shape": ["batch"]}, "context": {"type": "float32", "shape": ["batch", L, d]}},
                "outputs": {"x0": {"type": "float32", "shape": ["batch", CHANNELS, s, s]}},
            },
        },
        "resolution": s,
        "channels": ["red", "green", "blue", "alpha"],
        "encoding": {"range": [-1, 1], "rgb": "premultiplied by alpha, background black"},
        # What the image shows: the object from this camera (the corpus's view `view`; none for the
        # random condition view), cropped as kiln crops a photo.
        "view": {"corpusView": view, **({"camera": camera} if camera else {}), "cropMargin": CROP_MARGIN},
        "text": {"length": L, "vocab": "vocab.json", "tokenizer": "kiln-words-and-han/1"},
        "parametrisation": "x0",
        "objective": "flow matching on x_t = (1 - t) x0 + t eps, t in [0, 1], loss on x0 (channel-weighted MSE), logit-normal t; caption dropout for classifier-free guidance",
        "sampler": {"solver": "euler", "steps": args.steps, "tMin": 0.02},
        "guidance": {"preset": "constant", "scale": args.scale},
        "probe": probe,
        "weights": {"storage": "fp16" if args.fp16 else "fp32"},
        "training": {"config": cfg, "dataSeed": cfg["data"].get("corpus_seed"), "steps": ck["step"], "wallMinutes": round(wall_seconds / 60, 1), "loss": history},
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
    total = sum(f["bytes"] for f in manifest["files"].values())
    print(f"wrote {args.out}: {total / 1e6:.1f} MB, step {ck['step']}")


if __name__ == "__main__":
    main()
