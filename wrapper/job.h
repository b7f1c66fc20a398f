/*
 * job.h - one SageMaker training job, as read from its base directory.
 *
 * config.c fills it from the three files; model.c derives the toolkit's
 * Environment properties from it; env.c and args.c turn those into
 * variables and arguments.  Data only flows that way.
 */
#ifndef SMSHIM_JOB_H
#define SMSHIM_JOB_H

#include <cjson/cJSON.h>

struct job {
	/* Paths, each os.path.join(base_dir, ...) as the toolkit builds them. */
	char *base_dir;
	char *code_dir;
	char *model_dir;
	char *input_dir;
	char *input_config_dir;
	char *input_data_dir;
	char *output_dir;
	char *output_data_dir;
	char *output_intermediate_dir;
	char *hyperparameters_file;
	char *resource_config_file;
	char *input_data_config_file;

	/* hyperparameters.json, every value decoded as json.loads would */
	cJSON *hyperparameters;  /* the user's: script arguments, SM_HP_* */
	cJSON *sagemaker_params; /* sagemaker_* and the fixed framework names */
	cJSON *framework_params; /* sagemaker_params but the fixed names */

	cJSON *resource_config;   /* as read, checked for the keys smshim uses */
	cJSON *input_data_config; /* as read; its keys are the channels */

	/* resourceconfig.json values, pointing into resource_config */
	const char *current_host;
	const cJSON *hosts; /* non-empty array of strings */

	/* SM_TRAINING_ENV: the toolkit's Environment properties (model.c) */
	cJSON *model;
};

/* Free everything the job holds. */
void job_free(struct job *job);

#endif
