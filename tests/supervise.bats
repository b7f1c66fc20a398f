#!/usr/bin/env bats
# smshim -- COMMAND supervises like a good PID 1: exit statuses, signals,
# the grace period, zombies, the stderr relay, output/failure.

load helpers

setup() {
	job_with_hps '{"epochs": "10"}'
	export SMSHIM_LOG_LEVEL=error # the tests read the command's own stderr
}

@test "every exit status 0..255 passes through" {
	for n in $(seq 0 255); do
		status=0
		"$SMSHIM" -- sh -c 'exit "$1"' sh "$n" 2>/dev/null || status=$?
		[ "$status" -eq "$n" ] || {
			echo "exit $n came out as $status" >&2
			return 1
		}
	done
}

@test "death by each catchable signal gives 128+N, also in a PID namespace" {
	for ns in no yes; do
		for sig in HUP INT QUIT ILL TRAP ABRT BUS FPE USR1 SEGV USR2 PIPE ALRM TERM STKFLT XCPU XFSZ VTALRM PROF SYS; do
			n=$(kill -l "$sig")
			status=0
			if [ $ns = yes ]; then
				unshare --pid --fork "$SMSHIM" -- sh -c 'kill -"$1" $$; sleep 5' sh "$n" 2>/dev/null || status=$?
			else
				"$SMSHIM" -- sh -c 'kill -"$1" $$; sleep 5' sh "$n" 2>/dev/null || status=$?
			fi
			[ "$status" -eq $((128 + n)) ] || {
				echo "SIG$sig (namespace: $ns) gave $status, not $((128 + n))" >&2
				return 1
			}
		done
	done
}

@test "SIGKILL of the command gives 137" {
	run "$SMSHIM" -- sh -c 'kill -s KILL $$'
	[ "$status" -eq 137 ]
}

# start_bg CMD...: run smshim in the background; its pid in $PID.  A
# background job of a script starts with SIGINT and SIGQUIT ignored, and
# smshim hands dispositions on as it got them: give it the defaults, as a
# container's PID 1 has them.
start_bg() {
	env --default-signal "$SMSHIM" "$@" 2>"$BATS_TEST_TMPDIR/stderr" &
	PID=$!
}

@test "SIGTERM reaches a script that traps it: it checkpoints and exits 0" {
	cat >"$BATS_TEST_TMPDIR/train.sh" <<'SH'
#!/bin/sh
trap 'echo saved >"$OUT/checkpoint"; exit 0' TERM
touch "$OUT/started"
while :; do sleep 0.1; done
SH
	chmod +x "$BATS_TEST_TMPDIR/train.sh"
	export OUT="$BATS_TEST_TMPDIR"
	start_bg -- "$BATS_TEST_TMPDIR/train.sh"
	wait_for "$OUT/started"
	kill -TERM "$PID"
	status=0
	wait "$PID" || status=$?
	[ "$status" -eq 0 ]
	assert_eq "$(cat "$OUT/checkpoint")" saved
	[ -e "$JOB/output/success" ]
	[ ! -e "$JOB/output/failure" ]
}

@test "every forwarded signal reaches the command's whole process group" {
	cat >"$BATS_TEST_TMPDIR/train.sh" <<'SH'
#!/bin/bash
for s in INT HUP QUIT USR1 USR2 WINCH CONT; do trap "echo $s >>\"$OUT/parent\"" $s; done
sh -c 'trap "" INT HUP QUIT USR2; trap "echo USR1 >>\"$OUT/child\"" USR1
	touch "$OUT/child-ready"; while [ ! -e "$OUT/stop" ]; do sleep 0.1; done' &
touch "$OUT/started"
while [ ! -e "$OUT/stop" ]; do sleep 0.1; done
wait
SH
	chmod +x "$BATS_TEST_TMPDIR/train.sh"
	export OUT="$BATS_TEST_TMPDIR"
	start_bg -- "$BATS_TEST_TMPDIR/train.sh"
	wait_for "$OUT/started"
	wait_for "$OUT/child-ready"
	for s in INT HUP QUIT USR1 USR2 WINCH CONT; do
		kill -s "$s" "$PID"
		for _ in $(seq 50); do grep -qx "$s" "$OUT/parent" 2>/dev/null && break; sleep 0.1; done
	done
	for _ in $(seq 50); do [ -s "$OUT/child" ] && break; sleep 0.1; done
	touch "$OUT/stop"
	wait "$PID"
	assert_eq "$(tr '\n' ' ' <"$OUT/parent")" "INT HUP QUIT USR1 USR2 WINCH CONT "
	assert_eq "$(cat "$OUT/child")" USR1
}

