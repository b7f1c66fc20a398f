/*
 * run.h - start the user's command with the job's environment and the
 * hyperparameters appended to its arguments.
 */
#ifndef SMSHIM_RUN_H
#define SMSHIM_RUN_H

#include <cjson/cJSON.h>

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

/* The exit status for a failed execve's errno: 127 when the file is missing, else 126. */
int run_exec_status(int err);

#endif
