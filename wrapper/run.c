/* run.c - start the user's command: argv, size checks, exec. */
#include "run.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "failure.h"
#include "log.h"
#include "smshim.h"
#include "supervise.h"

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

int run_exec(char *const *argv, char *const *envp)
{
	execvpe(argv[0], argv, envp);
	int e = errno;
	if (e == E2BIG)
		return log_fail(SMSHIM_EXIT_DATA, "cannot start %s: %s", argv[0], strerror(e));
	return log_fail(supervise_exec_status(e), "cannot start %s: %s", argv[0], strerror(e));
}

int run_supervised(const struct job *job, const struct settings *s, char *const *argv,
		   char *const *envp, const char *cwd, const struct run_label *label,
		   int success_file)
{
	struct child_spec spec = {argv, envp, cwd, label->what};
	struct child_result r;
	log_info("running: %s", label->command);
	if (supervise_run(&spec, s, &r) < 0) {
		failure_write(job->output_dir, log_failure_text());
		return log_failure_code();
	}
	if (r.status == 0) {
		log_info("%s exited with status 0 after %.1f s", label->what, r.seconds);
		if (success_file)
			success_write(job->output_dir);
		return 0;
	}
	if (r.exec_errno)
		log_fail(r.status, "cannot start %s: %s", argv[0], strerror(r.exec_errno));
	else if (r.signal)
		log_fail(r.status, "%s was killed by SIG%s after %.1f s (exit status %d)", label->what,
			 sigabbrev_np(r.signal), r.seconds, r.status);
	else
		log_fail(r.status, "%s failed with exit status %d after %.1f s", label->what, r.status,
			 r.seconds);
	/* what SageMaker shows: the toolkit's text, with the end of stderr */
	const char *message = r.exec_errno ? log_failure_text() : r.tail;
	char *text = failure_text(label->kind, r.status, r.signal, r.killed_after_grace,
				  s->stop_timeout_s, message, label->command);
	failure_write(job->output_dir, text);
	free(text);
	return r.status;
}
