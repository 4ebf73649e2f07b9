"""Writes a checkpoint without its optimiser state, the copy of a run to commit between chunks:

  /usr/bin/python3 -m kiln_common.slim runs/seg-mix/checkpoint.pt checkpoints/kiln-seg-run-5.pt

To resume on another machine, copy it back to runs/<name>/checkpoint.pt and train as before.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from kiln_common.loop import weights_only  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("dst")
    args = ap.parse_args()
    os.makedirs(os.path.dirname(os.path.abspath(args.dst)), exist_ok=True)
    weights_only(args.src, args.dst)
    print(f"{args.dst}: {os.path.getsize(args.dst) / 1e6:.1f} MB", flush=True)


if __name__ == "__main__":
    main()
