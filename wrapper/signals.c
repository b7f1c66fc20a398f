/* signals.c - block signals at start, take them synchronously. */
#include "signals.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "smshim.h"

static sigset_t blocked, original;
static struct sigaction ttin, ttou;
static int stop_signal;

int signals_block(void)
{
	static const int synchronous[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS};
	sigfillset(&blocked);
	for (size_t i = 0; i < sizeof synchronous / sizeof synchronous[0]; i++)
		sigdelset(&blocked, synchronous[i]);
	if (sigprocmask(SIG_SETMASK, &blocked, &original) < 0)
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
	sigprocmask(SIG_SETMASK, &original, NULL);
}

static int is_stop(int sig)
{
	return sig == SIGTERM || sig == SIGINT || sig == SIGHUP || sig == SIGQUIT;
}

int signals_stop_requested(void)
{
	if (stop_signal)
		return stop_signal;
	sigset_t stops;
	sigemptyset(&stops);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGHUP);
	sigaddset(&stops, SIGQUIT);
	struct timespec zero = {0, 0};
	int sig = sigtimedwait(&stops, NULL, &zero);
	if (sig > 0 && is_stop(sig)) {
		stop_signal = sig;
		log_warn("received SIG%s: stopping", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
	}
	return stop_signal;
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
	sigset_t stops;
	sigemptyset(&stops);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGHUP);
	sigaddset(&stops, SIGQUIT);
	for (;;) {
		if (signals_stop_requested())
			return stop_signal;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left_ms = (long)(end.tv_sec - now.tv_sec) * 1000 + (end.tv_nsec - now.tv_nsec) / 1000000L;
		if (left_ms <= 0)
			return 0;
		struct timespec wait = {left_ms / 1000, (left_ms % 1000) * 1000000L};
		int sig = sigtimedwait(&stops, NULL, &wait);
		if (sig > 0 && is_stop(sig)) {
			stop_signal = sig;
			log_warn("received SIG%s: stopping", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
			return sig;
		}
	}
}
