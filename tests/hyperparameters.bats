#!/usr/bin/env bats
# Hyperparameter decoding (json.loads of each value) and how each decoded
# value is printed: SM_HP_* (JSON, raw strings) and arguments (str, repr).

load helpers

# check FILE_TEXT ARG_VALUE SM_HP_VALUE: one hyperparameter "x" whose value in
# the file is FILE_TEXT (a JSON string literal) gives these two strings.
check() {
	job_with_hps "{\"x\": $1}"
	run --separate-stderr "$SMSHIM" args --format=json
	[ "$status" -eq 0 ]
	local args
	args=$(printf '%s' "$output" | python3 -c 'import json,sys; print(json.load(sys.stdin)[1], end="")')
	assert_eq "$args" "$2"
	assert_eq "$(smshim_env_value SM_HP_X)" "$3"
}

@test "integers keep every digit; -0 is 0" {
	check '"10"' 10 10
	check '"-0"' 0 0
	check '"12345678901234567890"' 12345678901234567890 12345678901234567890
	check '"-98765432109876543210987654321"' -98765432109876543210987654321 -98765432109876543210987654321
}

@test "floats print as Python's repr" {
	check '"0.90"' 0.9 0.9
	check '"1.50"' 1.5 1.5
	check '"1E3"' 1000.0 1000.0
	check '"1e-05"' 1e-05 1e-05
	check '"0.0001"' 0.0001 0.0001
	check '"1e16"' 1e+16 1e+16
	check '"1e15"' 1000000000000000.0 1000000000000000.0
	check '"-0.0"' -0.0 -0.0
	check '"1e400"' inf Infinity
	check '"123456789012345678.0"' 1.2345678901234568e+17 1.2345678901234568e+17
	check '"5e-324"' 5e-324 5e-324
}

@test "NaN, Infinity and -Infinity are Python's extensions" {
	check '"NaN"' nan NaN
	check '"Infinity"' inf Infinity
	check '"-Infinity"' -inf -Infinity
	check '"nan"' nan nan
}

@test "true, false and null are JSON; Python spellings stay strings" {
	check '"true"' True true
	check '"false"' False false
	check '"null"' '' ''
	check '"True"' True True
	check '"None"' None None
}

@test "strings: JSON-encoded ones are decoded, others are kept as they are" {
	check '"\"adam\""' adam adam
	check '"\"\""' '' ''
	check '""' '' ''
	check '" 42 "' 42 42
	check '"hello world"' 'hello world' 'hello world'
	check '"it'"'"'s \"raw\""' "it's \"raw\"" "it's \"raw\""
	check '"\"caf\\u00e9\""' café café
}

@test "invalid JSON numbers stay strings" {
	for v in 0x10 +1 01 .5 5. 1_000 '[1,2' 1e 1.5e+; do
		check "\"$v\"" "$v" "$v"
	done
}

@test "an integer of more than 4300 digits is not decoded (Python's limit)" {
	big=$(printf '1%.0s' $(seq 4300))
	check "\"$big\"" "$big" "$big"
	check "\"${big}1\"" "${big}1" "${big}1"
	job_with_hps "{\"x\": \"${big}1\"}"
	# decoded values are JSON in SM_HPS; this one stayed a string
	assert_eq "$(smshim_env_value SM_HPS)" "{\"x\":\"${big}1\"}"
}

@test "a value starting with a byte-order mark is not decoded" {
	check '"\ufeff1"' $'\xef\xbb\xbf1' $'\xef\xbb\xbf1'
}

@test "lists print as Python repr in arguments, compact JSON in SM_HP_*" {
	check '"[64, 128, [256, \"x\"]]"' "[64, 128, [256, 'x']]" '[64,128,[256,"x"]]'
	check '"[\"it'"'"'s\", \"a\\tb\", null, true, 1.0]"' "[\"it's\", 'a\\tb', None, True, 1.0]" '["it'"'"'s","a\tb",null,true,1.0]'
	check '"[\"\\u00e9\\u2028\\u007f\\ud800\"]"' "['é\\u2028\\x7f\\ud800']" '["\u00e9\u2028\u007f\ud800"]'
	check '"[]"' '[]' '[]'
}

@test "objects: k=v,... sorted in arguments, nested values in source order" {
	check '"{\"b\": {\"z\": [1, 2], \"a\": true}, \"a\": \"x y\", \"c\": null}"' \
		"a=x y,b={'z': [1, 2], 'a': True},c=None" '{"a":"x y","b":{"a":true,"z":[1,2]},"c":null}'
	check '"{\"k\": \"v\", \"A\": [1]}"' 'A=[1],k=v' '{"A":[1],"k":"v"}'
	check '"{}"' '' '{}'
}

@test "JSON values that are not strings in the file are used as they are" {
	check '7' 7 7
	check '7.0' 7.0 7.0
	check '[1, "two"]' "[1, 'two']" '[1,"two"]'
	check 'null' '' ''
}

@test "a repeated key keeps its first position and its last value (file and value)" {
	job_with_hps '{"b": "1", "a": "2", "b": "3"}'
	assert_eq "$(smshim_env_value SM_HPS)" '{"a":2,"b":3}'
	assert_eq "$(smshim_env_value SM_HP_B)" 3
	check '"{\"k\": 1, \"j\": 2, \"k\": 3}"' 'j=2,k=3' '{"j":2,"k":3}'
	check '"[{\"k\": 1, \"j\": 2, \"k\": 3}]"' "[{'k': 3, 'j': 2}]" '[{"j":2,"k":3}]'
}

@test "arguments are sorted by code point; one-character keys get one dash" {
	job_with_hps '{"b": "1", "B": "2", "_x": "3", "-y": "4", "é": "5", "a1": "6", "": "7"}'
	# "" < "-y" < "B" < "_x" < "a1" < "b" < "é"; an empty key gives an empty name
	assert_eq "$(args_json)" '["", "7", "---y", "4", "-B", "2", "--_x", "3", "--a1", "6", "-b", "1", "-é", "5"]'
}

@test "the fixture 02 hyperparameters agree with Python's own printing" {
	conformance_job 02-tricky-hyperparameters
	python3 "$FIXTURES/toolkit_model.py" "$JOB/input/config/hyperparameters.json" >"$BATS_TEST_TMPDIR/model.json"
	"$SMSHIM" env --format=json >"$BATS_TEST_TMPDIR/env.json"
	"$SMSHIM" args --format=json >"$BATS_TEST_TMPDIR/args.json"
	python3 "$FIXTURES/compare_model.py" "$BATS_TEST_TMPDIR/model.json" "$BATS_TEST_TMPDIR/env.json" "$BATS_TEST_TMPDIR/args.json"
}

@test "2000 random hyperparameters agree with Python's own printing" {
	JOB="$BATS_TEST_TMPDIR/job"
	new_job "$JOB"
	export SAGEMAKER_BASE_DIR="$JOB"
	for seed in 1 2 3 4 5 6 7 8 9 10; do
		python3 "$FIXTURES/random_hps.py" "$seed" 200 >"$JOB/input/config/hyperparameters.json"
		python3 "$FIXTURES/toolkit_model.py" "$JOB/input/config/hyperparameters.json" >"$BATS_TEST_TMPDIR/model.json"
		"$SMSHIM" env --format=json >"$BATS_TEST_TMPDIR/env.json"
		"$SMSHIM" args --format=json >"$BATS_TEST_TMPDIR/args.json"
		python3 "$FIXTURES/compare_model.py" "$BATS_TEST_TMPDIR/model.json" "$BATS_TEST_TMPDIR/env.json" "$BATS_TEST_TMPDIR/args.json"
	done
}
