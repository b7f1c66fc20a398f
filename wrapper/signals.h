/*
 * signals.h - smshim receives signals synchronously, never in handlers.
 *
 * At start the signals smshim cares about are blocked; the supervisor then
 * reads them from a signalfd, and long steps before any child exists
 * (fetching code, waiting for hosts) poll signals_stop_requested().
 */
#ifndef SMSHIM_SIGNALS_H
#define SMSHIM_SIGNALS_H

#include <signal.h>

/*
 * Block every signal smshim forwards or acts on (all but the synchronous
 * ones: SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS), and
 * ignore SIGTTIN/SIGTTOU so that smshim never stops on a terminal.  Call
 * once, before any child or thread exists.  Returns 0, or -1 after
 * log_fail().
 */
int signals_block(void);

/* The blocked set (for a signalfd). */
const sigset_t *signals_blocked(void);

/*
 * The signal state for a child, between fork and exec: nothing blocked
 * (every signal smshim passes on must reach it), SIGTTIN and SIGTTOU as
 * smshim found them, other dispositions inherited as they are.
 */
void signals_restore_in_child(void);

/*
 * A stop signal (SIGTERM, SIGINT, SIGHUP, SIGQUIT) that arrived while no
 * child runs: returns its number, or 0.  Never waits.  Once one has been
 * seen, every later call returns it too.
 */
int signals_stop_requested(void);

/*
 * Wait up to `ms` milliseconds unless a stop signal arrives.  Returns 0
 * after the full wait, or the stop signal's number.
 */
int signals_sleep_ms(long ms);

/*
 * Report that stop signal `sig` ended what smshim was doing ("stopped by
 * SIGTERM while <doing> <what>") and return -1: log_fail() with 128 + sig,
 * the status a shell gives a command a signal ended.
 */
int signals_stopped(int sig, const char *doing, const char *what);

#endif
