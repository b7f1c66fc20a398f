/* s3.c - placeholder until the S3 download lands. */
#include "s3.h"

#include "log.h"
#include "smshim.h"

int s3_open(struct extract_source *src, const char *url, const char *hp_region)
{
	(void)hp_region;
	src->name = url;
	src->retryable = 0;
	return log_fail(SMSHIM_EXIT_UNAVAILABLE, "%s: S3 downloads are not implemented yet", url);
}

void s3_close(struct extract_source *src)
{
	(void)src;
}

int s3_retry_wait(int attempt)
{
	(void)attempt;
	return 0;
}
