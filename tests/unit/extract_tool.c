/*
 * extract_tool.c - unpack an archive as smshim unpacks the user's code, for
 * tests/extract.bats:
 *
 *   extract_tool ARCHIVE DEST_DIR
 *
 * DEST_DIR must exist.  SMSHIM_CODE_MAX_BYTES and SMSHIM_CODE_MAX_FILES
 * (plain decimal numbers) set the limits; unset or 0 means the default.
 * Exits 0, or with the code smshim would exit with.
 */
#include <stdio.h>
#include <stdlib.h>

#include "extract.h"
#include "log.h"
#include "pyjson.h"
#include "signals.h"
#include "smshim.h"

static unsigned long long env_limit(const char *name)
{
	const char *v = getenv(name);
	return v ? strtoull(v, NULL, 10) : 0;
}

int main(int argc, char **argv)
{
	pyjson_init();
	if (argc != 3) {
		fputs("usage: extract_tool ARCHIVE DEST_DIR\n", stderr);
		return SMSHIM_EXIT_USAGE;
	}
	/* as smshim does: a stop signal is only seen while it is blocked */
	if (signals_block() < 0)
		return log_failure_code();
	struct extract_limits limits = {env_limit(SMSHIM_ENV_CODE_MAX_BYTES),
					env_limit(SMSHIM_ENV_CODE_MAX_FILES)};
	struct extract_source src;
	if (extract_file_open(&src, argv[1]) < 0)
		return log_failure_code();
	int rc = extract_archive(&src, argv[2], &limits);
	extract_file_close(&src);
	return rc < 0 ? log_failure_code() : 0;
}
