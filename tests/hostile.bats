#!/usr/bin/env bats
# The hostile inputs of docs/robustness.md that no other suite covers: very
# deep, very many, very large, odd names, a read-only or incomplete job.
# Expected everywhere: a clear message and a documented exit code, or the
# toolkit's own outcome; never a crash or a hang.

load helpers

setup() {
	job_with_hps '{"epochs": "1"}'
	HP="$JOB/input/config/hyperparameters.json"
	RC="$JOB/input/config/resourceconfig.json"
}

@test "10 000-deep nesting in a file: refused with the position" {
	python3 -c 'print("[" * 10000 + "]" * 10000)' >"$JOB/input/config/inputdataconfig.json"
	run --separate-stderr "$SMSHIM" env
	[ "$status" -eq 65 ]
	assert_one_error_line "inputdataconfig.json: line 1 column 901: nesting is deeper than 900 levels"
}

@test "10 000-deep nesting in a value: refused (Python's decoder would raise RecursionError)" {
	python3 -c 'import json; print(json.dumps({"deep": "[" * 10000 + "]" * 10000}))' >"$HP"
	run --separate-stderr "$SMSHIM" -- true
	[ "$status" -eq 65 ]
	assert_one_error_line "$HP: the value of hyperparameter \"deep\": nesting is deeper than 900 levels"
	grep -q "nesting is deeper than 900 levels" "$JOB/output/failure"
}

@test "100 000 hyperparameters: env and args in seconds; running a command is refused by size" {
	python3 -c 'import json; print(json.dumps({"hp_%06d" % i: str(i) for i in range(100000)}))' >"$HP"
	started=$(date +%s)
	run --separate-stderr "$SMSHIM" args --format=json
	[ "$status" -eq 0 ]
	assert_eq "$(printf '%s' "$output" | python3 -c 'import json,sys; a=json.load(sys.stdin); print(len(a), a[0], a[-1])')" \
		"200000 --hp_000000 99999"
	run --separate-stderr "$SMSHIM" env --format=json
	[ "$status" -eq 0 ]
	assert_eq "$(printf '%s' "$output" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 100031
	[ $(($(date +%s) - started)) -lt 20 ]
	run --separate-stderr "$SMSHIM" -- true
	[ "$status" -eq 65 ]
	assert_one_error_line "too large to start a program"
}

@test "a 100 MB value: the file is refused by its size" {
	python3 -c 'import json; print(json.dumps({"big": "x" * (100 * 1024 * 1024)}))' >"$HP"
	run --separate-stderr "$SMSHIM" -- true
	[ "$status" -eq 65 ]
	assert_one_error_line "$HP: file is 100.0 MiB; a config file may hold at most 16 MiB"
}

@test "names of only spaces are accepted, as the toolkit accepts them" {
	echo '{"   ": "\"v\"", "a b": "1"}' >"$HP"
	run --separate-stderr "$SMSHIM" -- python3 -c 'import os, sys; print(repr(os.environ["SM_HP_   "]), sys.argv[1:])'
	[ "$status" -eq 0 ]
	assert_eq "$output" "'v' ['--   ', 'v', '--a b', '1']"
}

@test "hosts of 10 000 entries: every variable built, in seconds" {
	python3 -c '
import json
hosts = ["algo-%d" % i for i in range(1, 10001)]
print(json.dumps({"current_host": "algo-1", "hosts": hosts,
                  "instance_groups": [{"instance_group_name": "g", "instance_type": "ml.c5.xlarge", "hosts": hosts}],
                  "current_group_name": "g"}))' >"$RC"
	run --separate-stderr "$SMSHIM" env --format=json
	[ "$status" -eq 0 ]
	assert_eq "$(printf '%s' "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(json.loads(d["SM_HOSTS"])), len(json.loads(d["SM_CURRENT_INSTANCE_GROUP_HOSTS"])))')" "10000 10000"
}

@test "a read-only base directory: the job runs; nothing can be written and smshim says so" {
	cp "$FIXTURES/probe.py" "$JOB/code/train.py"
	echo '{"sagemaker_program": "\"train.py\""}' >"$HP"
	# a read-only bind mount in a mount namespace of its own (root here and in CI)
	run --separate-stderr unshare --mount sh -c 'mount --bind -o ro "$1" "$1" && PROBE_OUT=/dev/null "$2" train' \
		sh "$JOB" "$SMSHIM"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"WARNING cannot write $JOB/output/success: Read-only file system"* ]]
	[ ! -e "$JOB/output/success" ]
	# and when the code must first be put in code/
	rm "$JOB/code/train.py"
	mkdir "$BATS_TEST_TMPDIR/src" && cp "$FIXTURES/probe.py" "$BATS_TEST_TMPDIR/src/train.py"
	echo "{\"sagemaker_program\": \"\\\"train.py\\\"\", \"sagemaker_submit_directory\": \"\\\"$BATS_TEST_TMPDIR/src\\\"\"}" >"$HP"
	run --separate-stderr unshare --mount sh -c 'mount --bind -o ro "$1" "$1" && "$2" train' sh "$JOB" "$SMSHIM"
	[ "$status" -eq 73 ]
	assert_error_line "cannot create a temporary directory in $JOB: Read-only file system"
}

@test "output/ missing: the command's status is kept and nothing is created" {
	rm -rf "$JOB/output"
	run --separate-stderr "$SMSHIM" -- sh -c 'exit 3'
	[ "$status" -eq 3 ]
	[ ! -e "$JOB/output" ]
	run --separate-stderr "$SMSHIM" -- true
	[ "$status" -eq 0 ]
	[ ! -e "$JOB/output" ]
}

@test "every exit status 0..255 passes through as PID 1 in a PID namespace too" {
	for n in $(seq 0 255); do
		status=0
		unshare --pid --fork "$SMSHIM" -- sh -c 'exit "$1"' sh "$n" 2>/dev/null || status=$?
		[ "$status" -eq "$n" ] || {
			echo "exit $n came out as $status" >&2
			return 1
		}
	done
}
