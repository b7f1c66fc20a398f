#!/usr/bin/env bats
# The command line: help, version, usage errors, formats, exec failures.

load helpers

setup() {
	job_with_hps '{"epochs": "10", "lr": "0.5"}'
}

@test "--help tells every command and option, on stdout, exit 0" {
	run --separate-stderr "$SMSHIM" --help
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	for word in "-- COMMAND" "env [--format=json|shell|dotenv]" "args [--format=json|shell]" \
		--base-dir --version SMSHIM_NUM_CPUS; do
		[[ "$output" == *"$word"* ]]
	done
}

@test "--version prints the version" {
	run --separate-stderr "$SMSHIM" --version
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^smshim\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "usage errors exit 64 with a hint" {
	for argv in "" "--bogus" "frobnicate" "env --format=xml" "args --format=dotenv" "env extra"; do
		# shellcheck disable=SC2086
		run --separate-stderr "$SMSHIM" $argv
		[ "$status" -eq 64 ]
		[[ "$stderr" == *"Try 'smshim --help'."* ]]
	done
}

@test "env defaults to json; every format can be asked for" {
	run --separate-stderr "$SMSHIM" env
	[ "$status" -eq 0 ]
	printf '%s' "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["SM_HP_EPOCHS"] == "10" and all(k.startswith("SM_") for k in d)'
	run --separate-stderr "$SMSHIM" env --format shell
	[[ "$output" == *"export SM_HP_EPOCHS=10"* ]]
	run --separate-stderr "$SMSHIM" env --format=dotenv
	[[ "$output" == *$'\nSM_HP_LR=0.5'* ]]
}

@test "dotenv: a value with a newline is double-quoted with escapes" {
	job_with_hps '{"msg": "\"two\\nlines \\\"q\\\"\""}'
	run --separate-stderr "$SMSHIM" env --format=dotenv
	[[ "$output" == *'SM_HP_MSG="two\nlines \"q\""'* ]]
}

@test "shell: names no shell can hold become comments; the rest evaluates back exactly" {
	job_with_hps '{"batch-size": "64", "quote": "\"it'"'"'s $HOME `x`\""}'
	run --separate-stderr "$SMSHIM" env --format=shell
	[[ "$output" == *"# SM_HP_BATCH-SIZE is not a valid shell variable name"* ]]
	eval "$output"
	assert_eq "$SM_HP_QUOTE" "it's \$HOME \`x\`"
}

@test "args: shell format round-trips through the shell" {
	job_with_hps '{"msg": "\"hello world\"", "q": "\"it'"'"'s\"", "e": "\"\""}'
	words=$("$SMSHIM" args --format=shell)
	eval "set -- $words"
	assert_eq "$#" 6
	assert_eq "$1|$2|$3|$4|$5|$6" "-e||--msg|hello world|-q|it's"
}

@test "-- COMMAND: the arguments are appended after the command's own" {
	run --separate-stderr "$SMSHIM" -- printf '%s|' first
	[ "$status" -eq 0 ]
	assert_eq "$output" "first|--epochs|10|--lr|0.5|"
}

@test "a command that does not exist: 127; one that cannot be executed: 126" {
	run -127 --separate-stderr "$SMSHIM" -- "$BATS_TEST_TMPDIR/none"
	assert_error_line "cannot start $BATS_TEST_TMPDIR/none: No such file or directory"
	rm "$JOB/output/failure"
	touch "$BATS_TEST_TMPDIR/plain"
	run -126 --separate-stderr "$SMSHIM" -- "$BATS_TEST_TMPDIR/plain"
	assert_error_line "cannot start $BATS_TEST_TMPDIR/plain: Permission denied"
}

@test "the command's exit status passes through" {
	run "$SMSHIM" -- sh -c 'exit 42' x
	[ "$status" -eq 42 ]
}

@test "too large an environment for Linux is refused with a reason, not E2BIG" {
	python3 -c '
import json
print(json.dumps({"big": json.dumps("x" * 200000)}))' >"$JOB/input/config/hyperparameters.json"
	run --separate-stderr "$SMSHIM" -- true
	[ "$status" -eq 65 ]
	assert_one_error_line "too large to start a program"
	run --separate-stderr "$SMSHIM" env --format=json
	[ "$status" -eq 0 ]
}
