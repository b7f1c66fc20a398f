#!/usr/bin/env bats
# preload.bats - libsmshim.so: the container's entry process handed over to
# smshim, every other process left alone (docs/preload.md).
#
# No docker: each image under examples/ is laid out in a temporary
# directory by tests/preload/dockerfile.py, which reads its Dockerfile, and
# started as `docker run IMAGE train` starts it: ENTRYPOINT + "train" from
# WORKDIR, as PID 1 of a new PID namespace (unshare; the tests run as
# root), with LD_PRELOAD set and the job in SAGEMAKER_BASE_DIR.  Where a
# test needs a script that misbehaves on purpose, tests/preload/probe.py
# takes the place of the example's script, entry point unchanged.

load helpers

LIB="$ROOT/${BUILD:-build}/lib/libsmshim.so"
HPS='{"epochs": "3", "learning-rate": "0.1"}'
# the hyperparameters as the script receives them (probe.py prints JSON)
HP_JSON='"--epochs", "3", "--learning-rate", "0.1"'

setup_file() {
	# a C program that prints how it was started (argv[0], AT_SECURE)
	cc -std=c11 -D_GNU_SOURCE -O2 -o "$BATS_FILE_TMPDIR/argv" "$BATS_TEST_DIRNAME/preload/argv.c"
}

setup() {
	ARGV="$BATS_FILE_TMPDIR/argv"
	WRAPPER="$SMSHIM" # SMSHIM_WRAPPER for entry(); empty: the library looks
	IMG="$BATS_TEST_TMPDIR/image"
	job_with_hps "$HPS"
	# a training channel, so that SM_CHANNEL_TRAINING is set
	echo '{"training": {"TrainingInputMode": "File"}}' >"$JOB/input/config/inputdataconfig.json"
	mkdir -p "$JOB/input/data/training"
}

teardown() {
	rm -f "${TRUSTED_LIB:-}"
	[ -z "${WORLD_DIR:-}" ] || rm -rf "$WORLD_DIR"
}

# ns CMD...: CMD as PID 1 of a new PID namespace, nothing preloaded.
ns() {
	unshare --pid --fork --mount-proc --kill-child -- "$@"
}

# entry CMD...: CMD as a container's entry process: PID 1 of a new PID
# namespace, $LIB preloaded, smshim named by $WRAPPER.  unshare itself
# loads the library too, as a process that is not PID 1.
entry() {
	LD_PRELOAD="$LIB" SMSHIM_WRAPPER="$WRAPPER" ns "$@"
}

# image EXAMPLE: lay out examples/EXAMPLE under $IMG (its /opt/ml paths in
# $JOB) and load how docker run starts it: IMAGE_ENTRYPOINT, IMAGE_CMD,
# IMAGE_WORKDIR, IMAGE_PRELOAD and the Dockerfile's ENV, exported.
image() {
	local vars
	vars=$(python3 "$BATS_TEST_DIRNAME/preload/dockerfile.py" "$ROOT/examples/$1" "$IMG" "$JOB")
	eval "$vars"
}

# docker_run [ARG...]: `docker run IMAGE ARG...` for the image image() laid
# out: ENTRYPOINT + ARGs (CMD without ARGs), from WORKDIR, as the entry
# process, preloaded when the Dockerfile says so.
docker_run() (
	local cmd=("${IMAGE_ENTRYPOINT[@]}")
	if [ $# -gt 0 ]; then cmd+=("$@"); else cmd+=("${IMAGE_CMD[@]}"); fi
	cd "$IMAGE_WORKDIR"
	if [ "$IMAGE_PRELOAD" = 1 ]; then entry "${cmd[@]}"; else ns "${cmd[@]}"; fi
)

# script_of EXAMPLE: the script a retrofit example's entry point runs, in
# the image.
script_of() {
	case "$1" in
	retrofit-python | retrofit-shell) echo app/train.py ;;
	retrofit-train-program) echo opt/program/train ;;
	*) return 1 ;;
	esac
}

# probe EXAMPLE: the example's image with probe.py as its script.
probe() {
	local script
	script=$(script_of "$1")
	image "$1"
	cat "$BATS_TEST_DIRNAME/preload/probe.py" >"$IMG/$script"
}

# handovers: how many times the library handed a process to smshim
# (stderr of a run with SMSHIM_DEBUG=1).
handovers() {
	printf '%s\n' "$stderr" | grep -c 'libsmshim: pid 1 is the entry process' || true
}

