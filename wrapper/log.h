/*
 * log.h - one line per event on stderr: "<UTC time> smshim <LEVEL> <text>".
 *
 * The levels are Python's logging levels, because the job chooses them with
 * the hyperparameter sagemaker_container_log_level.  The last failure
 * reported is kept, so that output/failure can say the same thing.
 */
#ifndef SMSHIM_LOG_H
#define SMSHIM_LOG_H

enum log_level {
	LOG_DEBUG = 10,
	LOG_INFO = 20,
	LOG_WARNING = 30,
	LOG_ERROR = 40,
	LOG_OFF = 1000, /* nothing at all, failures included (fuzzers) */
};

/* Lines below `level` are not written. */
void log_set_level(int level);
int log_get_level(void);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)

/*
 * Report a failure once: log it at ERROR and remember the text and the exit
 * code smshim should end with.  Returns -1, for "return log_fail(...)".
 */
int log_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The last failure's text (without time or level) and code; "" and 0 if none. */
const char *log_failure_text(void);
int log_failure_code(void);

#endif
