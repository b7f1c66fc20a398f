#!/usr/bin/env bats
# The SM_* variables beyond the hyperparameters: names, paths, derived
# properties, and the three toolkit variables.

load helpers

setup() {
	job_with_hps '{}'
}

training_env() {
	smshim_env_value SM_TRAINING_ENV | python3 -c 'import json,sys; v=json.load(sys.stdin)[sys.argv[1]]; print(json.dumps(v, separators=(",", ":")), end="")' "$1"
}

@test "names are upper-cased the full Unicode way; other characters are kept" {
	job_with_hps '{"straße": "1", "ﬁx": "2", "ŉ": "3", "learning-rate": "4", "spaced key": "5", "ǆ": "6"}'
	names=$("$SMSHIM" env --format=json | python3 -c 'import json,sys; print(" | ".join(k for k in json.load(sys.stdin) if k.startswith("SM_HP_")))')
	assert_eq "$names" "SM_HP_FIX | SM_HP_LEARNING-RATE | SM_HP_SPACED KEY | SM_HP_STRASSE | SM_HP_Ǆ | SM_HP_ʼN"
}

@test "names that collide once upper-cased: the later one in the file wins" {
	job_with_hps '{"a": "1", "b": "2", "A": "3", "ss": "4", "ß": "5"}'
	assert_eq "$(smshim_env_value SM_HP_A)" 3
	assert_eq "$(smshim_env_value SM_HP_SS)" 5
	# the arguments keep both
	assert_eq "$(args_json)" '["-A", "3", "-a", "1", "-b", "2", "--ss", "4", "-ß", "5"]'
}

@test "channels: names as given in the path, upper-cased in the variable, sorted in SM_CHANNELS" {
	echo '{"train-data": {}, "Test_Set": {}, "validation": {}}' >"$JOB/input/config/inputdataconfig.json"
	assert_eq "$(smshim_env_value SM_CHANNEL_TEST_SET)" "$JOB/input/data/Test_Set"
	assert_eq "$(smshim_env_value SM_CHANNEL_TRAIN-DATA)" "$JOB/input/data/train-data"
	assert_eq "$(smshim_env_value SM_CHANNELS)" '["Test_Set","train-data","validation"]'
}

@test "paths are joined as os.path.join does: a trailing slash is not doubled" {
	export SAGEMAKER_BASE_DIR="$JOB/"
	assert_eq "$(smshim_env_value SM_MODEL_DIR)" "$JOB/model"
	assert_eq "$(smshim_env_value SM_OUTPUT_INTERMEDIATE_DIR)" "$JOB/output/intermediate"
}

@test "an empty SAGEMAKER_BASE_DIR means relative paths, as in the toolkit" {
	cd "$JOB"
	export SAGEMAKER_BASE_DIR=
	assert_eq "$(smshim_env_value SM_MODEL_DIR)" model
	assert_eq "$(smshim_env_value SM_INPUT_CONFIG_DIR)" input/config
}

@test "--base-dir is SAGEMAKER_BASE_DIR, and the command sees it" {
	unset SAGEMAKER_BASE_DIR
	run --separate-stderr "$SMSHIM" --base-dir "$JOB" -- sh -c 'echo "$SAGEMAKER_BASE_DIR $SM_MODEL_DIR"'
	[ "$status" -eq 0 ]
	assert_eq "$output" "$JOB $JOB/model"
	run --separate-stderr "$SMSHIM" --base-dir="$JOB" env --format=dotenv
	[ "$status" -eq 0 ]
	[[ "$output" == *"SM_MODEL_DIR=$JOB/model"* ]]
}

@test "no program: SM_MODULE_NAME is None and SM_USER_ENTRY_POINT empty, as the toolkit" {
	assert_eq "$(smshim_env_value SM_MODULE_NAME)" None
	assert_eq "$(smshim_env_value SM_USER_ENTRY_POINT)" ""
	assert_eq "$(training_env user_entry_point)" null
	assert_eq "$(smshim_env_value SM_MODULE_DIR)" "$JOB/code"
	assert_eq "$(smshim_env_value SM_LOG_LEVEL)" 20
}

@test "SAGEMAKER_PROGRAM overrides the program; set empty it blanks only the module name" {
	job_with_hps '{"sagemaker_program": "\"train.py\""}'
	assert_eq "$(smshim_env_value SM_MODULE_NAME)" train
	SAGEMAKER_PROGRAM=other.py
	export SAGEMAKER_PROGRAM
	assert_eq "$(smshim_env_value SM_MODULE_NAME)" other
	assert_eq "$(smshim_env_value SM_USER_ENTRY_POINT)" other.py
	SAGEMAKER_PROGRAM=
	assert_eq "$(smshim_env_value SM_MODULE_NAME)" ""
	assert_eq "$(smshim_env_value SM_USER_ENTRY_POINT)" train.py
}

@test "SAGEMAKER_REGION: the hyperparameter, else boto3's default region" {
	job_with_hps '{"sagemaker_region": "\"eu-west-1\""}'
	AWS_DEFAULT_REGION=us-east-2 run --separate-stderr "$SMSHIM" -- sh -c 'echo "$SAGEMAKER_REGION"'
	assert_eq "$output" eu-west-1
	job_with_hps '{}'
	AWS_DEFAULT_REGION=us-east-2 run --separate-stderr "$SMSHIM" -- sh -c 'echo "$SAGEMAKER_REGION"'
	assert_eq "$output" us-east-2
	# boto3 does not read AWS_REGION
	AWS_REGION=us-east-2 run --separate-stderr "$SMSHIM" -- sh -c 'echo "[$SAGEMAKER_REGION]"'
	assert_eq "$output" "[]"
	mkdir -p "$HOME/.aws"
	printf '[default]\nregion = ap-south-1\n[profile other]\nregion=sa-east-1\n' >"$HOME/.aws/config"
	run --separate-stderr "$SMSHIM" -- sh -c 'echo "$SAGEMAKER_REGION"'
	assert_eq "$output" ap-south-1
	AWS_PROFILE=other run --separate-stderr "$SMSHIM" -- sh -c 'echo "$SAGEMAKER_REGION"'
	assert_eq "$output" sa-east-1
	job_with_hps '{"sagemaker_region": "null"}'
	run --separate-stderr "$SMSHIM" -- sh -c 'echo "[$SAGEMAKER_REGION]"'
	assert_eq "$output" "[]"
}

