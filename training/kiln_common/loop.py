"""The steps every training loop here takes alike: setting up torch, the EMA update, the
checkpoint (written atomically, read back on resume) and the JSON-lines log. The loops differ in
their data, losses, schedules and validation, which stay in each package's train.py."""
import json
import os

import torch


def set_up_torch(threads, seed):
    torch.set_num_threads(threads)
    # Subnormal floats (weights and gradients that decay towards zero) take a slow path on x86:
    # flushing them to zero keeps a step's cost flat over a long run.
    torch.set_flush_denormal(True)
    torch.manual_seed(seed)


def update_ema(ema, model, step, target):
    """Moves the EMA weights towards the model's, with a decay that ramps up to `target` over the
    first steps (so early averages are not dominated by the random start). Buffers (batch-norm
    statistics) are copied, not averaged."""
    decay = min(target, (1 + step) / (10 + step))
    with torch.no_grad():
        for pe, pm in zip(ema.parameters(), model.parameters()):
            pe.mul_(decay).add_(pm.detach(), alpha=1 - decay)
        for be, bm in zip(ema.buffers(), model.buffers()):
            be.copy_(bm)


def save_checkpoint(state, path):
    """Writes beside the file, then renames: a run killed mid-write leaves the previous checkpoint."""
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)


def resume(path, model, ema, opt):
    """Loads a run's checkpoint into the model, its EMA and the optimiser; returns it (for the step
    and whatever else the loop keeps in it), or None when the run has none yet. A weights-only
    checkpoint (see `weights_only`) has no optimiser state: the optimiser starts afresh, and the
    loop should warm its learning rate up again (Adam's first steps, with empty moments, move every
    weight by about the learning rate)."""
    if not os.path.exists(path):
        return None
    ck = torch.load(path)
    model.load_state_dict(ck["model"])
    ema.load_state_dict(ck["ema"])
    if "opt" in ck:
        opt.load_state_dict(ck["opt"])
    return ck


def weights_only(src, dst):
    """Writes `src`'s checkpoint without its optimiser state (half its size) to `dst`: the resume
    point committed between chunks of a run that spans several invocations on different machines."""
    ck = torch.load(src)
    ck.pop("opt", None)
    save_checkpoint(ck, dst)


class JsonLog:
    """A run's log.jsonl, appended to across invocations; every record is also printed."""

    def __init__(self, path):
        self.file = open(path, "a")

    def write(self, record):
        line = json.dumps(record)
        self.file.write(line + "\n")
        self.file.flush()
        print(line, flush=True)
