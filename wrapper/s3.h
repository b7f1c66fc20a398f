/*
 * s3.h - read an object from S3 (or an S3-compatible server) as a stream,
 * signed with SigV4 by libcurl.
 */
#ifndef SMSHIM_S3_H
#define SMSHIM_S3_H

#include "extract.h"

/*
 * How many times a download is tried before giving up (docs/s3.md): the
 * first try and four more, waiting up to 1, 2, 4 and 8 s between them.
 */
#define S3_MAX_ATTEMPTS 5

/*
 * Start reading s3://bucket/key (`url`).  `hp_region` is the job's
 * sagemaker_region hyperparameter or NULL; the region is $AWS_REGION,
 * else $AWS_DEFAULT_REGION, else hp_region, else us-east-1.  Credentials
 * and endpoint come from the environment as the AWS SDKs find them
 * (docs/s3.md).  Returns once S3 has answered the request's headers;
 * fills `src` for extract_archive(), whose reads then stream the body
 * (src->read fails the same ways, a body cut short included).  Returns 0,
 * or -1 after log_fail() (SMSHIM_EXIT_UNAVAILABLE, with src->retryable set
 * when another try may succeed; 128+N after a stop signal N).  s3_close()
 * releases everything, whatever happened.
 */
int s3_open(struct extract_source *src, const char *url, const char *hp_region);
void s3_close(struct extract_source *src);

/*
 * Wait before try number `attempt` (2, 3, ...): exponential backoff with
 * jitter.  Returns 0, or the stop signal that cut the wait short.
 */
int s3_retry_wait(int attempt);

/*
 * The http(s) URL s3_open() would GET for `url`, with the same region and
 * endpoint (for tests and messages).  Returns a new string, or NULL after
 * log_fail().
 */
char *s3_http_url(const char *url, const char *hp_region);

#endif
