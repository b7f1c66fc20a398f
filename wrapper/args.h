/*
 * args.h - hyperparameters as script arguments, exactly as the toolkit's
 * mapping.to_cmd_args builds them (mapping.py).
 */
#ifndef SMSHIM_ARGS_H
#define SMSHIM_ARGS_H

#include <cjson/cJSON.h>

/*
 * ["--key", "value", ...] for the user's hyperparameters: keys in Python's
 * sorted order, "-k" for a one-character key, each value as Python's
 * str() prints it (None as "", an object as "k=v,..." sorted by key).
 * Returns a new cJSON array of strings (modified UTF-8, see pyjson.h).
 */
cJSON *args_build(const cJSON *hyperparameters);

/*
 * Check that every argument can be passed to a program (no NUL, no lone
 * surrogate).  Returns 0, or -1 after log_fail() naming the
 * hyperparameter and `file`.
 */
int args_check_portable(const cJSON *args, const cJSON *hyperparameters, const char *file);

/*
 * Whether a hyperparameter's name looks secret (it holds "password",
 * "passwd", "token", "secret" or "key", in any case): its value is never
 * logged nor written to output/failure.
 */
int args_is_secret(const char *name);

/*
 * The command line as one string for the log and output/failure: the words
 * of `cmd` and then `args`, quoted for a POSIX shell, with the value of every
 * secret-looking hyperparameter shown as "****".  `args` may be NULL.
 * Returns a new string.
 */
char *args_display(char *const *cmd, const cJSON *args, const cJSON *hyperparameters);

#endif
