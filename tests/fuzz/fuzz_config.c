/*
 * fuzz_config.c - the three job files, through everything smshim makes of
 * them: the model, the variables in every format, the arguments, the
 * command line shown in logs, the failure text.
 *
 * Input: hyperparameters.json, resourceconfig.json and
 * inputdataconfig.json, separated by lines "#####" (a missing part is "{}").
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "code.h"
#include "buf.h"
#include "config.h"
#include "env.h"
#include "failure.h"
#include "hardware.h"
#include "log.h"
#include "model.h"
#include "output.h"
#include "pyjson.h"
#include "settings.h"
#include "fuzz.h"

#define SEPARATOR "\n#####\n"

static char job_dir[] = "/dev/shm/smshim-fuzz-config.XXXXXX";

static void remove_job_dir(void)
{
	code_remove_tree(job_dir);
}

static void put(const char *name, const uint8_t *data, size_t size)
{
	char path[256];
	snprintf(path, sizeof path, "%s/input/config/%s", job_dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	if (!mkdtemp(job_dir))
		abort();
	atexit(remove_job_dir); /* libFuzzer ends with exit() after -max_total_time */
	char path[256];
	snprintf(path, sizeof path, "%s/input", job_dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/input/config", job_dir);
	mkdir(path, 0700);
	/* no detection: no program is started */
	setenv("SMSHIM_NUM_CPUS", "4", 1);
	setenv("SMSHIM_NUM_GPUS", "0", 1);
	setenv("SMSHIM_NUM_NEURONS", "0", 1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"hyperparameters.json", "resourceconfig.json",
					    "inputdataconfig.json"};
	const uint8_t *p = data, *end = data + size;
	for (int i = 0; i < 3; i++) {
		const uint8_t *sep = p < end ? memmem(p, (size_t)(end - p), SEPARATOR, strlen(SEPARATOR)) : NULL;
		const uint8_t *stop = sep ? sep : end;
		if (p < end)
			put(names[i], p, (size_t)(stop - p));
		else
			put(names[i], (const uint8_t *)"{}", 2);
		p = sep ? sep + strlen(SEPARATOR) : end;
	}

	struct settings s;
	struct job job;
	if (settings_load(&s) < 0)
		abort();
	if (config_load(&job, job_dir) == 0) {
		struct hardware hw = {4, 0, 0};
		cJSON *args = args_build(job.hyperparameters);
		if (model_build(&job, &hw) == 0) {
			cJSON *vars = env_build(&job, args);
			if (vars) {
				struct buf b = {0};
				output_env(&b, vars, OUTPUT_JSON);
				output_env(&b, vars, OUTPUT_SHELL);
				output_env(&b, vars, OUTPUT_DOTENV);
				char **envp = env_merge(NULL, vars);
				env_free(envp);
				buf_free(&b);
				cJSON_Delete(vars);
			}
		}
		struct buf b = {0};
		output_args(&b, args, OUTPUT_JSON);
		if (args_check_portable(args, job.hyperparameters, "x") == 0)
			output_args(&b, args, OUTPUT_SHELL);
		char *cmd[] = {"python3", "train.py", NULL};
		char *line = args_display(cmd, args, job.hyperparameters);
		char *text = failure_text("ExecuteUserScriptError", 1, 0, 0, 110, line, line);
		if (strlen(text) > 1024)
			abort(); /* what SageMaker shows */
		free(text);
		free(line);
		buf_free(&b);
		cJSON_Delete(args);
	}
	job_free(&job);
	return 0;
}