@test "a command that ignores SIGTERM is killed with its children after the grace period" {
	cat >"$BATS_TEST_TMPDIR/train.sh" <<'SH'
#!/bin/sh
trap '' TERM
sh -c 'trap "" TERM; echo $$ >"$OUT/grandchild"; while :; do sleep 0.1; done' &
touch "$OUT/started"
while :; do sleep 0.1; done
SH
	chmod +x "$BATS_TEST_TMPDIR/train.sh"
	export OUT="$BATS_TEST_TMPDIR" SMSHIM_STOP_TIMEOUT=1
	start_bg -- "$BATS_TEST_TMPDIR/train.sh"
	wait_for "$OUT/started"
	wait_for "$OUT/grandchild"
	started=$(date +%s%N)
	kill -TERM "$PID"
	status=0
	wait "$PID" || status=$?
	elapsed_ms=$((($(date +%s%N) - started) / 1000000))
	[ "$status" -eq 137 ]
	[ "$elapsed_ms" -ge 900 ] && [ "$elapsed_ms" -lt 5000 ]
	grandchild=$(cat "$OUT/grandchild")
	sleep 0.2
	! kill -0 "$grandchild" 2>/dev/null
	grep -q '^ExtraInfo "Killed by SIGKILL (signal 9): it did not stop within 1 s of SIGTERM"$' "$JOB/output/failure"
}

@test "as PID 1, the zombies of a double-forking command are reaped" {
	cat >"$BATS_TEST_TMPDIR/train.sh" <<'SH'
#!/bin/sh
# orphans that exit at once: they become children of PID 1
for i in 1 2 3 4 5; do sh -c 'sh -c "exit 0" & exit 0'; done
sleep 1
# zombies left in this PID namespace
n=0
for s in /proc/[0-9]*/stat; do
	set -- $(cat "$s" 2>/dev/null) && [ "$3" = Z ] && n=$((n + 1))
done
echo "$n" >"$OUT/zombies"
cat /proc/1/comm >"$OUT/pid1"
SH
	chmod +x "$BATS_TEST_TMPDIR/train.sh"
	export OUT="$BATS_TEST_TMPDIR"
	unshare --pid --fork --mount-proc "$SMSHIM" -- "$BATS_TEST_TMPDIR/train.sh"
	assert_eq "$(cat "$OUT/pid1")" smshim
	assert_eq "$(cat "$OUT/zombies")" 0
}

@test "not PID 1, smshim is a subreaper: orphans are reaped too" {
	cat >"$BATS_TEST_TMPDIR/train.sh" <<'SH'
#!/bin/sh
sh -c 'sleep 0.3 & echo $! >"$OUT/orphan"; exit 0'
sleep 1
cat "/proc/$(cat "$OUT/orphan")/stat" 2>/dev/null | cut -d' ' -f3 >"$OUT/state"
SH
	chmod +x "$BATS_TEST_TMPDIR/train.sh"
	export OUT="$BATS_TEST_TMPDIR"
	"$SMSHIM" -- "$BATS_TEST_TMPDIR/train.sh"
	# the orphan was re-parented to smshim and reaped: no zombie left behind
	assert_eq "$(cat "$OUT/state")" ""
}

@test "stderr reaches smshim's stderr unchanged; stdout is not touched" {
	head -c 3000000 /dev/urandom >"$BATS_TEST_TMPDIR/noise"
	"$SMSHIM" -- sh -c 'cat "$1" >&2; readlink /proc/$$/fd/1' sh "$BATS_TEST_TMPDIR/noise" \
		>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
	cmp "$BATS_TEST_TMPDIR/noise" "$BATS_TEST_TMPDIR/err"
	# the command's stdout is smshim's own file, not a pipe through smshim
	assert_eq "$(cat "$BATS_TEST_TMPDIR/out")" "$BATS_TEST_TMPDIR/out"
}

