#!/usr/bin/env python3
"""main.py train|serve [ARG...] - a script that dispatches on its first
argument, the way some images use the "train" SageMaker appends: it needs
SMSHIM_TRAIN_ARG=keep (tests/preload.bats)."""
import sys

if len(sys.argv) < 2 or sys.argv[1] not in ("train", "serve"):
    sys.exit("usage: main.py train|serve [ARG...]")
print("mode=%s args=%s" % (sys.argv[1], " ".join(sys.argv[2:])))
