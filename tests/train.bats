#!/usr/bin/env bats
# smshim train: the job's own entry point, as the toolkit's `train` runs it.

load helpers

setup() {
	export SMSHIM_PYTHON="$FIXTURES/fake-python" FAKE_PYTHON_LOG="$BATS_TEST_TMPDIR/python.log"
	: >"$FAKE_PYTHON_LOG"
	export PROBE_OUT="$BATS_TEST_TMPDIR/probe.json"
}

probe() {
	python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))[sys.argv[2]], ensure_ascii=False))' "$PROBE_OUT" "$1"
}

probe_env() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["env"].get(sys.argv[2], "<unset>"))' "$PROBE_OUT" "$1"
}

# a job whose code/ holds the probe as PROGRAM, with hyperparameters HPS
code_job() {
	local program="$1" hps="$2"
	job_with_hps "$hps"
	cp "$FIXTURES/probe.py" "$JOB/code/$program"
}

@test "a Python script: run with the interpreter in code/, arguments exactly as SM_USER_ARGS" {
	conformance_job 02-tricky-hyperparameters
	# the fixtures' own probe writes there
	PROBE_OUT="$JOB/output/data/oracle-probe.json"
	run --separate-stderr "$SMSHIM" train
	[ "$status" -eq 0 ]
	expected=$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), ensure_ascii=False))' "$FIXTURE/expected-args.json")
	assert_eq "$(probe args)" "$expected"
	assert_eq "$(probe argv0)" '"train.py"'
	assert_eq "$(probe cwd)" "\"$JOB/code\""
	# the interpreter started was SMSHIM_PYTHON with the script name
	[[ "$(head -1 "$FAKE_PYTHON_LOG")" == "$JOB/code|train.py|-B|b|"* ]]
	[ -f "$JOB/output/success" ]
}

@test "the four reference jobs: the probe gets the reference's variables and arguments" {
	for name in 01-single-host-basic 02-tricky-hyperparameters 04-shell-entrypoint-failure; do (
		conformance_job "$name"
		export PROBE_OUT="$JOB/output/data/oracle-probe.json"
		"$SMSHIM" train 2>/dev/null || true
		python3 "$FIXTURES/compare_probe.py" "$PROBE_OUT" "$FIXTURE" "$JOB"
	) done
}

@test "04 shell entry point: exit status 3 (the toolkit says 1), and the toolkit's failure text" {
	conformance_job 04-shell-entrypoint-failure
	export PROBE_OUT="$JOB/output/data/oracle-probe.json"
	run --separate-stderr "$SMSHIM" train
	[ "$status" -eq 3 ]
	# what the reference's probe received, through the shell script
	expected=$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["probe"]["args"], ensure_ascii=False))' "$FIXTURE/expected-run.toolkit.json")
	assert_eq "$(probe args)" "$expected"
	assert_eq "$(probe argv0)" '"./probe.py"'
	assert_eq "$(probe_env PWD)" "$JOB/code"
	expected_failure="ExecuteUserScriptError:
ExitCode 3
ErrorMessage \"Traceback (most recent call last):
  File \"probe.py\", line 1
ValueError: oracle probe asked to fail with 3\"
Command \"./train.sh --flags 'x=1,y=a b' --msg 'hello world' -n 2 --quote 'it'\"'\"'s'\""
	assert_eq "$(cat "$JOB/output/failure")" "$expected_failure"
	[ ! -e "$JOB/output/success" ]
}

@test "a shell script gets its arguments exactly, never through a shell, and is made executable" {
	code_job run.sh '{"sagemaker_program": "\"run.sh\"", "msg": "\"a  b $HOME `id` ;\"", "e": "\"\""}'
	printf '#!/bin/sh\nfor a in "$@"; do printf "[%%s]" "$a"; done >"$OUT"\n' >"$JOB/code/run.sh"
	chmod 0644 "$JOB/code/run.sh"
	OUT="$BATS_TEST_TMPDIR/args" run --separate-stderr "$SMSHIM" train
	[ "$status" -eq 0 ]
	assert_eq "$(cat "$BATS_TEST_TMPDIR/args")" '[-e][][--msg][a  b $HOME `id` ;]'
	[ -x "$JOB/code/run.sh" ]
}

@test "any executable (no .py, no .sh) is run directly" {
	code_job trainer '{"sagemaker_program": "\"trainer\"", "n": "1"}'
	printf '#!/bin/sh\necho "$0 $*" >"$OUT"\n' >"$JOB/code/trainer"
	OUT="$BATS_TEST_TMPDIR/ran" run --separate-stderr "$SMSHIM" train
	[ "$status" -eq 0 ]
	assert_eq "$(cat "$BATS_TEST_TMPDIR/ran")" "./trainer -n 1"
}