@test "stderr into a pipe (docker's log pipe): relayed unchanged, and its end in output/failure" {
	head -c 3000000 /dev/urandom >"$BATS_TEST_TMPDIR/noise"
	"$SMSHIM" -- sh -c 'cat "$1" >&2; readlink /proc/$$/fd/2 >&2' sh "$BATS_TEST_TMPDIR/noise" \
		2>&1 >/dev/null | cat >"$BATS_TEST_TMPDIR/err"
	head -c 3000000 "$BATS_TEST_TMPDIR/err" | cmp - "$BATS_TEST_TMPDIR/noise"
	# the command's stderr was smshim's pipe, not the consumer's
	[[ "$(tail -c +3000001 "$BATS_TEST_TMPDIR/err")" == pipe:* ]]
	status=0
	"$SMSHIM" -- sh -c 'cat "$1" >&2; echo "KeyError: the end" >&2; exit 7' sh "$BATS_TEST_TMPDIR/noise" \
		2>&1 >/dev/null | cat >/dev/null || status=$?
	grep -q 'KeyError: the end"$' "$JOB/output/failure"
	[ "$(stat -c %s "$JOB/output/failure")" -le 1024 ]
}

@test "stderr into a log file: the command writes it directly, its end read back without smshim's own lines" {
	export OUT="$BATS_TEST_TMPDIR"
	cat >"$BATS_TEST_TMPDIR/train.sh" <<'SH'
#!/bin/sh
trap 'echo "caught TERM" >&2; echo "RuntimeError: stopped" >&2; exit 9' TERM
echo "epoch 1" >&2
touch "$OUT/started"
while :; do sleep 0.1; done
SH
	chmod +x "$BATS_TEST_TMPDIR/train.sh"
	unset SMSHIM_LOG_LEVEL
	env --default-signal "$SMSHIM" -- "$BATS_TEST_TMPDIR/train.sh" >"$BATS_TEST_TMPDIR/log" 2>&1 &
	pid=$!
	wait_for "$OUT/started"
	kill -TERM "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 9 ]
	# smshim said it passed SIGTERM on, in the same file...
	grep -q "smshim INFO received SIGTERM: passing it on" "$BATS_TEST_TMPDIR/log"
	# ...but output/failure quotes only the command (the shell may also say
	# "Terminated" for its sleep, killed with the group)
	grep -qx 'ErrorMessage "epoch 1' "$JOB/output/failure"
	grep -qx 'caught TERM' "$JOB/output/failure"
	grep -qx 'RuntimeError: stopped"' "$JOB/output/failure"
	! grep -q "passing it on" "$JOB/output/failure"
}

@test "a command that closes its stderr, or forks and exits early, does not hang smshim" {
	run --separate-stderr "$SMSHIM" -- sh -c 'exec 2>&-; exit 4'
	[ "$status" -eq 4 ]
	# the background sleep keeps the stderr pipe open after the command ended
	started=$(date +%s)
	status=0
	"$SMSHIM" -- sh -c 'sleep 30 >/dev/null & exit 5' 2>"$BATS_TEST_TMPDIR/err" || status=$?
	[ "$status" -eq 5 ]
	[ $(($(date +%s) - started)) -lt 10 ]
}

@test "output/failure: the toolkit's text with the end of stderr" {
	run --separate-stderr "$SMSHIM" -- sh -c 'echo "early line" >&2; echo "ValueError: bad input" >&2; exit 3' sh
	[ "$status" -eq 3 ]
	expected=$(printf 'ExecuteUserScriptError:\nExitCode 3\nErrorMessage "early line\nValueError: bad input"\nCommand "sh -c %s sh --epochs 10"' \
		"'echo \"early line\" >&2; echo \"ValueError: bad input\" >&2; exit 3'")
	assert_eq "$(cat "$JOB/output/failure")" "$expected"
	[ ! -e "$JOB/output/success" ]
}

@test "output/failure: a signal is named" {
	run --separate-stderr "$SMSHIM" -- sh -c 'kill -s TERM $$'
	[ "$status" -eq 143 ]
	grep -qx 'ExtraInfo "Killed by SIGTERM (signal 15)"' "$JOB/output/failure"
	grep -qx 'ExitCode 143' "$JOB/output/failure"
}