@test "CURRENT_HOST and SAGEMAKER_JOB_NAME are set; TRAINING_JOB_NAME is the job name" {
	job_with_hps '{"sagemaker_job_name": "\"hp-job\""}'
	TRAINING_JOB_NAME=env-job run --separate-stderr "$SMSHIM" -- sh -c 'echo "$CURRENT_HOST $SAGEMAKER_JOB_NAME"'
	assert_eq "$output" "algo-1 hp-job"
	export TRAINING_JOB_NAME=env-job
	assert_eq "$(training_env job_name)" '"env-job"'
}

@test "SAGEMAKER_TRAINING_MODULE shows as the framework module" {
	assert_eq "$(smshim_env_value SM_FRAMEWORK_MODULE)" ""
	assert_eq "$(training_env framework_module)" null
	export SAGEMAKER_TRAINING_MODULE=pkg.mod:main
	assert_eq "$(smshim_env_value SM_FRAMEWORK_MODULE)" pkg.mod:main
}

@test "is_modelparallel_enabled follows smshim's own SM_HP_MP_PARAMETERS" {
	assert_eq "$(training_env is_modelparallel_enabled)" null
	SM_HP_MP_PARAMETERS= run --separate-stderr "$SMSHIM" env --format=json
	[[ "$output" == *'\"is_modelparallel_enabled\":\"\"'* ]]
	export SM_HP_MP_PARAMETERS='{}'
	assert_eq "$(training_env is_modelparallel_enabled)" false
	export SM_HP_MP_PARAMETERS='{"partitions": 2}'
	assert_eq "$(training_env is_modelparallel_enabled)" true
}

@test "smddprun and smddpmprun are looked up on PATH" {
	assert_eq "$(training_env is_smddprun_installed)" false
	mkdir "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\n' >"$BATS_TEST_TMPDIR/bin/smddprun"
	chmod +x "$BATS_TEST_TMPDIR/bin/smddprun"
	PATH="$BATS_TEST_TMPDIR/bin:$PATH"
	assert_eq "$(training_env is_smddprun_installed)" true
	assert_eq "$(training_env is_smddpmprun_installed)" false
}

@test "a heterogeneous cluster: groups, distribution hosts, master" {
	job_with_hps '{"sagemaker_distribution_instance_groups": "[\"gpus\"]"}'
	cat >"$JOB/input/config/resourceconfig.json" <<'JSON'
{"current_host": "algo-3", "current_group_name": "cpus", "current_instance_type": "ml.c5.xlarge",
 "hosts": ["algo-1", "algo-2", "algo-3"],
 "instance_groups": [
   {"instance_group_name": "gpus", "instance_type": "ml.p3.2xlarge", "hosts": ["algo-2", "algo-1"]},
   {"instance_group_name": "cpus", "instance_type": "ml.c5.xlarge", "hosts": ["algo-3"]}]}
JSON
	assert_eq "$(smshim_env_value SM_IS_HETERO)" true
	assert_eq "$(smshim_env_value SM_INSTANCE_GROUPS)" '["gpus","cpus"]'
	assert_eq "$(smshim_env_value SM_CURRENT_INSTANCE_GROUP_HOSTS)" '["algo-3"]'
	assert_eq "$(smshim_env_value SM_DISTRIBUTION_INSTANCE_GROUPS)" '["gpus"]'
	assert_eq "$(training_env distribution_hosts)" '["algo-2","algo-1"]'
	assert_eq "$(training_env master_hostname)" '"algo-2"'
	assert_eq "$(training_env is_master)" false
}

@test "distribution flags put the current group into distribution" {
	job_with_hps '{"sagemaker_pytorch_ddp_enabled": "true"}'
	assert_eq "$(smshim_env_value SM_DISTRIBUTION_INSTANCE_GROUPS)" '["homogeneousCluster"]'
	job_with_hps '{"sagemaker_pytorch_ddp_enabled": "false", "sagemaker_mpi_enabled": "0"}'
	assert_eq "$(smshim_env_value SM_DISTRIBUTION_INSTANCE_GROUPS)" '[]'
}

@test "SM_TOPOLOGY appears only for a non-empty topology" {
	run --separate-stderr "$SMSHIM" env --format=json
	[[ "$output" != *SM_TOPOLOGY* ]]
	echo '{"current_host": "algo-1", "hosts": ["algo-1"], "topology": [{"name": "u1", "hosts": ["algo-1"]}]}' \
		>"$JOB/input/config/resourceconfig.json"
	assert_eq "$(smshim_env_value SM_TOPOLOGY)" '[{"hosts":["algo-1"],"name":"u1"}]'
}

@test "the command inherits smshim's environment; a variable smshim sets replaces it" {
	job_with_hps '{"x": "1"}'
	KEEP=me SM_HP_X=old run --separate-stderr "$SMSHIM" -- sh -c 'echo "$KEEP $SM_HP_X"; env | grep -c "^SM_HP_X="'
	assert_eq "$output" "me 1
1"
}
