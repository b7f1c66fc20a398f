#!/usr/bin/env python3
"""A small SageMaker script-mode training script: fits y = w*x + b to the
CSV files of the "training" channel with mini-batch gradient descent, and
saves the model where SageMaker collects it.  It uses only what a script
gets from SageMaker: arguments and SM_* variables."""
import argparse
import csv
import glob
import json
import os
import random
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=10)
parser.add_argument("--learning-rate", type=float, default=0.01)
parser.add_argument("--batch_size", type=int, default=8)
parser.add_argument("--optimizer", default="sgd")
parser.add_argument("--model-dir", default=os.environ["SM_MODEL_DIR"])
parser.add_argument("--train", default=os.environ["SM_CHANNEL_TRAINING"])
args = parser.parse_args()

print("train.py received:")
print("  arguments:  %s" % " ".join(sys.argv[1:]))
for name in ("SM_HPS", "SM_CHANNEL_TRAINING", "SM_MODEL_DIR", "SM_NUM_CPUS", "SM_CURRENT_HOST",
             "SAGEMAKER_JOB_NAME"):
    print("  %-20s %s" % (name, os.environ.get(name)))

rows = []
for path in sorted(glob.glob(os.path.join(args.train, "*.csv"))):
    with open(path) as f:
        rows += [(float(r["x"]), float(r["y"])) for r in csv.DictReader(f)]
if not rows:
    sys.exit("no CSV data in %s" % args.train)

random.seed(0)
w = b = 0.0
for epoch in range(args.epochs):
    random.shuffle(rows)
    for i in range(0, len(rows), args.batch_size):
        batch = rows[i:i + args.batch_size]
        gw = sum(2 * (w * x + b - y) * x for x, y in batch) / len(batch)
        gb = sum(2 * (w * x + b - y) for x, y in batch) / len(batch)
        w -= args.learning_rate * gw
        b -= args.learning_rate * gb
loss = sum((w * x + b - y) ** 2 for x, y in rows) / len(rows)
print("fitted y = %.3f * x + %.3f (mean squared error %.4f) on %d rows" % (w, b, loss, len(rows)))
with open(os.path.join(args.model_dir, "model.json"), "w") as f:
    json.dump({"w": w, "b": b, "loss": loss}, f)
print("model saved to %s" % os.path.join(args.model_dir, "model.json"))