# libsmshim_lines: the library's lines on stderr, without the timestamp.
libsmshim_lines() {
	printf '%s\n' "$stderr" | grep ' libsmshim: ' | sed 's/^[^ ]* //'
}

# same_as_without CMD...: CMD started with `start` (ns or nothing) behaves
# exactly as without the library: stdout, stderr and exit status.
same_as_without() {
	local start="$1" out err st
	shift
	run --separate-stderr $start "$@"
	out="$output" err="$stderr" st="$status"
	LD_PRELOAD="$LIB" SMSHIM_WRAPPER="$WRAPPER" run --separate-stderr $start "$@"
	assert_eq "$output" "$out"
	assert_eq "$stderr" "$err"
	assert_eq "$status" "$st"
}

# ns_init PID: the host pid of PID 1 in the namespace started below PID.
ns_init() {
	local p
	for p in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		if grep -Eq '^NSpid:.*[[:space:]]1$' /proc/"$p"/status 2>/dev/null; then
			echo "$p"
			return 0
		fi
		ns_init "$p" && return 0
	done
	return 1
}

# ---------------------------------------------------------------- the build

@test "libsmshim.so links only libc, exports nothing, and has a soname" {
	run readelf -d "$LIB"
	assert_eq "$(grep NEEDED <<<"$output" | sed 's/.*\[\(.*\)\]/\1/')" "libc.so.6"
	assert_eq "$(grep SONAME <<<"$output" | sed 's/.*\[\(.*\)\]/\1/')" "libsmshim.so"
	run nm -D --defined-only "$LIB"
	assert_eq "$status" 0
	assert_eq "$output" ""
}

@test "libsmshim.so needs no newer glibc than 2.16 (getauxval)" {
	# the x86_64 baseline is GLIBC_2.2.5; aarch64 starts at 2.17
	local want=GLIBC_2.16
	[ "$(uname -m)" != aarch64 ] || want=GLIBC_2.17
	highest=$(objdump -T "$LIB" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n 1)
	assert_eq "$highest" "$want"
}

@test "the retrofit Dockerfiles add exactly smshim, libsmshim.so and LD_PRELOAD" {
	local ex
	for ex in retrofit-python retrofit-shell retrofit-train-program; do
		assert_eq "$(grep -E 'smshim|LD_PRELOAD' "$ROOT/examples/$ex/Dockerfile" | grep -v '^#')" \
			"COPY smshim /usr/local/bin/smshim
COPY libsmshim.so /usr/local/lib/libsmshim.so
ENV LD_PRELOAD=/usr/local/lib/libsmshim.so"
	done
}

# ------------------------------------------------------- the example images

@test "retrofit-python: python3 train.py gets the hyperparameters once and the job's variables" {
	image retrofit-python
	run --separate-stderr docker_run train
	assert_eq "$status" 0
	assert_eq "$output" "arguments: --epochs 3 --learning-rate 0.1
training on algo-1 with $JOB/input/data/training: epochs=3 learning_rate=0.1
model written to $JOB/model/model.json"
	assert_eq "$(cat "$JOB/model/model.json")" '{"epochs": 3, "learning_rate": 0.1}'
}

@test "retrofit-shell: /entrypoint.sh and the script it execs get the job" {
	image retrofit-shell
	run --separate-stderr docker_run train
	assert_eq "$status" 0
	assert_eq "$output" "entrypoint: starting training in $JOB/model
arguments: --epochs 3 --learning-rate 0.1
training on algo-1 with $JOB/input/data/training: epochs=3 learning_rate=0.1
model written to $JOB/model/model.json"
}

@test "retrofit-train-program: the train program on PATH gets the job" {
	image retrofit-train-program
	run --separate-stderr docker_run train
	assert_eq "$status" 0
	assert_eq "$output" "arguments: --epochs 3 --learning-rate 0.1
training on algo-1 with $JOB/input/data/training: epochs=3
model written to $JOB/model/model.json"
	assert_eq "$(cat "$JOB/model/model.json")" '{"epochs": "3", "learning-rate": "0.1"}'
}

# new-image: ENTRYPOINT ["smshim", "train"], no library at all
@test "new-image: docker run IMAGE runs SAGEMAKER_PROGRAM through smshim train" {
	image new-image
	PATH="$(dirname "$SMSHIM"):$PATH" run --separate-stderr docker_run
	assert_eq "$status" 0
	assert_eq "$output" "arguments: --epochs 3 --learning-rate 0.1
training on algo-1 with $JOB/input/data/training: epochs=3 learning_rate=0.1
model written to $JOB/model/model.json"
}

