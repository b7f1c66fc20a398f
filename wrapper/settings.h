/*
 * settings.h - smshim's own tunables: every SMSHIM_* variable, read and
 * checked once at start (tini's parse_env), so that a typo fails the job
 * before anything runs instead of halfway.
 */
#ifndef SMSHIM_SETTINGS_H
#define SMSHIM_SETTINGS_H

struct settings {
	long long num_cpus;    /* SMSHIM_NUM_CPUS, or -1: detect */
	long long num_gpus;    /* SMSHIM_NUM_GPUS, or -1: detect */
	long long num_neurons; /* SMSHIM_NUM_NEURONS, or -1: detect */
	const char *python;    /* SMSHIM_PYTHON, default "python3" (on PATH) */
	long long stop_timeout_s; /* SMSHIM_STOP_TIMEOUT: SIGTERM to SIGKILL, default 110 */
	int log_level;         /* SMSHIM_LOG_LEVEL as a Python level, or -1: the job's */
	int skip_dns_wait;     /* SMSHIM_SKIP_DNS_WAIT=1, or SM_STUDIO_LOCAL_MODE=true */
	long long dns_timeout_s; /* SMSHIM_DNS_TIMEOUT, default 900 (the toolkit's 15 min) */
	unsigned long long code_max_bytes; /* SMSHIM_CODE_MAX_BYTES */
	unsigned long long code_max_files; /* SMSHIM_CODE_MAX_FILES */
	int keep_train_arg;    /* SMSHIM_TRAIN_ARG=keep (default drop) */
};

/* SageMaker gives a stopped job 120 s between SIGTERM and SIGKILL. */
#define SETTINGS_STOP_TIMEOUT_DEFAULT 110
#define SETTINGS_DNS_TIMEOUT_DEFAULT 900

/*
 * Read every setting from the environment.  Returns 0, or -1 after
 * log_fail(SMSHIM_EXIT_USAGE) naming the variable and what it should be.
 */
int settings_load(struct settings *s);

/* A non-negative decimal count.  Returns 0 with *out set, or -1. */
int settings_parse_count(const char *text, long long *out);

#endif
