/*
 * awscreds.h - AWS credentials, found where the AWS SDKs find them.
 *
 * The order is the SDKs' (botocore's credential chain, without the
 * profile files): the environment (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); the container credentials
 * endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI on 169.254.170.2, or
 * AWS_CONTAINER_CREDENTIALS_FULL_URI with AWS_CONTAINER_AUTHORIZATION_TOKEN
 * or _TOKEN_FILE), which is what SageMaker gives a training container; then
 * EC2 instance metadata (IMDSv2: a token first).  docs/s3.md has the
 * details.  Nothing here ever logs a secret, a token or an endpoint's
 * answer.
 */
#ifndef SMSHIM_AWSCREDS_H
#define SMSHIM_AWSCREDS_H

#include <stddef.h>

struct aws_credentials {
	char *access_key_id;
	char *secret_access_key;
	char *session_token;  /* NULL when there is none */
	long long expiration; /* seconds since the epoch (UTC); 0: never */
	const char *source;   /* where they came from, for messages */
};

/*
 * Credentials expiring within this many seconds are fetched again before
 * they are used (botocore refreshes 10 to 15 minutes ahead; one try here
 * lasts at most a few minutes before its signature is checked).
 */
#define AWSCREDS_REFRESH_S 300

/*
 * Parse the JSON answer of a credential endpoint (container or instance
 * metadata): {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"},
 * and "Code" when present must be "Success".  `json` need not be
 * NUL-terminated.  Pure: no I/O, no logging, safe on any input.
 * Returns 0 with *out filled (release it with awscreds_free()), or -1 with
 * *why pointing at a static reason and *out untouched.
 */
int awscreds_parse(const char *json, size_t len, struct aws_credentials *out, const char **why);

/*
 * An ISO 8601 UTC time as the endpoints write it ("2024-05-01T12:34:56Z",
 * with or without fractional seconds, "Z" or an offset) in seconds since
 * the epoch.  Returns 0 with *out set, or -1.
 */
int awscreds_parse_time(const char *text, long long *out);

/*
 * The credentials to sign with now.  Found once and kept; fetched again
 * when they expire within AWSCREDS_REFRESH_S seconds or after
 * awscreds_forget().  Returns them (owned here, valid until the next call),
 * or NULL after log_fail(SMSHIM_EXIT_UNAVAILABLE), with *retryable set
 * when another try may succeed (an endpoint that did not answer or
 * answered 5xx).
 */
const struct aws_credentials *awscreds_get(int *retryable);

/* Drop the kept credentials: the server said they have expired. */
void awscreds_forget(void);

/* Release what awscreds_parse() filled (the secrets are wiped first). */
void awscreds_free(struct aws_credentials *c);

#endif