@test "a Python package (setup.py): pip install . -r requirements.txt, then python -m module" {
	code_job unused.py '{"sagemaker_program": "\"pkg/entry.py\"", "lr": "0.1"}'
	mkdir "$JOB/code/pkg"
	touch "$JOB/code/setup.py" "$JOB/code/requirements.txt" "$JOB/code/pkg/__init__.py"
	cp "$FIXTURES/probe.py" "$JOB/code/pkg/entry.py"
	run --separate-stderr "$SMSHIM" train
	[ "$status" -eq 0 ]
	assert_eq "$(sed -n 1p "$FAKE_PYTHON_LOG")" "$JOB/code|-m|pip|install|.|-r|requirements.txt"
	# "pkg/entry.py" is the module pkg.entry (the toolkit would try "-m pkg/entry")
	assert_eq "$(sed -n 2p "$FAKE_PYTHON_LOG")" "$JOB/code|-m|pkg.entry|--lr|0.1"
	assert_eq "$(probe args)" '["--lr", "0.1"]'
}

@test "a Python script with requirements.txt: pip install -r requirements.txt first" {
	code_job train.py '{"sagemaker_program": "\"train.py\""}'
	touch "$JOB/code/requirements.txt"
	run --separate-stderr "$SMSHIM" train
	[ "$status" -eq 0 ]
	assert_eq "$(sed -n 1p "$FAKE_PYTHON_LOG")" "$JOB/code|-m|pip|install|-r|requirements.txt"
	assert_eq "$(sed -n 2p "$FAKE_PYTHON_LOG")" "$JOB/code|train.py"
}

@test "a command never gets its requirements installed" {
	code_job run.sh '{"sagemaker_program": "\"run.sh\""}'
	printf '#!/bin/sh\nexit 0\n' >"$JOB/code/run.sh"
	touch "$JOB/code/requirements.txt"
	run --separate-stderr "$SMSHIM" train
	[ "$status" -eq 0 ]
	[ ! -s "$FAKE_PYTHON_LOG" ]
}

@test "a failed install: 75, InstallRequirementsError with pip's stderr, the script not run" {
	code_job train.py '{"sagemaker_program": "\"train.py\""}'
	touch "$JOB/code/requirements.txt"
	FAKE_PIP_EXIT=1 FAKE_PIP_STDERR="ERROR: No matching distribution found for torch==99" \
		run --separate-stderr "$SMSHIM" train
	[ "$status" -eq 75 ]
	expected='InstallRequirementsError:
ExitCode 1
ErrorMessage "ERROR: No matching distribution found for torch==99"
Command "'"$FIXTURES"'/fake-python -m pip install -r requirements.txt"'
	assert_eq "$(cat "$JOB/output/failure")" "$expected"
	[ "$(wc -l <"$FAKE_PYTHON_LOG")" -eq 1 ]
}

@test "PYTHONPATH gets code/ in front of what was there" {
	code_job train.py '{"sagemaker_program": "\"train.py\""}'
	PYTHONPATH=/opt/venv/lib run --separate-stderr "$SMSHIM" train
	[ "$status" -eq 0 ]
	assert_eq "$(probe_env PYTHONPATH)" "$JOB/code:/opt/venv/lib"
	run --separate-stderr "$SMSHIM" train
	assert_eq "$(probe_env PYTHONPATH)" "$JOB/code"
}

@test "SAGEMAKER_TRAINING_MODULE=package.module:function runs that function" {
	job_with_hps '{"epochs": "2"}'
	mkdir -p "$BATS_TEST_TMPDIR/lib/fw"
	touch "$BATS_TEST_TMPDIR/lib/fw/__init__.py"
	printf 'import os, sys\ndef main():\n    open(os.environ["OUT"], "w").write("%%s %%s %%s" %% (sys.argv[1:], os.environ["SM_HP_EPOCHS"], os.environ["CURRENT_HOST"]))\n' \
		>"$BATS_TEST_TMPDIR/lib/fw/training.py"
	OUT="$BATS_TEST_TMPDIR/called" PYTHONPATH="$BATS_TEST_TMPDIR/lib" SAGEMAKER_TRAINING_MODULE=fw.training:main \
		run --separate-stderr "$SMSHIM" train
	[ "$status" -eq 0 ]
	assert_eq "$(cat "$BATS_TEST_TMPDIR/called")" "[] 2 algo-1"
	[ -f "$JOB/output/success" ]
	SAGEMAKER_TRAINING_MODULE=fw.training run --separate-stderr "$SMSHIM" train
	[ "$status" -eq 64 ]
	assert_one_error_line "SAGEMAKER_TRAINING_MODULE=fw.training: expected package.module:function"
}

