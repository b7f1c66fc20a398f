#!/usr/bin/env bats
# CPU, GPU and Neuron counts: detection as the toolkit does it, overrides,
# and no process started that the answer does not need.

load helpers

setup() {
	job_with_hps '{}'
	BIN="$BATS_TEST_TMPDIR/bin"
	mkdir -p "$BIN"
	PATH="$BIN:$PATH"
	unset SMSHIM_NUM_CPUS SMSHIM_NUM_GPUS SMSHIM_NUM_NEURONS
}

# fake_tool NAME SCRIPT: a program on PATH that notes each start in $BIN/NAME.runs
fake_tool() {
	printf '#!/bin/sh\necho run >>"%s/%s.runs"\n%s\n' "$BIN" "$1" "$2" >"$BIN/$1"
	chmod +x "$BIN/$1"
}

runs() {
	if [ -f "$BIN/$1.runs" ]; then wc -l <"$BIN/$1.runs"; else echo 0; fi
}

@test "CPU count: the online CPUs of the machine" {
	assert_eq "$(smshim_env_value SM_NUM_CPUS)" "$(getconf _NPROCESSORS_ONLN)"
}

@test "GPU count: lines of nvidia-smi --list-gpus that start with 'GPU '" {
	fake_tool nvidia-smi '[ "$1" = --list-gpus ] || exit 9
printf "GPU 0: NVIDIA H100 (UUID: GPU-1)\n  MIG 1g.10gb Device 0: (UUID: MIG-1)\nGPU 1: NVIDIA H100 (UUID: GPU-2)\nNo GPU here\n"'
	assert_eq "$(smshim_env_value SM_NUM_GPUS)" 2
	assert_eq "$(runs nvidia-smi)" 1
}

@test "GPU count: 0 when nvidia-smi fails, and its stderr passes through" {
	fake_tool nvidia-smi 'echo "NVIDIA-SMI has failed" >&2; echo "GPU 0: x"; exit 6'
	run --separate-stderr "$SMSHIM" env --format=json
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"NVIDIA-SMI has failed"* ]]
	printf '%s' "$output" | python3 -c 'import json,sys; assert json.load(sys.stdin)["SM_NUM_GPUS"] == "0"'
}

@test "GPU count: 0 when no nvidia-smi is on PATH" {
	# PATH holds only an empty directory, whatever this machine has installed
	PATH="$BIN" "$SMSHIM" env --format=json >"$BATS_TEST_TMPDIR/env.json"
	python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["SM_NUM_GPUS"] == "0"' "$BATS_TEST_TMPDIR/env.json"
}

@test "GPU count: SMSHIM_NUM_GPUS pins it and nvidia-smi is not started" {
	fake_tool nvidia-smi 'echo "GPU 0: x"'
	SMSHIM_NUM_GPUS=8 run --separate-stderr "$SMSHIM" env --format=json
	[ "$status" -eq 0 ]
	printf '%s' "$output" | python3 -c 'import json,sys; assert json.load(sys.stdin)["SM_NUM_GPUS"] == "8"'
	assert_eq "$(runs nvidia-smi)" 0
}

@test "args needs no hardware: nothing is started" {
	fake_tool nvidia-smi 'echo "GPU 0: x"'
	fake_tool neuron-ls 'echo "[]"'
	"$SMSHIM" args >/dev/null
	assert_eq "$(runs nvidia-smi)" 0
	assert_eq "$(runs neuron-ls)" 0
}

@test "each detection runs once per smshim run" {
	fake_tool nvidia-smi 'echo "GPU 0: x"'
	fake_tool neuron-ls 'echo "[]"'
	"$SMSHIM" -- true
	assert_eq "$(runs nvidia-smi)" 1
	assert_eq "$(runs neuron-ls)" 1
}

@test "Neuron cores: the sum of nc_count from neuron-ls -j" {
	fake_tool neuron-ls '[ "$1" = -j ] || exit 9
echo "[{\"neuron_device\": 0, \"nc_count\": 2}, {\"neuron_device\": 1, \"nc_count\": 2}, {\"neuron_device\": 2}]"'
	assert_eq "$(smshim_env_value SM_NUM_NEURONS)" 4
}

@test "Neuron cores: 64 on trn2.48xlarge without asking neuron-ls" {
	fake_tool neuron-ls 'echo "[]"'
	echo '{"current_host": "algo-1", "hosts": ["algo-1"], "current_instance_type": "ml.trn2.48xlarge"}' \
		>"$JOB/input/config/resourceconfig.json"
	assert_eq "$(smshim_env_value SM_NUM_NEURONS)" 64
	assert_eq "$(runs neuron-ls)" 0
}

@test "Neuron cores: 0 with a warning when neuron-ls prints something else" {
	# not JSON; and JSON whose text is not UTF-8 (Python could not decode it)
	for said in 'echo "not json"' "printf '[{\"name\": \"\\377\", \"nc_count\": 2}]'"; do
		fake_tool neuron-ls "$said"
		run --separate-stderr "$SMSHIM" env --format=json
		[ "$status" -eq 0 ]
		[[ "$stderr" == *"WARNING"*"neuron-ls"* ]]
		printf '%s' "$output" | python3 -c 'import json,sys; assert json.load(sys.stdin)["SM_NUM_NEURONS"] == "0"'
	done
}

@test "an override that is not a count is a usage error (64)" {
	for bad in abc -1 '' ' 4' 4x 99999999999999999999; do
		SMSHIM_NUM_CPUS="$bad" run --separate-stderr "$SMSHIM" env
		[ "$status" -eq 64 ]
		assert_one_error_line "SMSHIM_NUM_CPUS=$bad"
	done
}

@test "nvidia-smi does not inherit the signals smshim blocks for itself" {
	# python3, not sh: dash clears its signal mask when it starts, and a
	# grep it starts may see dash's own mask while dash blocks all for vfork
	cat >"$BIN/nvidia-smi" <<PY
#!$(python3 -c "import sys; print(sys.executable)")
mask = [l.split()[1] for l in open("/proc/self/status") if l.startswith("SigBlk")][0]
open("$BATS_TEST_TMPDIR/mask", "w").write(mask)
print("GPU 0: x")
PY
	chmod +x "$BIN/nvidia-smi"
	# smshim blocks every signal before it runs a command, and detects then
	run --separate-stderr "$SMSHIM" -- sh -c 'echo "$SM_NUM_GPUS"'
	[ "$status" -eq 0 ]
	assert_eq "$output" 1
	assert_eq "$(cat "$BATS_TEST_TMPDIR/mask")" 0000000000000000
}
