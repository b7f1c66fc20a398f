#!/usr/bin/env bash
# bench/preload.sh - what libsmshim.so costs a process that is not the
# entry process (target: < 50 us), side by side (hyperfine -N):
#   env /bin/true                             the baseline
#   env LD_PRELOAD=<empty library> /bin/true  what loading any library costs
#   env LD_PRELOAD=libsmshim.so /bin/true     the library: loaded, one getpid()
# Every command goes through env(1), so the exec of env is in every column
# and the difference is the library's alone.  A job is present
# (SAGEMAKER_BASE_DIR), as in a training container: outside PID 1 the
# library must not even look at it.
# Then, when valgrind is installed, the instructions each /bin/true runs
# (callgrind, user space only): the same comparison, repeatable on a noisy
# machine.
set -euo pipefail
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
lib="${LIB:-$root/build/lib/libsmshim.so}"
[ -f "$lib" ] || {
	echo "no $lib: run make first" >&2
	exit 1
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$root/examples/job" "$work/job"
export SAGEMAKER_BASE_DIR="$work/job"

# the floor: a library with nothing in it, linked the same way
echo 'int smshim_bench_empty;' >"$work/empty.c"
${CC:-cc} -shared -fPIC -O2 -Wl,-z,relro -Wl,-z,noseparate-code -o "$work/empty.so" "$work/empty.c"

true_bin=$(command -v true)
env_bin=$(command -v env)
# ROUNDS short hyperfine runs, merged: the three commands alternate, so
# that a busy spell of the machine falls on all of them alike
out="${OUT:-$work/preload.json}"
rounds=${ROUNDS:-10}
runs=$(((${RUNS:-3000} + rounds - 1) / rounds))
for r in $(seq "$rounds"); do
	# (its outlier warnings, one per command and round, only on failure)
	hyperfine -N --style none --warmup 20 --runs "$runs" --export-json "$work/round$r.json" \
		-n "/bin/true" "$env_bin $true_bin" \
		-n "/bin/true, empty library preloaded" "$env_bin LD_PRELOAD=$work/empty.so $true_bin" \
		-n "/bin/true, libsmshim.so preloaded" "$env_bin LD_PRELOAD=$lib $true_bin" \
		>/dev/null 2>"$work/hyperfine.err" || {
		cat "$work/hyperfine.err" >&2
		exit 1
	}
done
python3 - "$out" "$work"/round*.json <<'PY'
import json, sys
merged = None
for path in sys.argv[2:]:
    results = json.load(open(path))["results"]
    if merged is None:
        merged = results
    else:
        for m, r in zip(merged, results):
            m["times"] += r["times"]
json.dump({"results": merged}, open(sys.argv[1], "w"))
PY
echo "$rounds rounds of $runs runs each, on $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$root/bench/summary.py" "$out"

command -v valgrind >/dev/null || exit 0
echo
printf '%-42s %14s %12s\n' "command (callgrind)" "instructions" "added"
base=""
for pre in "" "$work/empty.so" "$lib"; do
	n=$(env ${pre:+LD_PRELOAD=$pre} valgrind --tool=callgrind --callgrind-out-file=/dev/null \
		"$true_bin" 2>&1 | sed -n 's/.*Collected : *//p')
	base=${base:-$n}
	printf '%-42s %14s %12s\n' "/bin/true${pre:+, $(basename "$pre") preloaded}" "$n" "$((n - base))"
done