@test "no entry point: 65, saying how to give one" {
	job_with_hps '{"epochs": "1"}'
	run --separate-stderr "$SMSHIM" train
	[ "$status" -eq 65 ]
	assert_one_error_line "no entry point: set the hyperparameter sagemaker_program, or SAGEMAKER_PROGRAM"
	grep -q "no entry point" "$JOB/output/failure"
}

@test "an MPI job is refused with the reason, not run as one process" {
	conformance_job 03-multi-host-mpi
	run --separate-stderr "$SMSHIM" train
	[ "$status" -eq 69 ]
	assert_one_error_line "this job asks for MPI (sagemaker_mpi_enabled)"
}

@test "code from a local directory is copied into code/; a non-empty code/ is kept, and the log says so" {
	job_with_hps "{\"sagemaker_program\": \"\\\"train.py\\\"\", \"sagemaker_submit_directory\": \"\\\"$BATS_TEST_TMPDIR/src\\\"\"}"
	mkdir -p "$BATS_TEST_TMPDIR/src/lib"
	cp "$FIXTURES/probe.py" "$BATS_TEST_TMPDIR/src/train.py"
	echo data >"$BATS_TEST_TMPDIR/src/lib/data.txt"
	ln -s lib/data.txt "$BATS_TEST_TMPDIR/src/link"
	run --separate-stderr "$SMSHIM" train
	[ "$status" -eq 0 ]
	assert_eq "$(cat "$JOB/code/lib/data.txt")" data
	assert_eq "$(readlink "$JOB/code/link")" lib/data.txt
	[ -x "$JOB/code/train.py" ]
	# nothing left beside code/
	assert_eq "$(ls -A "$JOB" | tr '\n' ' ')" "code input model output "
	echo changed >"$BATS_TEST_TMPDIR/src/lib/data.txt"
	run --separate-stderr "$SMSHIM" train
	[ "$status" -eq 0 ]
	assert_eq "$(cat "$JOB/code/lib/data.txt")" data
	[[ "$stderr" == *"$JOB/code already holds files: kept as they are"* ]]
}

@test "a single local file is copied into code/" {
	job_with_hps "{\"sagemaker_program\": \"\\\"one.py\\\"\", \"sagemaker_submit_directory\": \"\\\"$BATS_TEST_TMPDIR/one.py\\\"\"}"
	cp "$FIXTURES/probe.py" "$BATS_TEST_TMPDIR/one.py"
	run --separate-stderr "$SMSHIM" train
	[ "$status" -eq 0 ]
	assert_eq "$(probe argv0)" '"one.py"'
}

@test "a submit directory that does not exist: 66, code/ untouched" {
	job_with_hps '{"sagemaker_program": "\"train.py\"", "sagemaker_submit_directory": "\"/nonexistent/src\""}'
	run --separate-stderr "$SMSHIM" train
	[ "$status" -eq 66 ]
	assert_error_line "sagemaker_submit_directory /nonexistent/src: No such file or directory"
	assert_eq "$(ls -A "$JOB/code")" ""
}

@test "hosts: waits for them to resolve, gives up after SMSHIM_DNS_TIMEOUT, can be skipped" {
	code_job train.py '{"sagemaker_program": "\"train.py\""}'
	echo '{"current_host": "localhost", "hosts": ["localhost", "no-such-host.invalid"]}' \
		>"$JOB/input/config/resourceconfig.json"
	started=$(date +%s)
	SMSHIM_DNS_TIMEOUT=2 run --separate-stderr "$SMSHIM" train
	[ "$status" -eq 69 ]
	[ $(($(date +%s) - started)) -lt 10 ]
	[[ "$stderr" == *"waiting for host no-such-host.invalid to resolve"* ]]
	[[ "$stderr" == *"host no-such-host.invalid did not resolve within 2 s (SMSHIM_DNS_TIMEOUT)"* ]]
	[ ! -e "$PROBE_OUT" ]
	SMSHIM_SKIP_DNS_WAIT=1 run --separate-stderr "$SMSHIM" train
	[ "$status" -eq 0 ]
	SM_STUDIO_LOCAL_MODE=TRUE run --separate-stderr "$SMSHIM" train
	[ "$status" -eq 0 ]
	echo '{"current_host": "localhost", "hosts": ["localhost", "127.0.0.1"]}' \
		>"$JOB/input/config/resourceconfig.json"
	run --separate-stderr "$SMSHIM" train
	[ "$status" -eq 0 ]
}

@test "SIGTERM while waiting for hosts stops at once with 143" {
	code_job train.py '{"sagemaker_program": "\"train.py\""}'
	echo '{"current_host": "localhost", "hosts": ["localhost", "no-such-host.invalid"]}' \
		>"$JOB/input/config/resourceconfig.json"
	env --default-signal "$SMSHIM" train 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	for _ in $(seq 50); do grep -q "waiting for host" "$BATS_TEST_TMPDIR/err" && break; sleep 0.1; done
	kill -TERM "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 143 ]
	grep -q "stopped by SIGTERM while waiting for host no-such-host.invalid" "$JOB/output/failure"
}

