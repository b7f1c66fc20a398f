#!/bin/bash
# entrypoint.sh - an image's shell entrypoint, unchanged: some set-up, then
# the training script with whatever arguments the container was given.
set -euo pipefail
echo "entrypoint: starting training in ${SM_MODEL_DIR:-?}"
exec python3 /app/train.py "$@"
