#!/usr/bin/env bash
# bench/supervise.sh - what supervision costs, side by side in one run:
#   1. the parent's memory while the job runs: the peak RSS (VmHWM) of the
#      process that waits for the training script - smshim train, and the
#      reference toolkit's python when TOOLKIT_SRC points at a copy of its
#      src/ (TOOLKIT_STUBS optional).  Target: smshim under 4 MiB.
#   2. stderr throughput: a child writing 1 GiB to stderr straight into a
#      file (on tmpfs), and the same child under smshim; then the same into a
#      pipe read by cat (a container's log driver), where smshim relays it.
#      Target: at least 90 % of direct.
set -euo pipefail
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
smshim="${SMSHIM:-$root/build/bin/smshim}"
py=$(python3 -c 'import sys; print(sys.executable)')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- 1. parent memory --------------------------------------------------------
job="$work/job"
cp -r "$root/examples/job" "$job"
cat >"$job/code/hold.py" <<'PY'
import os, time
time.sleep(1.0)  # let the parent settle
status = open("/proc/%d/status" % os.getppid()).read()
fields = dict(l.split(":", 1) for l in status.splitlines() if ":" in l)
print("%s %s" % (fields["Name"].strip(), fields["VmHWM"].strip()))
PY
echo "== parent peak RSS while the script runs (VmHWM of the script's parent)"
for i in 1 2 3; do
	SAGEMAKER_BASE_DIR="$job" SAGEMAKER_PROGRAM=hold.py SMSHIM_LOG_LEVEL=error "$smshim" train
done | sort | uniq -c
if [ -n "${TOOLKIT_SRC:-}" ]; then
	for i in 1 2 3; do
		SAGEMAKER_BASE_DIR="$job" SAGEMAKER_PROGRAM=hold.py SM_STUDIO_LOCAL_MODE=true \
			PYTHONPATH="$TOOLKIT_SRC:${TOOLKIT_STUBS:-}" \
			"$py" -c 'from sagemaker_training.cli.train import main; main()' 2>/dev/null
	done | sed 's/^python3* /toolkit(python) /' | sort | uniq -c
fi

# --- 2. stderr throughput ------------------------------------------------------
echo
echo "== 1 GiB through stderr into a file"
# sh -c: the hyperparameters smshim appends go to the shell, not to dd
writer="sh -c 'dd if=/dev/zero of=/dev/stderr bs=1M count=1024 status=none' sh"
# on tmpfs: the disk would measure the disk
out=$(mktemp -p /dev/shm smshim-bench.XXXXXX)
trap 'rm -rf "$work" "$out"' EXIT
hyperfine --runs "${RUNS:-7}" --warmup 1 --export-json "$work/relay.json" \
	-n "direct" "$writer 2>$out" \
	-n "through smshim" "SAGEMAKER_BASE_DIR=$job SMSHIM_LOG_LEVEL=error $smshim -- $writer 2>$out"
echo
python3 "$root/bench/summary.py" "$work/relay.json"
echo
echo "== 1 GiB through stderr into a pipe (what a container's log driver reads)"
hyperfine --runs "${RUNS:-7}" --warmup 1 --export-json "$work/pipe.json" \
	-n "direct" "$writer 2>&1 >/dev/null | cat >/dev/null" \
	-n "through smshim" "SAGEMAKER_BASE_DIR=$job SMSHIM_LOG_LEVEL=error $smshim -- $writer 2>&1 >/dev/null | cat >/dev/null"
echo
python3 "$root/bench/summary.py" "$work/pipe.json"
for f in relay pipe; do
	python3 - "$work/$f.json" "$f" <<'PY'
import json, statistics, sys
r = {x["command"]: statistics.median(x["times"]) for x in json.load(open(sys.argv[1]))["results"]}
print("%s: throughput through smshim %.0f %% of direct (%.0f MiB/s against %.0f MiB/s)" % (
    {"relay": "into a file", "pipe": "into a pipe"}[sys.argv[2]],
    100 * r["direct"] / r["through smshim"], 1024 / r["through smshim"], 1024 / r["direct"]))
PY
done
