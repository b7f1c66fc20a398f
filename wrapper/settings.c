/* settings.c - every SMSHIM_* variable, read and checked once. */
#include "settings.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "smshim.h"

int settings_parse_count(const char *text, long long *out)
{
	if (text[0] < '0' || text[0] > '9')
		return -1;
	char *end;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

/* An optional count: -1 when unset.  Returns 0 or -1 after log_fail(). */
static int count(const char *var, long long unset, long long *out)
{
	const char *v = getenv(var);
	*out = unset;
	if (v && settings_parse_count(v, out) < 0)
		return log_fail(SMSHIM_EXIT_USAGE, "%s=%s: expected a whole number >= 0", var, v);
	return 0;
}

static int log_level(const char *v)
{
	static const struct {
		const char *name;
		int level;
	} names[] = {{"debug", LOG_DEBUG}, {"info", LOG_INFO}, {"warning", LOG_WARNING},
		     {"warn", LOG_WARNING}, {"error", LOG_ERROR}, {"critical", 50}};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcasecmp(v, names[i].name) == 0)
			return names[i].level;
	long long n;
	return settings_parse_count(v, &n) == 0 && n <= 100 ? (int)n : -1;
}

int settings_load(struct settings *s)
{
	long long bytes, files;
	memset(s, 0, sizeof *s);
	if (count(SMSHIM_ENV_NUM_CPUS, -1, &s->num_cpus) < 0 ||
	    count(SMSHIM_ENV_NUM_GPUS, -1, &s->num_gpus) < 0 ||
	    count(SMSHIM_ENV_NUM_NEURONS, -1, &s->num_neurons) < 0 ||
	    count(SMSHIM_ENV_STOP_TIMEOUT, SETTINGS_STOP_TIMEOUT_DEFAULT, &s->stop_timeout_s) < 0 ||
	    count(SMSHIM_ENV_DNS_TIMEOUT, SETTINGS_DNS_TIMEOUT_DEFAULT, &s->dns_timeout_s) < 0 ||
	    count(SMSHIM_ENV_CODE_MAX_BYTES, (long long)SMSHIM_CODE_MAX_BYTES_DEFAULT, &bytes) < 0 ||
	    count(SMSHIM_ENV_CODE_MAX_FILES, (long long)SMSHIM_CODE_MAX_FILES_DEFAULT, &files) < 0)
		return -1;
	s->code_max_bytes = (unsigned long long)bytes;
	s->code_max_files = (unsigned long long)files;

	const char *v = getenv(SMSHIM_ENV_PYTHON);
	s->python = v && v[0] ? v : "python3";

	s->log_level = -1;
	if ((v = getenv(SMSHIM_ENV_LOG_LEVEL)) && (s->log_level = log_level(v)) < 0)
		return log_fail(SMSHIM_EXIT_USAGE,
				"%s=%s: expected debug, info, warning, error or a number", SMSHIM_ENV_LOG_LEVEL, v);

	v = getenv(SMSHIM_ENV_SKIP_DNS_WAIT);
	if (v && strcmp(v, "1") != 0 && strcmp(v, "0") != 0 && v[0])
		return log_fail(SMSHIM_EXIT_USAGE, "%s=%s: expected 1 or 0", SMSHIM_ENV_SKIP_DNS_WAIT, v);
	s->skip_dns_wait = v && strcmp(v, "1") == 0;
	/* the toolkit's own switch, for SageMaker Studio's local mode */
	v = getenv("SM_STUDIO_LOCAL_MODE");
	if (v && strcasecmp(v, "true") == 0)
		s->skip_dns_wait = 1;

	v = getenv(SMSHIM_ENV_TRAIN_ARG);
	if (v && strcmp(v, "keep") != 0 && strcmp(v, "drop") != 0)
		return log_fail(SMSHIM_EXIT_USAGE, "%s=%s: expected drop or keep", SMSHIM_ENV_TRAIN_ARG, v);
	s->keep_train_arg = v && strcmp(v, "keep") == 0;
	return 0;
}
