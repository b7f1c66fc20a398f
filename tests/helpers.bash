# helpers.bash - shared by every bats file: where smshim is, and jobs to run it on.
#
# SMSHIM    the smshim binary under test (default: build/bin/smshim); the
#           sanitizer pass points it at build/asan/bin/smshim
# CONFORMANCE  the reference fixtures (default: tests/conformance)

bats_require_minimum_version 1.5.0

ROOT="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
SMSHIM="${SMSHIM:-$ROOT/${BUILD:-build}/bin/smshim}"
CONFORMANCE="${CONFORMANCE:-$ROOT/tests/conformance}"
FIXTURES="$ROOT/tests/fixtures"

# No detection surprises from the machine the tests run on: counts are
# pinned unless a test says otherwise, and nothing AWS-related leaks in.
export SMSHIM_NUM_CPUS=4 SMSHIM_NUM_GPUS=0 SMSHIM_NUM_NEURONS=0
unset SAGEMAKER_BASE_DIR SAGEMAKER_PROGRAM SAGEMAKER_TRAINING_MODULE TRAINING_JOB_NAME \
	SM_HP_MP_PARAMETERS AWS_REGION AWS_DEFAULT_REGION AWS_PROFILE AWS_DEFAULT_PROFILE \
	AWS_CONFIG_FILE SMSHIM_LOG_LEVEL SMSHIM_PYTHON SMSHIM_STOP_TIMEOUT
export HOME="$BATS_TEST_TMPDIR/home"
mkdir -p "$HOME"

# new_job DIR: an empty job (no hyperparameters, one host, no channels) in DIR.
new_job() {
	local dir="$1"
	mkdir -p "$dir/input/config" "$dir/input/data" "$dir/model" "$dir/output/data" "$dir/code"
	echo '{}' >"$dir/input/config/hyperparameters.json"
	echo '{}' >"$dir/input/config/inputdataconfig.json"
	echo '{"current_host": "algo-1", "hosts": ["algo-1"]}' >"$dir/input/config/resourceconfig.json"
}

# job_with_hps JSON: a job in $JOB whose hyperparameters.json is JSON; exports
# SAGEMAKER_BASE_DIR.
job_with_hps() {
	JOB="$BATS_TEST_TMPDIR/job"
	new_job "$JOB"
	printf '%s\n' "$1" >"$JOB/input/config/hyperparameters.json"
	export SAGEMAKER_BASE_DIR="$JOB"
}

# conformance_job NAME: a writable copy of a reference fixture's base dir in
# $JOB, with the fixture's process.env exported (ORACLE_* become smshim's
# pinned counts).
conformance_job() {
	local name="$1" key value
	JOB="$BATS_TEST_TMPDIR/$name"
	FIXTURE="$CONFORMANCE/$name"
	[ -d "$FIXTURE" ] || {
		echo "missing conformance fixture $FIXTURE" >&2
		return 1
	}
	cp -r "$FIXTURE/base" "$JOB"
	chmod -R u+w "$JOB"
	# git keeps no empty directories: make the ones SageMaker always provides
	mkdir -p "$JOB/model" "$JOB/output/data" "$JOB/input/data"
	export SAGEMAKER_BASE_DIR="$JOB"
	export SMSHIM_NUM_CPUS=8 SMSHIM_NUM_GPUS=0
	while IFS='=' read -r key value; do
		case "$key" in
		'' | '#'*) continue ;;
		ORACLE_NUM_CPUS) export SMSHIM_NUM_CPUS="$value" ;;
		ORACLE_NUM_GPUS) export SMSHIM_NUM_GPUS="$value" ;;
		ORACLE_NUM_NEURONS) export SMSHIM_NUM_NEURONS="$value" ;;
		*) export "$key=$value" ;;
		esac
	done <"$FIXTURE/process.env"
}

# smshim_env_value NAME: one variable from `smshim env --format=json`.
smshim_env_value() {
	"$SMSHIM" env --format=json | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]], end="")' "$1"
}

# args_json: `smshim args --format=json` as one compact JSON line
args_json() {
	"$SMSHIM" args --format=json | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), ensure_ascii=False))'
}

# assert_eq ACTUAL EXPECTED: fail with both shown when they differ.
assert_eq() {
	if [ "$1" != "$2" ]; then
		printf 'expected: %q\n  actual: %q\n' "$2" "$1" >&2
		return 1
	fi
}

# assert_one_error_line TEXT: stderr ($stderr from run --separate-stderr) is
# exactly one line and contains TEXT.
assert_one_error_line() {
	local lines
	lines=$(printf '%s\n' "$stderr" | grep -c '')
	if [ "$lines" != 1 ]; then
		printf 'expected one line on stderr, got %s:\n%s\n' "$lines" "$stderr" >&2
		return 1
	fi
	case "$stderr" in
	*"$1"*) ;;
	*)
		printf 'stderr lacks %q:\n%s\n' "$1" "$stderr" >&2
		return 1
		;;
	esac
}

# assert_error_line TEXT: stderr ($stderr) has exactly one ERROR line, and it
# contains TEXT (INFO lines around it are the log of what led there).
assert_error_line() {
	local errors
	errors=$(printf '%s\n' "$stderr" | grep ' smshim ERROR ')
	if [ "$(printf '%s\n' "$errors" | grep -c '')" != 1 ] || [ -z "$errors" ]; then
		printf 'expected one ERROR line on stderr:\n%s\n' "$stderr" >&2
		return 1
	fi
	case "$errors" in
	*"$1"*) ;;
	*)
		printf 'the ERROR line lacks %q:\n%s\n' "$1" "$errors" >&2
		return 1
		;;
	esac
}

# wait_for FILE: until FILE exists, at most 10 s.
wait_for() {
	local i
	for i in $(seq 200); do
		[ -e "$1" ] && return 0
		sleep 0.05
	done
	echo "timed out waiting for $1" >&2
	return 1
}
