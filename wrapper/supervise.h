/*
 * supervise.h - run one child the way a good PID 1 does (tini): its own
 * process group, signals forwarded to that group, SIGKILL after a grace
 * period once asked to stop, every zombie reaped, its stderr relayed
 * unchanged while the last bytes are kept for output/failure (or, when
 * smshim's stderr is a regular file, written there directly and the last
 * bytes read back).
 */
#ifndef SMSHIM_SUPERVISE_H
#define SMSHIM_SUPERVISE_H

#include "settings.h"

/* How much of the child's stderr is kept for the failure message. */
#define SUPERVISE_TAIL_BYTES 4096

struct child_spec {
	char *const *argv; /* argv[0] is searched on PATH */
	char *const *envp;
	const char *cwd;   /* or NULL: smshim's own */
	const char *what;  /* how the log names it: "train.py", "pip" */
};

struct child_result {
	int status;           /* shell-style: the exit code, 128+N, 126 or 127 */
	int signal;           /* the signal that ended it, or 0 */
	int exec_errno;       /* why it could not be started, or 0 */
	int killed_after_grace; /* smshim sent SIGKILL when the grace period ran out */
	char tail[SUPERVISE_TAIL_BYTES + 1]; /* the end of its stderr, NUL-terminated */
	double seconds;       /* how long it ran */
};

/*
 * The shell's exit status for a command that could not be started, from
 * execve()'s errno: 127 when it does not exist (ENOENT), else 126 (as bash).
 */
int supervise_exec_status(int err);

/*
 * Start the child and supervise it until it ends.  Signals must have been
 * blocked with signals_block().  Returns 0 when the child was started or
 * could not be executed (see result->exec_errno), -1 after log_fail() when
 * smshim itself failed (no fork, no pipe).
 */
int supervise_run(const struct child_spec *spec, const struct settings *s,
		  struct child_result *result);

#endif