@test "new-image: docker run IMAGE train (as SageMaker starts it) runs it too" {
	image new-image
	PATH="$(dirname "$SMSHIM"):$PATH" run --separate-stderr docker_run train
	assert_eq "$status" 0
	assert_eq "$output" "arguments: --epochs 3 --learning-rate 0.1
training on algo-1 with $JOB/input/data/training: epochs=3 learning_rate=0.1
model written to $JOB/model/model.json"
}

# exit_status_passes EXAMPLE: the probe's exit status is the container's.
exit_status_passes() {
	probe "$1"
	local code
	for code in 0 3 255; do
		PROBE=exit PROBE_EXIT=$code run --separate-stderr docker_run train
		assert_eq "$status" "$code"
	done
}

@test "retrofit-python: the script's exit status passes through (0, 3, 255)" {
	exit_status_passes retrofit-python
}

@test "retrofit-shell: the script's exit status passes through (0, 3, 255)" {
	exit_status_passes retrofit-shell
}

@test "retrofit-train-program: the program's exit status passes through (0, 3, 255)" {
	exit_status_passes retrofit-train-program
}

@test "every exit status 0-255 of an entry program passes through" {
	local code
	for code in $(seq 0 255); do
		# (run -N: 127 is no "command not found" here)
		run -"$code" entry sh -c 'exit "$1"' sh "$code" train
		assert_eq "$status" "$code"
	done
}

# sigterm_reaches_script EXAMPLE: SIGTERM to the entry process (PID 1,
# smshim once handed over) reaches the script, which traps it.
sigterm_reaches_script() {
	probe "$1"
	export PROBE=term PROBE_READY="$BATS_TEST_TMPDIR/ready" PROBE_MARKER="$BATS_TEST_TMPDIR/marker"
	docker_run train >"$BATS_TEST_TMPDIR/log" 2>&1 &
	local bg=$! init rc=0
	wait_for "$PROBE_READY"
	init=$(ns_init "$bg")
	kill -TERM "$init"
	wait "$bg" || rc=$?
	assert_eq "$(cat "$PROBE_MARKER")" TERM
	assert_eq "$rc" 143
}

@test "retrofit-python: SIGTERM to the entry process reaches the script" {
	sigterm_reaches_script retrofit-python
}

@test "retrofit-shell: SIGTERM to the entry process reaches the script" {
	sigterm_reaches_script retrofit-shell
}

@test "retrofit-train-program: SIGTERM to the entry process reaches the program" {
	sigterm_reaches_script retrofit-train-program
}

# failure_file EXAMPLE: a script that fails leaves output/failure.
failure_file() {
	probe "$1"
	PROBE=exit PROBE_EXIT=3 run --separate-stderr docker_run train
	assert_eq "$status" 3
	assert_eq "$(sed -n 1,3p "$JOB/output/failure")" 'ExecuteUserScriptError:
ExitCode 3
ErrorMessage "boom"'
}

@test "retrofit-python: a failing script leaves output/failure" {
	failure_file retrofit-python
}

@test "retrofit-shell: a failing script leaves output/failure" {
	failure_file retrofit-shell
}

@test "retrofit-train-program: a failing program leaves output/failure" {
	failure_file retrofit-train-program
}

