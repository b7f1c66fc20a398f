#!/bin/sh
# tests/fuzz/run.sh BUILD TARGET SECONDS - fuzz one target for SECONDS.
# First every saved crash of tests/fuzz/regressions/TARGET is replayed (each
# became a fix); then libFuzzer explores from the seeds of
# tests/fuzz/corpus/TARGET, in a scratch copy under BUILD/fuzz so that the
# repository keeps only the seeds.  A crash leaves its input in
# BUILD/fuzz/artifacts/ and fails.
set -eu
target="$2" seconds="$3"
root=$(cd "$(dirname "$0")/../.." && pwd)
# absolute: fuzz_extract chroots, and then only absolute paths still name files
mkdir -p "$1/fuzz"
build=$(cd "$1" && pwd)
bin="$build/fuzz/fuzz_$target"
regressions="$root/tests/fuzz/regressions/$target"
work="$build/fuzz/corpus-$target"
artifacts="$build/fuzz/artifacts/$target"
mkdir -p "$work" "$artifacts"
cp -n "$root/tests/fuzz/corpus/$target/"* "$work/" 2>/dev/null || true
if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
	"$bin" -runs=0 "$regressions"/* >"$build/fuzz/$target.regressions.log" 2>&1 || {
		tail -40 "$build/fuzz/$target.regressions.log"
		echo "fuzz_$target: a saved crash came back"
		exit 1
	}
fi
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$artifacts/" "$work" >"$build/fuzz/$target.log" 2>&1 || {
	tail -60 "$build/fuzz/$target.log"
	echo "fuzz_$target: crashed; the input is in $artifacts"
	exit 1
}
grep -E '^stat::number_of_executed_units|^#[0-9]+ *DONE' "$build/fuzz/$target.log" | tail -2
