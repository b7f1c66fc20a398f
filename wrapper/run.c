/* run.c - start the user's command: argv, size checks, exec. */
#include "run.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "smshim.h"

/* Linux refuses a single argument or variable longer than this (MAX_ARG_STRLEN). */
#define MAX_ARG_STRLEN (32 * 4096)

char **run_argv(char *const *cmd, const cJSON *args)
{
	size_t n = 0, m = (size_t)cJSON_GetArraySize(args);
	while (cmd[n])
		n++;
	char **argv = xcalloc(n + m + 1, sizeof *argv);
	for (size_t i = 0; i < n; i++)
		argv[i] = cmd[i];
	for (const cJSON *a = args->child; a; a = a->next)
		argv[n++] = a->valuestring;
	return argv;
}

int run_check_size(char *const *argv, char *const *envp)
{
	char *const *lists[] = {argv, envp};
	size_t total = 0, biggest = 0;
	const char *worst = NULL;
	for (int l = 0; l < 2; l++) {
		for (size_t i = 0; lists[l][i]; i++) {
			size_t len = strlen(lists[l][i]) + 1;
			total += len + sizeof(char *);
			if (len > biggest) {
				biggest = len;
				worst = lists[l][i];
			}
		}
	}
	long arg_max = sysconf(_SC_ARG_MAX);
	if (biggest <= MAX_ARG_STRLEN && (arg_max <= 0 || total <= (size_t)arg_max))
		return 0;
	size_t shown = strcspn(worst, "=");
	if (shown > 64)
		shown = 64;
	return log_fail(SMSHIM_EXIT_DATA,
			"the command line and environment are too large to start a program: %.*s... "
			"is %zu KiB (Linux takes at most %d KiB for one, and %ld KiB in all; "
			"these are %zu KiB)",
			(int)shown, worst, biggest / 1024, MAX_ARG_STRLEN / 1024,
			arg_max > 0 ? arg_max / 1024 : 0L, total / 1024);
}

int run_exec_status(int err)
{
	return err == ENOENT || err == ENOTDIR ? SMSHIM_EXIT_NOTFOUND : SMSHIM_EXIT_NOEXEC;
}

int run_exec(char *const *argv, char *const *envp)
{
	execvpe(argv[0], argv, envp);
	int e = errno;
	if (e == E2BIG)
		return log_fail(SMSHIM_EXIT_DATA, "cannot start %s: %s", argv[0], strerror(e));
	return log_fail(run_exec_status(e), "cannot start %s: %s", argv[0], strerror(e));
}
