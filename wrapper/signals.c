/* signals.c - block signals at start, take them synchronously. */
#include "signals.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "smshim.h"

static sigset_t blocked;
static struct sigaction ttin, ttou;
static int stop_signal;

int signals_block(void)
{
	static const int synchronous[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS};
	sigfillset(&blocked);
	for (size_t i = 0; i < sizeof synchronous / sizeof synchronous[0]; i++)
		sigdelset(&blocked, synchronous[i]);
	if (sigprocmask(SIG_SETMASK, &blocked, NULL) < 0)
		return log_fail(SMSHIM_EXIT_OSERR, "cannot block signals: %s", strerror(errno));
	/* tini: the child may own the terminal; writing to it must not stop smshim */
	struct sigaction ign;
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	if (sigaction(SIGTTIN, &ign, &ttin) < 0 || sigaction(SIGTTOU, &ign, &ttou) < 0)
		return log_fail(SMSHIM_EXIT_OSERR, "cannot ignore SIGTTIN/SIGTTOU: %s", strerror(errno));
	return 0;
}

const sigset_t *signals_blocked(void)
{
	return &blocked;
}

void signals_restore_in_child(void)
{
	sigaction(SIGTTIN, &ttin, NULL);
	sigaction(SIGTTOU, &ttou, NULL);
	/*
	 * Not the mask smshim inherited but an empty one: smshim passes every
	 * signal on to the command, which must be able to receive them even
	 * when whatever started smshim had them blocked (as PID 1 of a
	 * container, the two are the same: nothing is blocked).  Ignored
	 * signals stay ignored: that is a choice, a blocked mask an accident.
	 */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/*
 * Wait up to `wait` for a stop signal (SIGTERM, SIGINT, SIGHUP, SIGQUIT)
 * and remember the first one.  Returns it, or 0.
 */
static int take_stop(const struct timespec *wait)
{
	if (stop_signal)
		return stop_signal;
	sigset_t stops;
	sigemptyset(&stops);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGHUP);
	sigaddset(&stops, SIGQUIT);
	int sig = sigtimedwait(&stops, NULL, wait);
	if (sig > 0) {
		stop_signal = sig;
		log_warn("received SIG%s: stopping", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
	}
	return stop_signal;
}

int signals_stop_requested(void)
{
	static const struct timespec zero = {0, 0};
	return take_stop(&zero);
}

int signals_stopped(int sig, const char *doing, const char *what)
{
	return log_fail(128 + sig, "stopped by SIG%s while %s %s", sigabbrev_np(sig), doing, what);
}

int signals_sleep_ms(long ms)
{
	struct timespec now, end;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += ms / 1000;
	end.tv_nsec += (ms % 1000) * 1000000L;
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left_ms = (long)(end.tv_sec - now.tv_sec) * 1000 + (end.tv_nsec - now.tv_nsec) / 1000000L;
		if (left_ms <= 0)
			return signals_stop_requested();
		struct timespec wait = {left_ms / 1000, (left_ms % 1000) * 1000000L};
		if (take_stop(&wait))
			return stop_signal;
	}
}
