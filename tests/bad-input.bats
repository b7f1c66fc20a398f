#!/usr/bin/env bats
# Bad job files: one line on stderr naming the file and what is wrong, a
# documented exit code, output/failure saying the same, never a crash.

load helpers

setup() {
	job_with_hps '{"epochs": "10"}'
	HP="$JOB/input/config/hyperparameters.json"
	RC="$JOB/input/config/resourceconfig.json"
	IDC="$JOB/input/config/inputdataconfig.json"
}

# expect_failure CODE TEXT [smshim args...]: smshim fails with CODE, one
# stderr line holding TEXT, and output/failure holding that line's message.
expect_failure() {
	local code="$1" text="$2"
	shift 2
	[ $# -gt 0 ] || set -- -- true
	rm -f "$JOB/output/failure"
	run --separate-stderr "$SMSHIM" "$@"
	if [ "$status" -ne "$code" ]; then
		echo "exit status $status, expected $code; stderr: $stderr" >&2
		return 1
	fi
	assert_one_error_line "$text"
	if [ "$1" = -- ]; then
		# the failure file says what stderr said, without time and level
		assert_eq "$(cat "$JOB/output/failure")" "${stderr#* smshim ERROR }"
	else
		[ ! -e "$JOB/output/failure" ]
	fi
}

@test "missing hyperparameters.json: 66, named" {
	rm "$HP"
	expect_failure 66 "$HP: cannot open: No such file or directory"
}

@test "missing resourceconfig.json: 66, named" {
	rm "$RC"
	expect_failure 66 "$RC: cannot open: No such file or directory"
}

@test "missing inputdataconfig.json: 66, named" {
	rm "$IDC"
	expect_failure 66 "$IDC: cannot open: No such file or directory"
}

@test "no job at all: 66, and no failure file where there is no output directory" {
	export SAGEMAKER_BASE_DIR="$BATS_TEST_TMPDIR/nothing"
	run --separate-stderr "$SMSHIM" -- true
	[ "$status" -eq 66 ]
	assert_one_error_line "$BATS_TEST_TMPDIR/nothing/input/config/hyperparameters.json: cannot open"
	[ ! -e "$BATS_TEST_TMPDIR/nothing" ]
}

@test "a directory where a file should be: 66" {
	rm "$HP" && mkdir "$HP"
	expect_failure 66 "$HP: is a directory, not a regular file"
}

@test "a FIFO where a file should be: 66 at once, not a hang" {
	rm "$RC" && mkfifo "$RC"
	expect_failure 66 "$RC: is a special file, not a regular file"
}

@test "malformed JSON: 65 with line and column" {
	printf '{\n  "epochs": "10"\n  "lr": "1"\n}\n' >"$HP"
	expect_failure 65 "$HP: line 3 column 3: Expecting ',' delimiter"
}

@test "truncated JSON: 65" {
	printf '{"epochs": "10"' >"$HP"
	expect_failure 65 "$HP: line 1 column 16: Expecting ',' delimiter"
}

@test "an empty file: 65" {
	: >"$IDC"
	expect_failure 65 "$IDC: line 1 column 1: Expecting value"
}

@test "an array or null at the top: 65" {
	echo '["algo-1"]' >"$RC"
	expect_failure 65 "$RC: must hold a JSON object, not an array"
	echo 'null' >"$HP"
	expect_failure 65 "$HP: must hold a JSON object, not null"
}

@test "hosts not a list: 65" {
	echo '{"current_host": "algo-1", "hosts": "algo-1"}' >"$RC"
	expect_failure 65 "$RC: \"hosts\" must be a non-empty list of host names"
}

@test "current_host missing: 65" {
	echo '{"hosts": ["algo-1"]}' >"$RC"
	expect_failure 65 "$RC: \"current_host\" is missing"
}

@test "current_host not a string: 65" {
	echo '{"hosts": ["algo-1"], "current_host": 1}' >"$RC"
	expect_failure 65 "$RC: \"current_host\" must be a string"
}

@test "instance_groups of the wrong shape: 65" {
	echo '{"hosts": ["algo-1"], "current_host": "algo-1", "instance_groups": [{"hosts": ["algo-1"]}]}' >"$RC"
	expect_failure 65 "$RC: instance_groups[0] must be an object"
}

@test "a hyperparameter name containing '=': 65" {
	echo '{"a=b": "1"}' >"$HP"
	expect_failure 65 "$HP: hyperparameter name \"a=b\" holds '='"
}

@test "a hyperparameter name containing a newline or NUL: 65" {
	echo '{"a\nb": "1"}' >"$HP"
	expect_failure 65 "$HP: hyperparameter name \"a\\nb\" holds a control character"
	echo '{"a\u0000b": "1"}' >"$HP"
	expect_failure 65 "$HP: hyperparameter name \"a\\u0000b\" holds a NUL character"
}

@test "a value containing NUL: 65 (env, args and run alike)" {
	echo '{"x": "\"a\\u0000b\""}' >"$HP"
	expect_failure 65 "$HP: \"SM_HP_X\" would hold a NUL character"
	expect_failure 65 "$HP: \"SM_HP_X\" would hold a NUL character" env
	echo '{"x": "{\"k\": \"a\\u0000b\"}"}' >"$HP"
	expect_failure 65 "$HP: hyperparameter \"x\": its argument would hold a NUL character"
}

@test "a lone surrogate in a value: 65" {
	echo '{"x": "\"\\ud800\""}' >"$HP"
	expect_failure 65 "$HP: \"SM_HP_X\" would hold a NUL character or a lone surrogate"
}

@test "a file of 100 MB: 65 at once, without reading it" {
	truncate -s 100M "$HP"
	expect_failure 65 "$HP: file is 100.0 MiB; a config file may hold at most 16 MiB"
}

@test "invalid UTF-8: 65 with line and column" {
	printf '{"epochs":\n "\xff"}' >"$HP"
	expect_failure 65 "$HP: line 2 column 3: not valid UTF-8"
}

@test "a byte-order mark: 65, as Python's json refuses it too" {
	printf '\xef\xbb\xbf{}' >"$IDC"
	expect_failure 65 "$IDC: line 1 column 1: Unexpected UTF-8 BOM"
}

@test "a channel name that would leave input/data/: 65" {
	for name in ../etc /abs a/b . ..; do
		printf '{"%s": {}}' "$name" >"$IDC"
		expect_failure 65 "$IDC: channel name \"$name\" must name a directory inside input/data/"
	done
}

@test "sagemaker_job_name or sagemaker_region of the wrong type: 65" {
	echo '{"sagemaker_job_name": "5"}' >"$HP"
	expect_failure 65 "$HP: sagemaker_job_name must be a string"
	echo '{"sagemaker_region": "[\"us\"]"}' >"$HP"
	expect_failure 65 "$HP: sagemaker_region must be a string"
}

@test "nesting deeper than 900 levels (the object counts as one): 65" {
	python3 -c 'print("{\"x\": " + "[" * 901 + "]" * 901 + "}")' >"$HP"
	expect_failure 65 "$HP: line 1 column 906: nesting is deeper than 900 levels"
}

@test "a failure file the user wrote is kept" {
	rm "$HP"
	echo "my own reason" >"$JOB/output/failure"
	run --separate-stderr "$SMSHIM" -- true
	[ "$status" -eq 66 ]
	assert_eq "$(cat "$JOB/output/failure")" "my own reason"
}
