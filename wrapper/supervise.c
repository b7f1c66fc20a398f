/*
 * supervise.c - tini's supervision loop (wait_and_forward_signal,
 * reap_zombies) with a stderr relay: one poll() over a signalfd and the
 * child's stderr pipe, no work in signal handlers.
 */
#include "supervise.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "signals.h"
#include "smshim.h"

/* A bigger pipe means fewer wake-ups when the child writes a lot to stderr. */
#define RELAY_PIPE_BYTES (1 << 20)
#define RELAY_CHUNK (1 << 16)

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int supervise_exec_status(int err)
{
	return err == ENOENT ? SMSHIM_EXIT_NOTFOUND : SMSHIM_EXIT_NOEXEC;
}

/* The child side, between fork and exec: only async-signal-safe calls. */
static void child(const struct child_spec *spec, int err_fd, int relay_fd)
{
	/* tini isolate_child: own group, and the terminal if there is one */
	setpgid(0, 0);
	if (isatty(STDIN_FILENO))
		tcsetpgrp(STDIN_FILENO, getpgrp());
	signals_restore_in_child();
	if (relay_fd >= 0 && dup2(relay_fd, STDERR_FILENO) < 0)
		_exit(SMSHIM_EXIT_OSERR);
	if (spec->cwd && chdir(spec->cwd) < 0) {
		int e = errno;
		if (write(err_fd, &e, sizeof e) < 0) {
			/* the parent will see an exit status without a reason */
		}
		_exit(SMSHIM_EXIT_NOTFOUND);
	}
	execvpe(spec->argv[0], spec->argv, spec->envp);
	int e = errno;
	if (write(err_fd, &e, sizeof e) < 0) {
		/* as above */
	}
	_exit(supervise_exec_status(e));
}

/* The tail is text: a NUL byte of the child's would end it early. */
static void no_nul(char *p, size_t n)
{
	for (char *z = memchr(p, '\0', n); z; z = memchr(z, '\0', n - (size_t)(z - p)))
		*z = '?';
}

static void keep_tail(struct child_result *r, size_t *len, const char *data, size_t n)
{
	if (n >= SUPERVISE_TAIL_BYTES) {
		memcpy(r->tail, data + n - SUPERVISE_TAIL_BYTES, SUPERVISE_TAIL_BYTES);
		*len = SUPERVISE_TAIL_BYTES;
	} else {
		size_t keep = *len + n > SUPERVISE_TAIL_BYTES ? SUPERVISE_TAIL_BYTES - n : *len;
		memmove(r->tail, r->tail + *len - keep, keep);
		memcpy(r->tail + keep, data, n);
		*len = keep + n;
	}
	no_nul(r->tail, *len);
	r->tail[*len] = '\0';
}

/*
 * Move what the pipe holds to stderr; 0 at EOF, 1 if more may come.  All
 * but the last SUPERVISE_TAIL_BYTES waiting are spliced (no copy through
 * smshim: a chatty child runs at nearly full speed); the rest is read, kept
 * as the tail, and written.  splice() refuses some targets (a terminal, a
 * file opened with O_APPEND): then everything is read and written.
 */
