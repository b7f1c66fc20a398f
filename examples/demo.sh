#!/bin/sh
# examples/demo.sh - what `make demo` runs: the example job under
# examples/job, copied to build/demo/ (so the repository stays clean), run
# through `smshim train` exactly as SageMaker would start it.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
smshim="${SMSHIM:-$root/build/bin/smshim}"
job="$root/build/demo/job"

rm -rf "$job"
mkdir -p "$(dirname "$job")"
cp -r "$root/examples/job" "$job"

echo "== the job: $job"
echo "   hyperparameters.json: $(tr -d '\n' <"$job/input/config/hyperparameters.json" | tr -s ' ')"
echo
echo "== smshim args (the script's arguments)"
SAGEMAKER_BASE_DIR="$job" "$smshim" args --format=shell
echo
echo "== smshim train (what SageMaker's docker run IMAGE train does)"
SAGEMAKER_BASE_DIR="$job" "$smshim" train
echo
echo "== the model SageMaker would upload: $job/model/model.json"
cat "$job/model/model.json"
echo
