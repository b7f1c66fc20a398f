/*
 * fetch_tool.c - drive code_fetch() and the S3 reader from the command
 * line, for tests/s3.bats and bench/s3.sh:
 *
 *   fetch_tool BASE_DIR SOURCE [REGION]   code_fetch() into BASE_DIR/code, as a job would
 *   fetch_tool --cat SOURCE [REGION]      one try of the S3 stream, its bytes to stdout
 *   fetch_tool --url SOURCE [REGION]      the URL that would be fetched
 *   fetch_tool --parse-creds              awscreds_parse() of stdin: what it found, no secret
 *
 * Exit status: 0, or the code smshim would end with (log_failure_code()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "awscreds.h"
#include "buf.h"
#include "code.h"
#include "config.h"
#include "extract.h"
#include "log.h"
#include "pyjson.h"
#include "s3.h"
#include "settings.h"
#include "signals.h"
#include "smshim.h"

static int failed(void)
{
	return log_failure_code() ? log_failure_code() : 1;
}

static int cat(const char *url, const char *region)
{
	struct extract_source src = {0};
	int rc = s3_open(&src, url, region);
	while (rc == 0) {
		const void *block;
		ssize_t n = src.read(src.ctx, &block);
		if (n <= 0) {
			rc = (int)n;
			break;
		}
		if (fwrite(block, 1, (size_t)n, stdout) != (size_t)n) {
			rc = log_fail(SMSHIM_EXIT_CANTCREAT, "cannot write to stdout");
			break;
		}
	}
	s3_close(&src);
	if (fflush(stdout) != 0 && rc == 0)
		rc = log_fail(SMSHIM_EXIT_CANTCREAT, "cannot write to stdout");
	return rc;
}

static int parse_creds(void)
{
	struct buf in = {0};
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		buf_add(&in, chunk, n);
	struct aws_credentials c;
	const char *why;
	int rc = awscreds_parse(in.data ? in.data : "", in.len, &c, &why);
	if (rc == 0) {
		printf("key=%s token=%s expiration=%lld\n", c.access_key_id, c.session_token ? "yes" : "no",
		       c.expiration);
		awscreds_free(&c);
	} else {
		printf("error: %s\n", why);
	}
	buf_free(&in);
	return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	pyjson_init();
	if (argc == 2 && strcmp(argv[1], "--parse-creds") == 0)
		return parse_creds();
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: fetch_tool BASE_DIR|--cat|--url SOURCE [REGION]\n");
		return SMSHIM_EXIT_USAGE;
	}
	const char *region = argc > 3 ? argv[3] : NULL;
	struct settings settings;
	if (signals_block() < 0 || settings_load(&settings) < 0)
		return failed();
	if (settings.log_level >= 0)
		log_set_level(settings.log_level);
	if (strcmp(argv[1], "--url") == 0) {
		char *url = s3_http_url(argv[2], region);
		if (!url)
			return failed();
		printf("%s\n", url);
		free(url);
		return 0;
	}
	if (strcmp(argv[1], "--cat") == 0)
		return cat(argv[2], region) == 0 ? 0 : failed();
	struct job job;
	memset(&job, 0, sizeof job);
	int rc = config_load(&job, argv[1]);
	if (rc == 0)
		rc = code_fetch(&job, argv[2], region, &settings);
	job_free(&job);
	return rc == 0 ? 0 : failed();
}
