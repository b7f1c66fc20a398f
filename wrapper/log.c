/* log.c - timestamped lines on stderr, and the last failure remembered. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "smshim.h"

static int min_level = LOG_INFO;
static char *failure_text;
static int failure_code;

void log_set_level(int level)
{
	min_level = level;
}

int log_get_level(void)
{
	return min_level;
}

static const char *level_name(enum log_level level)
{
	switch (level) {
	case LOG_DEBUG: return "DEBUG";
	case LOG_INFO: return "INFO";
	case LOG_WARNING: return "WARNING";
	default: return "ERROR";
	}
}

static void vlog(enum log_level level, const char *fmt, va_list ap)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	struct buf line = {0};
	buf_addf(&line, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ " SMSHIM_LOG_PREFIX " %s ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		 tm.tm_sec, ts.tv_nsec / 1000000, level_name(level));
	buf_vaddf(&line, fmt, ap);
	/* one event, one line: a newline inside the text would split it */
	for (size_t i = 0; i < line.len; i++)
		if (line.data[i] == '\n' || line.data[i] == '\r')
			line.data[i] = ' ';
	buf_addc(&line, '\n');
	/* a single write keeps lines whole when the child shares stderr */
	size_t off = 0;
	while (off < line.len) {
		ssize_t n = write(STDERR_FILENO, line.data + off, line.len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	buf_free(&line);
}

static void log_line(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void log_line(enum log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	if ((int)level < min_level)
		return;
	va_list ap;
	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

int log_fail(int code, const char *fmt, ...)
{
	va_list ap;
	struct buf text = {0};
	va_start(ap, fmt);
	buf_vaddf(&text, fmt, ap);
	va_end(ap);
	free(failure_text);
	failure_text = buf_detach(&text);
	failure_code = code;
	if (min_level != LOG_OFF)
		log_line(LOG_ERROR, "%s", failure_text); /* failures show at every level */
	return -1;
}

const char *log_failure_text(void)
{
	return failure_text ? failure_text : "";
}

int log_failure_code(void)
{
	return failure_code;
}