# children_unchanged EXAMPLE [FIRST_LINE]: a Python subprocess and a bash
# pipeline in the script see no added arguments; one hand-over in all.
# FIRST_LINE: what the entry point prints before the script runs.
children_unchanged() {
	probe "$1"
	PROBE=children SMSHIM_DEBUG=1 run --separate-stderr docker_run train
	assert_eq "$status" 0
	assert_eq "$output" "${2:+$2
}[[\"x\"], true, \"algo-1\"]
A|B| 1"
	assert_eq "$(handovers)" 1
}

@test "retrofit-python: children of the script run unchanged" {
	children_unchanged retrofit-python
}

@test "retrofit-shell: children of the script run unchanged" {
	children_unchanged retrofit-shell "entrypoint: starting training in $JOB/model"
}

@test "retrofit-train-program: children of the program run unchanged" {
	children_unchanged retrofit-train-program
}

# -------------------------------------------------- SageMaker's "train" argument

@test "the trailing train is dropped by default: argparse would choke on it" {
	probe retrofit-python
	run --separate-stderr docker_run train
	assert_eq "$output" "[$HP_JSON]"
	image retrofit-python
	SMSHIM_TRAIN_ARG=keep run --separate-stderr docker_run train
	assert_eq "$status" 2
	grep -Fqx 'train.py: error: unrecognized arguments: train' <<<"$stderr"
}

@test "SMSHIM_TRAIN_ARG=keep: a main.py train|serve dispatcher gets its train" {
	image retrofit-python
	cp "$BATS_TEST_DIRNAME/preload/main.py" "$IMG/app/main.py"
	cd "$IMG/app"
	SMSHIM_TRAIN_ARG=keep run --separate-stderr entry python3 main.py train
	assert_eq "$status" 0
	assert_eq "$output" "mode=train args=--epochs 3 --learning-rate 0.1"
	run --separate-stderr entry python3 main.py train
	assert_eq "$status" 1
	assert_eq "$output" ""
	grep -Fqx 'usage: main.py train|serve [ARG...]' <<<"$stderr"
}

# ------------------------------------------------- hard places: one hand-over

@test "bash as the entry program: handed over once, its children left alone" {
	SMSHIM_DEBUG=1 run --separate-stderr entry bash -c \
		'echo "$*"; echo "$SMSHIM_ACTIVE $SM_CURRENT_HOST"; bash -c "echo \"\$*|\$SMSHIM_ACTIVE\"" bash y' \
		bash x train
	assert_eq "$status" 0
	assert_eq "$output" "x --epochs 3 --learning-rate 0.1
1 algo-1
y|1"
	assert_eq "$(handovers)" 1
}

@test "SMSHIM_ACTIVE exported by bash before an exec: no hand-over" {
	run --separate-stderr ns bash -c \
		'export SMSHIM_ACTIVE=7; LD_PRELOAD="$1" SMSHIM_WRAPPER="$2" SMSHIM_DEBUG=1 exec "$3" x train' \
		bash "$LIB" "$SMSHIM" "$ARGV"
	assert_eq "$output" "secure=0 preloaded=1 [$ARGV] [x] [train]"
	assert_eq "$(libsmshim_lines)" "smshim DEBUG libsmshim: SMSHIM_ACTIVE=7: already under smshim, nothing to do"
}

@test "a pyenv-style shim chain (bash, sh, then python3) is handed over once" {
	mkdir -p "$IMG/shims" "$IMG/libexec"
	cat >"$IMG/shims/python3" <<'EOF'
#!/usr/bin/env bash
# a pyenv-style shim: hand the program's name to the version manager
exec "${0%/shims/*}/libexec/pyenv-exec" "${0##*/}" "$@"
EOF
	cat >"$IMG/libexec/pyenv-exec" <<'EOF'
#!/bin/sh
# drop the shims from PATH, as pyenv exec does, and run the real program
PATH=${PATH#*/shims:}
exec "$@"
EOF
	chmod +x "$IMG/shims/python3" "$IMG/libexec/pyenv-exec"
	PATH="$IMG/shims:$PATH" SMSHIM_DEBUG=1 run --separate-stderr entry \
		python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' train
	assert_eq "$status" 0
	assert_eq "$output" "[$HP_JSON]"
	assert_eq "$(handovers)" 1
}

@test "an exec chain from the entry process is handed over once" {
	printf '#!/bin/bash\nexec "%s" "$@"\n' "$IMG/chain2" >"$BATS_TEST_TMPDIR/chain1"
	mkdir -p "$IMG"
	printf '#!/bin/sh\nexec "%s" "$@"\n' "$ARGV" >"$IMG/chain2"
	chmod +x "$BATS_TEST_TMPDIR/chain1" "$IMG/chain2"
	SMSHIM_DEBUG=1 run --separate-stderr entry "$BATS_TEST_TMPDIR/chain1" x train
	assert_eq "$output" "secure=0 preloaded=1 [$ARGV] [x] [--epochs] [3] [--learning-rate] [0.1]"
	assert_eq "$(handovers)" 1
}

@test "a nested interpreter as the entry program: python3 starting python3" {
	SMSHIM_DEBUG=1 run --separate-stderr entry python3 -c '
import json, subprocess, sys
print(json.dumps(sys.argv[1:]), flush=True)
subprocess.run([sys.executable, "-c", "import json, os, sys; print(json.dumps([sys.argv[1:], os.environ[\"SM_CURRENT_HOST\"]]))", "y"], check=True)
' train
	assert_eq "$status" 0
	assert_eq "$output" "[$HP_JSON]
[[\"y\"], \"algo-1\"]"
	assert_eq "$(handovers)" 1
}

# --------------------------------------------------------------- argv[0]

@test "argv[0] that leads back to the program on PATH is kept" {
	PATH="$(dirname "$ARGV"):$PATH" run --separate-stderr entry argv x train
	assert_eq "$output" "secure=0 preloaded=1 [argv] [x] [--epochs] [3] [--learning-rate] [0.1]"
}

@test "argv[0] that does not lead back to the program: it runs by its real path" {
	local real
	real=$(readlink -f "$ARGV")
	# a name found nowhere, then one that PATH finds as another program
	for name in not-on-path true; do
		run --separate-stderr ns bash -c 'LD_PRELOAD="$1" SMSHIM_WRAPPER="$2" exec -a "$3" "$4" x train' \
			bash "$LIB" "$SMSHIM" "$name" "$ARGV"
		assert_eq "$output" "secure=0 preloaded=1 [$real] [x] [--epochs] [3] [--learning-rate] [0.1]"
	done
}

# ------------------------------------------------------- when it does nothing

@test "no job: programs in the entry process behave exactly as without the library" {
	export SAGEMAKER_BASE_DIR="$BATS_TEST_TMPDIR/no-job"
	same_as_without ns sh -c 'echo "$0 $*"; echo err >&2; exit 3' sh x train
	same_as_without ns bash -c 'echo "$0 $* $$ ${SMSHIM_ACTIVE-unset}"' bash x train
	same_as_without ns python3 -c 'import os, sys; print(sys.argv, os.getpid(), sorted(k for k in os.environ if k.startswith(("SM_", "SMSHIM_A"))))' train
	same_as_without ns /bin/false
	same_as_without ns ls /nonexistent-smshim-test
}

@test "a job, but not the entry process: programs behave exactly as without the library" {
	same_as_without "" sh -c 'echo "$0 $*"; echo err >&2; exit 3' sh x train
	same_as_without "" bash -c 'echo "$0 $* ${SMSHIM_ACTIVE-unset}"' bash x train
	same_as_without "" python3 -c 'import os, sys; print(sys.argv, sorted(k for k in os.environ if k.startswith(("SM_", "SMSHIM_A"))))' train
}

@test "SMSHIM_DISABLE=1: nothing happens, even in the entry process with a job" {
	export SMSHIM_DISABLE=1
	same_as_without ns sh -c 'echo "$0 $*"; exit 3' sh x train
	same_as_without ns python3 -c 'import os, sys; print(sys.argv, sorted(k for k in os.environ if k.startswith(("SM_", "SMSHIM_A"))))' train
	# 0 is not a request to disable
	SMSHIM_DISABLE=0 run --separate-stderr entry "$ARGV" x train
	assert_eq "$output" "secure=0 preloaded=1 [$ARGV] [x] [--epochs] [3] [--learning-rate] [0.1]"
}

@test "a setuid program is left alone (AT_SECURE), though the library is loaded" {
	# ld.so preloads into a setuid program only a library that sits in a
	# trusted directory (libc's) and is setuid itself: put a copy there
	local libc_dir name
	libc_dir=$(dirname "$(ldd /bin/true | awk '/libc\.so/ { print $3 }')")
	name="libsmshim-test-$$.so"
	TRUSTED_LIB="$libc_dir/$name"
	install -m 4755 "$LIB" "$TRUSTED_LIB"
	# a place the unprivileged user can reach: the program, its setuid copy, a job
	WORLD_DIR=$(mktemp -d /tmp/smshim-preload.XXXXXX)
	chmod 755 "$WORLD_DIR"
	install -m 0755 "$ARGV" "$WORLD_DIR/argv"
	install -m 4755 "$ARGV" "$WORLD_DIR/argv-setuid"
	# and smshim: the checkout may sit where nobody cannot reach (a 0700 directory)
	install -m 0755 "$SMSHIM" "$WORLD_DIR/smshim"
	cp -r "$JOB" "$WORLD_DIR/job"
	chmod -R a+rwX "$WORLD_DIR/job"
	as_nobody() {
		ns setpriv --reuid=65534 --regid=65534 --clear-groups \
			env LD_PRELOAD="$name" SMSHIM_WRAPPER="$WORLD_DIR/smshim" SAGEMAKER_BASE_DIR="$WORLD_DIR/job" \
			SMSHIM_DEBUG=1 "$@"
	}
	# the same library hands an ordinary program over...
	run --separate-stderr as_nobody "$WORLD_DIR/argv" x train
	assert_eq "$output" "secure=0 preloaded=1 [$WORLD_DIR/argv] [x] [--epochs] [3] [--learning-rate] [0.1]"
	# ...and leaves the setuid one as it is, without a word
	run --separate-stderr as_nobody "$WORLD_DIR/argv-setuid" x train
	assert_eq "$status" 0
	assert_eq "$output" "secure=1 preloaded=1 [$WORLD_DIR/argv-setuid] [x] [train]"
	assert_eq "$stderr" ""
}

# ------------------------------------------------- finding and starting smshim

@test "smshim missing: one line on stderr, the program runs unchanged with its status" {
	WRAPPER=/nonexistent/smshim run --separate-stderr entry sh -c 'echo "$*"; exit 3' sh x train
	assert_eq "$status" 3
	assert_eq "$output" "x train"
	assert_one_error_line "smshim WARNING libsmshim: cannot start /nonexistent/smshim: No such file or directory: running the program without it"
}

@test "smshim nowhere to be found: one line naming where it looked" {
	local b="$BATS_TEST_TMPDIR/b"
	make -s -C "$ROOT" BUILD="$b" PREFIX=/nonexistent/prefix "$b/lib/libsmshim.so" >/dev/null
	LIB="$b/lib/libsmshim.so" WRAPPER="" run --separate-stderr entry "$ARGV" x train
	assert_eq "$status" 0
	assert_eq "$output" "secure=0 preloaded=1 [$ARGV] [x] [train]"
	assert_one_error_line "libsmshim: cannot find smshim (looked at $b/lib/../bin/smshim and /nonexistent/prefix/bin/smshim; set SMSHIM_WRAPPER): running the program without it"
}

@test "without SMSHIM_WRAPPER, smshim is found beside the library (../bin/smshim)" {
	WRAPPER="" SMSHIM_DEBUG=1 run --separate-stderr entry "$ARGV" x train
	assert_eq "$output" "secure=0 preloaded=1 [$ARGV] [x] [--epochs] [3] [--learning-rate] [0.1]"
	assert_eq "$(libsmshim_lines | head -n 1)" \
		"smshim DEBUG libsmshim: pid 1 is the entry process: exec $ROOT/${BUILD:-build}/lib/../bin/smshim --entry -- $ARGV x train"
}

@test "make install: the installed library finds the installed smshim" {
	local dest="$BATS_TEST_TMPDIR/dest"
	make -s -C "$ROOT" install DESTDIR="$dest" PREFIX=/usr/local >/dev/null
	LIB="$dest/usr/local/lib/libsmshim.so" WRAPPER="" SMSHIM_DEBUG=1 run --separate-stderr entry "$ARGV" x train
	assert_eq "$output" "secure=0 preloaded=1 [$ARGV] [x] [--epochs] [3] [--learning-rate] [0.1]"
	assert_eq "$(libsmshim_lines | head -n 1)" \
		"smshim DEBUG libsmshim: pid 1 is the entry process: exec $dest/usr/local/lib/../bin/smshim --entry -- $ARGV x train"
}

@test "SMSHIM_DEBUG=1 explains itself on stderr and writes nothing on stdout" {
	SAGEMAKER_BASE_DIR="$BATS_TEST_TMPDIR/no-job" SMSHIM_DEBUG=1 run --separate-stderr entry "$ARGV" x
	assert_eq "$output" "secure=0 preloaded=1 [$ARGV] [x]"
	assert_eq "$stderr" "$(printf '%s\n' "$stderr" | grep ' libsmshim: ')"
	assert_eq "$(libsmshim_lines)" \
		"smshim DEBUG libsmshim: no job ($BATS_TEST_TMPDIR/no-job/input/config is not a directory): nothing to do"
	# with a job: the hand-over, then the library inside smshim standing aside
	SMSHIM_DEBUG=1 run --separate-stderr entry "$ARGV" x train
	assert_eq "$output" "secure=0 preloaded=1 [$ARGV] [x] [--epochs] [3] [--learning-rate] [0.1]"
	assert_eq "$(libsmshim_lines)" \
		"smshim DEBUG libsmshim: pid 1 is the entry process: exec $SMSHIM --entry -- $ARGV x train
smshim DEBUG libsmshim: SMSHIM_ACTIVE=1: already under smshim, nothing to do"
}
