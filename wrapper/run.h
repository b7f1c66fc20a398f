/*
 * run.h - start the user's command with the job's environment and the
 * hyperparameters appended to its arguments.
 */
#ifndef SMSHIM_RUN_H
#define SMSHIM_RUN_H

#include <cjson/cJSON.h>

#include "job.h"
#include "settings.h"

/*
 * cmd (NULL-terminated) followed by every string of `args`: a new
 * NULL-terminated argv whose strings belong to cmd and args.
 */
char **run_argv(char *const *cmd, const cJSON *args);

/*
 * Check that argv and envp fit what execve accepts (each string at most
 * 128 KiB, all together under the system's ARG_MAX), naming the biggest
 * offender if not.  Returns 0, or -1 after log_fail(SMSHIM_EXIT_DATA).
 */
int run_check_size(char *const *argv, char *const *envp);

/*
 * Replace smshim with argv (argv[0] searched on PATH) and envp.  Returns
 * only on failure, -1 after log_fail() with 127 (not found) or 126 (cannot
 * be executed).
 */
int run_exec(char *const *argv, char *const *envp);


/* What a supervised command is, for the log and output/failure. */
struct run_label {
	const char *what;    /* short name: "train.py", "pip" */
	const char *kind;    /* error class: "ExecuteUserScriptError" */
	const char *command; /* the command line to show (secrets hidden) */
};

/*
 * Run argv (argv[0] searched on PATH) in cwd (or here) with envp, under
 * supervision (supervise.h).  On success writes output/success when
 * `success_file`; on failure writes output/failure with the toolkit's text
 * (failure.h) and logs the reason.  Returns the exit status smshim should
 * end with: the command's (0-255, 128+N, 126, 127), or smshim's own code
 * when it could not start anything.
 */
int run_supervised(const struct job *job, const struct settings *s, char *const *argv,
		   char *const *envp, const char *cwd, const struct run_label *label,
		   int success_file);

#endif