@test "output/failure holds at most 1024 bytes, ending with the last lines" {
	run --separate-stderr "$SMSHIM" -- sh -c 'for i in $(seq 1 2000); do echo "line $i of a long traceback" >&2; done; exit 1'
	[ "$status" -eq 1 ]
	size=$(stat -c %s "$JOB/output/failure")
	[ "$size" -le 1024 ] && [ "$size" -gt 900 ]
	grep -q 'line 2000 of a long traceback"$' <(sed -n '/^ErrorMessage/,/^Command/p' "$JOB/output/failure")
	head -1 "$JOB/output/failure" | grep -qx 'ExecuteUserScriptError:'
}

@test "output/failure the command wrote itself is kept" {
	run --separate-stderr "$SMSHIM" -- sh -c 'echo "my reason" >"$SM_OUTPUT_DIR/failure"; exit 2'
	[ "$status" -eq 2 ]
	assert_eq "$(cat "$JOB/output/failure")" "my reason"
}

@test "output/success after a command that succeeds; no temporary file left" {
	"$SMSHIM" -- true
	[ -f "$JOB/output/success" ] && [ ! -s "$JOB/output/success" ]
	assert_eq "$(ls -A "$JOB/output")" "$(printf 'data\nsuccess')"
}

@test "--exec replaces smshim: no parent process, no failure file" {
	run --separate-stderr "$SMSHIM" --exec -- sh -c 'cat /proc/$PPID/comm; exit 3'
	[ "$status" -eq 3 ]
	[ "$output" != smshim ]
	[ ! -e "$JOB/output/failure" ]
	run --separate-stderr "$SMSHIM" -- sh -c 'cat /proc/$PPID/comm'
	assert_eq "$output" smshim
}

@test "the command starts with no signal blocked, whatever smshim got, and the same ignored ones" {
	# python3, not sh: dash clears its signal mask when it starts
	status_line='import sys; print([l.split()[1] for l in open("/proc/self/status") if l.startswith(sys.argv[1])][0])'
	block_usr1='import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, {signal.SIGUSR1, signal.SIGTERM}); os.execvp(sys.argv[1], sys.argv[1:])'
	run --separate-stderr python3 -c "$block_usr1" "$SMSHIM" -- python3 -c "$status_line" SigBlk
	assert_eq "$output" 0000000000000000
	mine=$(python3 -c "$status_line" SigIgn)
	run --separate-stderr "$SMSHIM" -- python3 -c "$status_line" SigIgn
	assert_eq "$output" "$mine"
}

@test "the log: one line per event, time and level, secrets hidden" {
	job_with_hps '{"db_password": "\"hunter2\"", "api_key": "\"abc123\"", "epochs": "3"}'
	unset SMSHIM_LOG_LEVEL
	run --separate-stderr "$SMSHIM" -- sh -c 'echo "$SM_HP_DB_PASSWORD" >"$1"; exit 1' sh "$BATS_TEST_TMPDIR/seen"
	[ "$status" -eq 1 ]
	# the command got the real value
	assert_eq "$(cat "$BATS_TEST_TMPDIR/seen")" hunter2
	! grep -q hunter2 <<<"$stderr"
	! grep -q abc123 <<<"$stderr"
	! grep -q hunter2 "$JOB/output/failure"
	grep -q -- "--db_password '\*\*\*\*'" "$JOB/output/failure"
	while IFS= read -r line; do
		[[ "$line" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{12}Z\ smshim\ (DEBUG|INFO|WARNING|ERROR)\  ]] || {
			echo "bad log line: $line" >&2
			return 1
		}
	done <<<"$stderr"
}

@test "the job's log level is respected: 30 hides INFO" {
	job_with_hps '{"sagemaker_container_log_level": "30"}'
	unset SMSHIM_LOG_LEVEL
	run --separate-stderr "$SMSHIM" -- true
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	job_with_hps '{"sagemaker_container_log_level": "20"}'
	run --separate-stderr "$SMSHIM" -- true
	[[ "$stderr" == *" smshim INFO running: true"* ]]
}