@test "the entry point's exit status is smshim's, not the toolkit's 1" {
	code_job train.py '{"sagemaker_program": "\"train.py\""}'
	PROBE_EXIT=42 PROBE_STDERR="RuntimeError: CUDA out of memory" run --separate-stderr "$SMSHIM" train
	[ "$status" -eq 42 ]
	grep -qx 'ErrorMessage "RuntimeError: CUDA out of memory"' "$JOB/output/failure"
}

@test "train takes no arguments" {
	job_with_hps '{}'
	run --separate-stderr "$SMSHIM" train extra
	[ "$status" -eq 64 ]
}

# tarball_job KIND: a job whose sagemaker_submit_directory is a local
# archive made by make_tarball.py KIND; the good kind holds run.sh
tarball_job() {
	job_with_hps "{\"sagemaker_program\": \"\\\"run.sh\\\"\", \"sagemaker_submit_directory\": \"\\\"$BATS_TEST_TMPDIR/src.tar.gz\\\"\"}"
	python3 "$FIXTURES/make_tarball.py" "$1" "$BATS_TEST_TMPDIR/src.tar.gz" /tmp/smshim-escaped
}

@test "code from a local .tar.gz is unpacked into code/ and run" {
	job_with_hps "{\"sagemaker_program\": \"\\\"train.py\\\"\", \"sagemaker_submit_directory\": \"\\\"$BATS_TEST_TMPDIR/sourcedir.tar.gz\\\"\", \"n\": \"1\"}"
	mkdir -p "$BATS_TEST_TMPDIR/src/lib"
	cp "$FIXTURES/probe.py" "$BATS_TEST_TMPDIR/src/train.py"
	echo 1 >"$BATS_TEST_TMPDIR/src/lib/x"
	tar -C "$BATS_TEST_TMPDIR/src" -czf "$BATS_TEST_TMPDIR/sourcedir.tar.gz" .
	run --separate-stderr "$SMSHIM" train
	[ "$status" -eq 0 ]
	assert_eq "$(probe args)" '["-n", "1"]'
	assert_eq "$(cat "$JOB/code/lib/x")" 1
	assert_eq "$(ls -A "$JOB" | tr '\n' ' ')" "code input model output "
}

@test "a tarball with ../, an absolute path or an escaping link is refused; code/ untouched" {
	for kind in dotdot dotdot_nested absolute symlink_absolute symlink_out hardlink_out; do
		tarball_job "$kind"
		run --separate-stderr "$SMSHIM" train
		[ "$status" -eq 65 ] || {
			echo "$kind: exit $status: $stderr" >&2
			return 1
		}
		assert_error_line "$BATS_TEST_TMPDIR/src.tar.gz: entry"
		assert_eq "$(ls -A "$JOB/code")" ""
		# no temporary directory left in the base directory, nothing beside it
		assert_eq "$(ls -A "$JOB" | tr '\n' ' ')" "code input model output "
		[ ! -e /tmp/smshim-escaped ]
		grep -q "src.tar.gz: entry" "$JOB/output/failure"
	done
}

@test "a corrupt or truncated tarball is refused; code/ untouched" {
	for kind in corrupt_gzip truncated; do
		tarball_job "$kind"
		run --separate-stderr "$SMSHIM" train
		[ "$status" -eq 65 ]
		assert_error_line "$BATS_TEST_TMPDIR/src.tar.gz: not a valid tar archive"
		assert_eq "$(ls -A "$JOB/code")" ""
		assert_eq "$(ls -A "$JOB" | tr '\n' ' ')" "code input model output "
	done
}

@test "a symlinked code/ receives the code through the link, which stays a link" {
	job_with_hps "{\"sagemaker_program\": \"\\\"train.py\\\"\", \"sagemaker_submit_directory\": \"\\\"$BATS_TEST_TMPDIR/src\\\"\"}"
	mkdir -p "$BATS_TEST_TMPDIR/src" "$BATS_TEST_TMPDIR/elsewhere"
	cp "$FIXTURES/probe.py" "$BATS_TEST_TMPDIR/src/train.py"
	rmdir "$JOB/code" && ln -s "$BATS_TEST_TMPDIR/elsewhere" "$JOB/code"
	run --separate-stderr "$SMSHIM" train
	[ "$status" -eq 0 ]
	[ -L "$JOB/code" ]
	[ -f "$BATS_TEST_TMPDIR/elsewhere/train.py" ]
	rm "$JOB/code" && ln -s "$BATS_TEST_TMPDIR/nowhere" "$JOB/code"
	run --separate-stderr "$SMSHIM" train
	[ "$status" -eq 73 ]
	assert_error_line "$JOB/code is a symbolic link to nothing"
}