static int relay(int fd, struct child_result *r, size_t *tail_len, char *chunk, int *can_splice)
{
	for (;;) {
		int waiting = 0;
		if (*can_splice && ioctl(fd, FIONREAD, &waiting) == 0 && waiting > SUPERVISE_TAIL_BYTES) {
			ssize_t moved = splice(fd, NULL, STDERR_FILENO, NULL,
					       (size_t)waiting - SUPERVISE_TAIL_BYTES, SPLICE_F_MOVE);
			if (moved > 0) {
				*tail_len = 0; /* what is read next is the newest */
				r->tail[0] = '\0';
				continue;
			}
			if (moved < 0 && errno != EINTR && errno != EAGAIN)
				*can_splice = 0;
		}
		ssize_t n = read(fd, chunk, RELAY_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 1 : 0;
		if (n == 0)
			return 0;
		keep_tail(r, tail_len, chunk, (size_t)n);
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(STDERR_FILENO, chunk + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break; /* stderr is gone: keep the tail, drop the rest */
			off += w;
		}
		if (n < RELAY_CHUNK)
			return 1;
	}
}

/*
 * When smshim's stderr is a regular file (a log file), the child writes to
 * it directly: nothing to copy, and its lines stay in order with stdout's
 * when both go to the same file.  The tail is then read back from the file,
 * from where it ended when the child started.
 */
static void tail_from_file(off_t from, struct child_result *r)
{
	int fd = open("/proc/self/fd/2", O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		log_debug("cannot read back the end of stderr: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	off_t start = st.st_size - SUPERVISE_TAIL_BYTES > from ? st.st_size - SUPERVISE_TAIL_BYTES : from;
	ssize_t n = start < st.st_size ? pread(fd, r->tail, (size_t)(st.st_size - start), start) : 0;
	no_nul(r->tail, n > 0 ? (size_t)n : 0);
	r->tail[n > 0 ? n : 0] = '\0';
	close(fd);
	/* smshim's own lines in the same file are not the child's */
	char *out = r->tail;
	for (char *line = r->tail; *line;) {
		char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) + 1 : strlen(line);
		const char *own = strstr(line, "Z " SMSHIM_LOG_PREFIX " ");
		if (!(own && own - line == 23 && line[4] == '-' && line[10] == 'T')) {
			memmove(out, line, len);
			out += len;
		}
		line += len;
	}
	*out = '\0';
}

static void forward(pid_t pid, int sig)
{
	/* tini -g: the whole group, so that the child's own children hear it */
	if (kill(-pid, sig) < 0 && errno == ESRCH)
		kill(pid, sig);
}

/* tini reap_zombies: collect every child that has ended, ours or orphans. */
static void reap(pid_t pid, int *done, int *status)
{
	for (;;) {
		int st;
		pid_t p = waitpid(-1, &st, WNOHANG);
		if (p <= 0)
			return;
		if (p == pid) {
			*done = 1;
			*status = st;
		} else {
			log_debug("reaped an orphan, pid %ld", (long)p);
		}
	}
}

int supervise_run(const struct child_spec *spec, const struct settings *s,
		  struct child_result *r)
{
	memset(r, 0, sizeof *r);
	/* orphans of the child must come back to us to be reaped (PID 1 gets them anyway) */
	if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		log_debug("cannot become a subreaper: %s", strerror(errno));

	int sfd = signalfd(-1, signals_blocked(), SFD_CLOEXEC | SFD_NONBLOCK);
	int err_pipe[2], relay_pipe[2];
	if (sfd < 0)
		return log_fail(SMSHIM_EXIT_OSERR, "cannot receive signals: %s", strerror(errno));
	if (pipe2(err_pipe, O_CLOEXEC) < 0 || pipe2(relay_pipe, O_CLOEXEC) < 0) {
		close(sfd);
		return log_fail(SMSHIM_EXIT_OSERR, "cannot create a pipe: %s", strerror(errno));
	}
	fcntl(relay_pipe[0], F_SETPIPE_SZ, RELAY_PIPE_BYTES);
	struct stat err_st;
	int direct = fstat(STDERR_FILENO, &err_st) == 0 && S_ISREG(err_st.st_mode);
	/* into a pipe (a log driver's), splice moves as much as that pipe holds */
	if (!direct && S_ISFIFO(err_st.st_mode))
		fcntl(STDERR_FILENO, F_SETPIPE_SZ, RELAY_PIPE_BYTES);
	double start = now_s();
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(sfd);
		close(err_pipe[0]), close(err_pipe[1]), close(relay_pipe[0]), close(relay_pipe[1]);
		return log_fail(SMSHIM_EXIT_OSERR, "cannot start %s: %s", spec->what, strerror(e));
	}
	if (pid == 0)
		child(spec, err_pipe[1], direct ? -1 : relay_pipe[1]);
	setpgid(pid, pid); /* both sides, so that no signal finds the group missing */
	close(err_pipe[1]);
	close(relay_pipe[1]);
	fcntl(relay_pipe[0], F_SETFL, O_NONBLOCK);

	/* exec succeeded when the close-on-exec pipe closes without a word */
	int e = 0;
	ssize_t got;
	while ((got = read(err_pipe[0], &e, sizeof e)) < 0 && errno == EINTR)
		;
	close(err_pipe[0]);
	if (got == (ssize_t)sizeof e)
		r->exec_errno = e;

	char *chunk = direct ? NULL : malloc(RELAY_CHUNK);
	int relay_fd = chunk ? relay_pipe[0] : -1, done = 0, status = 0;
	if (!chunk)
		close(relay_pipe[0]);
	size_t tail_len = 0;
	int can_splice = 1;
	double kill_at = 0;
	while (!done) {
		struct pollfd fds[2] = {{sfd, POLLIN, 0}, {relay_fd, POLLIN, 0}};
		int timeout = -1;
		/* once SIGKILL is sent there is nothing left to time: wait for the reaping */
		if (kill_at > 0 && !r->killed_after_grace) {
			double left = kill_at - now_s();
			timeout = left > 0 ? (int)(left * 1000) + 1 : 0;
		}
		int n = poll(fds, relay_fd >= 0 ? 2 : 1, timeout);
		if (n < 0 && errno != EINTR) {
			log_warn("poll: %s", strerror(errno));
			break;
		}
		if (kill_at > 0 && now_s() >= kill_at && !r->killed_after_grace) {
			log_warn("%s did not stop within %lld s of SIGTERM: killing it (%s)", spec->what,
				 s->stop_timeout_s, SMSHIM_ENV_STOP_TIMEOUT);
			forward(pid, SIGKILL);
			r->killed_after_grace = 1;
		}
		if (n > 0 && relay_fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
			if (!relay(relay_fd, r, &tail_len, chunk, &can_splice)) {
				close(relay_fd);
				relay_fd = -1;
			}
		}
		if (n > 0 && (fds[0].revents & POLLIN)) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
				int sig = (int)si.ssi_signo;
				if (sig == SIGCHLD)
					continue;
				log_info("received SIG%s: passing it on to %s", sigabbrev_np(sig), spec->what);
				forward(pid, sig);
				if (sig == SIGTERM && kill_at == 0)
					kill_at = now_s() + (double)s->stop_timeout_s;
			}
			reap(pid, &done, &status);
		}
		if (!done)
			reap(pid, &done, &status); /* a SIGCHLD may have been merged with another */
	}
	/* what the child wrote just before it ended; grandchildren are not waited for */
	if (relay_fd >= 0) {
		relay(relay_fd, r, &tail_len, chunk, &can_splice);
		close(relay_fd);
	}
	free(chunk);
	close(sfd);
	if (direct)
		tail_from_file(err_st.st_size, r);
	r->seconds = now_s() - start;
	if (r->exec_errno) {
		r->status = supervise_exec_status(r->exec_errno);
	} else if (WIFSIGNALED(status)) {
		r->signal = WTERMSIG(status);
		r->status = 128 + r->signal;
	} else {
		r->status = WEXITSTATUS(status);
	}
	return 0;
}
