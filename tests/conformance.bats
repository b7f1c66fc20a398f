#!/usr/bin/env bats
# The four reference jobs: smshim's SM_* variables and arguments must be the
# reference's, byte for byte.

load helpers

FIXTURE_NAMES="01-single-host-basic 02-tricky-hyperparameters 03-multi-host-mpi 04-shell-entrypoint-failure"

# env --format=json prints exactly expected-env.json (base dir as /opt/ml)
check_env_json() {
	conformance_job "$1"
	"$SMSHIM" env --format=json >"$BATS_TEST_TMPDIR/env.json"
	sed "s#$JOB#/opt/ml#g" "$BATS_TEST_TMPDIR/env.json" >"$BATS_TEST_TMPDIR/env.norm.json"
	diff "$FIXTURE/expected-env.json" "$BATS_TEST_TMPDIR/env.norm.json"
}

@test "01 single host: env --format=json is expected-env.json byte for byte" {
	check_env_json 01-single-host-basic
}

@test "02 tricky hyperparameters: env --format=json is expected-env.json byte for byte" {
	check_env_json 02-tricky-hyperparameters
}

@test "03 multi-host MPI: env --format=json is expected-env.json byte for byte" {
	check_env_json 03-multi-host-mpi
}

@test "04 shell entry point: env --format=json is expected-env.json byte for byte" {
	check_env_json 04-shell-entrypoint-failure
}

@test "all four: args --format=json is expected-args.json byte for byte" {
	for name in $FIXTURE_NAMES; do (
		conformance_job "$name"
		"$SMSHIM" args --format=json >"$BATS_TEST_TMPDIR/args.json"
		diff "$FIXTURE/expected-args.json" "$BATS_TEST_TMPDIR/args.json"
	) done
}

@test "all four: env --format=dotenv holds the lines of expected-env.txt" {
	for name in $FIXTURE_NAMES; do (
		conformance_job "$name"
		"$SMSHIM" env --format=dotenv | grep '^SM_' | sed "s#$JOB#/opt/ml#g" |
			LC_ALL=C sort >"$BATS_TEST_TMPDIR/env.txt"
		diff "$FIXTURE/expected-env.txt" "$BATS_TEST_TMPDIR/env.txt"
	) done
}

@test "all four: a command run under smshim gets the reference's variables and arguments" {
	for name in $FIXTURE_NAMES; do (
		conformance_job "$name"
		PROBE_OUT="$BATS_TEST_TMPDIR/$name.probe.json" \
			"$SMSHIM" -- python3 "$FIXTURES/probe.py"
		python3 "$FIXTURES/compare_probe.py" "$BATS_TEST_TMPDIR/$name.probe.json" "$FIXTURE" "$JOB"
	) done
}

@test "all four: env --format=shell, evaluated by bash, gives every shell-named variable" {
	for name in $FIXTURE_NAMES; do (
		conformance_job "$name"
		script=$("$SMSHIM" env --format=shell)
		bash -c "$script"'
			python3 -c "
import json, os, sys
exp = json.load(open(sys.argv[1]))
bad = [k for k, v in exp.items() if k.replace(\"_\", \"a\").isalnum() and k.isascii()
       and os.environ.get(k, \"\").replace(sys.argv[2], \"/opt/ml\") != v]
print(bad)
sys.exit(1 if bad else 0)" "$0" "$1"' "$FIXTURE/expected-env.json" "$JOB"
	) done
}
