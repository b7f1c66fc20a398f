#!/usr/bin/env bash
# bench/startup.sh - what smshim adds to a process start (target: < 1 ms),
# side by side in one hyperfine run:
#   /bin/true                       the baseline
#   floor /bin/true                 an exec wrapper that does nothing else
#                                   (bench/floor.c): any wrapper's floor here
#   smshim --exec -- /bin/true      the example job's environment, then exec
#   smshim -- /bin/true             the same, supervised: fork, wait, output/success
#   smshim env                      building and printing every variable
#   python3 -c pass                 the interpreter start any Python launcher pays
#   toolkit Environment             the reference toolkit building the same
#                                   variables, when TOOLKIT_SRC points at a copy
#                                   of its src/ (plus TOOLKIT_STUBS, optional)
# Hardware detection runs as in a container without GPUs (no nvidia-smi).
set -euo pipefail
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
smshim="${SMSHIM:-$root/build/bin/smshim}"
job=$(mktemp -d)
trap 'rm -rf "$job"' EXIT
cp -r "$root/examples/job/." "$job/"
export SAGEMAKER_BASE_DIR="$job"
unset SMSHIM_NUM_CPUS SMSHIM_NUM_GPUS SMSHIM_NUM_NEURONS

floor="$root/build/bench/floor"
mkdir -p "$(dirname "$floor")"
${CC:-cc} -O2 -o "$floor" "$root/bench/floor.c"

cmds=(/bin/true "$floor /bin/true" "$smshim --exec -- /bin/true" "$smshim -- /bin/true" "$smshim env")
names=("/bin/true" "floor /bin/true" "smshim --exec -- /bin/true" "smshim -- /bin/true" "smshim env")
py=$(python3 -c "import sys; print(sys.executable)")
cmds+=("$py -c pass")
names+=("python3 -c pass (interpreter start)")
if [ -n "${TOOLKIT_SRC:-}" ]; then
	cmds+=("env PYTHONPATH=$TOOLKIT_SRC:${TOOLKIT_STUBS:-} $py -c 'from sagemaker_training import environment; environment.Environment().to_env_vars()'")
	names+=("toolkit Environment().to_env_vars()")
fi
args=()
for i in "${!cmds[@]}"; do
	args+=(-n "${names[$i]}" "${cmds[$i]}")
done
out="${OUT:-$job/startup.json}"
hyperfine -N --warmup 20 --runs "${RUNS:-300}" --export-json "$out" "${args[@]}"
echo
python3 "$root/bench/summary.py" "$out"
