/*
 * env.h - the variables a job's process gets: the SM_* variables of the
 * toolkit's Environment.to_env_vars (environment.py, mapping.py), and
 * SAGEMAKER_JOB_NAME, CURRENT_HOST and SAGEMAKER_REGION.
 */
#ifndef SMSHIM_ENV_H
#define SMSHIM_ENV_H

#include <cjson/cJSON.h>

#include "job.h"

/*
 * Build the variables from job->model and the script arguments, in the
 * order the toolkit sets them.  Returns a new object (name -> string) or
 * NULL after log_fail() when a name or value cannot be an environment
 * variable (a NUL character, '=' in a name).
 */
cJSON *env_build(const struct job *job, const cJSON *args);

/*
 * Add SMSHIM_ACTIVE=<smshim's pid> to vars: every process below is under
 * smshim already, and libsmshim.so leaves such processes alone.
 */
void env_mark_active(cJSON *vars);

/*
 * The environment for a child: smshim's own, with each of `vars` replacing
 * a variable of the same name where it stands, the rest appended in order
 * (what Python's os.environ does).  Returns a NULL-terminated array of new
 * "NAME=VALUE" strings; env_free() frees it.
 */
char **env_merge(char *const *base, const cJSON *vars);
void env_free(char **envp);

#endif
