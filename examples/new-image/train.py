"""train.py - a training script written for SageMaker's script mode, unchanged.

It takes its hyperparameters as arguments and finds the job's directories
in the SM_* variables, as SageMaker's Python toolkit would give them; in
this image smshim gives them instead.  argparse is strict: the "train"
argument SageMaker appends to the ENTRYPOINT would stop it, which is why
smshim drops it by default.
"""
import argparse
import json
import os
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--learning-rate", type=float, default=0.01)
    parser.add_argument("--batch_size", type=int, default=8)
    parser.add_argument("--optimizer", default="sgd")
    parser.add_argument("--model-dir", default=os.environ.get("SM_MODEL_DIR", "model"))
    parser.add_argument("--data-dir", default=os.environ.get("SM_CHANNEL_TRAINING", "data"))
    args = parser.parse_args()

    print("arguments:", " ".join(sys.argv[1:]))
    print(f"training on {os.environ.get('SM_CURRENT_HOST')} with {args.data_dir}: "
          f"epochs={args.epochs} learning_rate={args.learning_rate}")
    model = os.path.join(args.model_dir, "model.json")
    with open(model, "w") as f:
        json.dump({"epochs": args.epochs, "learning_rate": args.learning_rate}, f)
    print("model written to", model)


if __name__ == "__main__":
    main()
