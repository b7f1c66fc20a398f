/* awscreds.c - AWS credentials, found where the AWS SDKs find them. */
#include "awscreds.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "http.h"
#include "log.h"
#include "smshim.h"

/* ------------------------------------------------------------- parsing */

/* n decimal digits at p, or -1 */
static int digits(const char *p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static long long days_from_civil(long long y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int awscreds_parse_time(const char *t, long long *out)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y = digits(t, 4), mo = -1, d = -1, h = -1, mi = -1, s = -1;
	if (y >= 0 && t[4] == '-' && (mo = digits(t + 5, 2)) >= 0 && t[7] == '-' &&
	    (d = digits(t + 8, 2)) >= 0 && (t[10] == 'T' || t[10] == 't' || t[10] == ' ') &&
	    (h = digits(t + 11, 2)) >= 0 && t[13] == ':' && (mi = digits(t + 14, 2)) >= 0 &&
	    t[16] == ':')
		s = digits(t + 17, 2);
	if (s < 0 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || s > 60)
		return -1;
	const char *p = t + 19;
	if (*p == '.' || *p == ',') /* fractional seconds: ignored */
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	long long offset = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh = digits(p + 1, 2);
		if (oh < 0 || oh > 23)
			return -1; /* before looking past the hours: the text may end there */
		const char *q = p + 3;
		if (*q == ':')
			q++;
		int om = digits(q, 2);
		if (om < 0 || om > 59)
			return -1;
		offset = (oh * 3600LL + om * 60) * (*p == '-' ? -1 : 1);
		p = q + 2;
	} else {
		return -1;
	}
	if (*p)
		return -1;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600LL + mi * 60 + s - offset;
	return 0;
}

/*
 * Every value ends up in an HTTP header or in libcurl's signing: a control
 * character (a CR LF above all) would let an endpoint's answer add headers.
 */
static int header_safe(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7F)
			return 0;
	return 1;
}

/* The string member `name`: 1 with *out set, 0 when absent or null, -1 otherwise. */
static int member(const cJSON *obj, const char *name, const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v) || !v->valuestring)
		return -1;
	*out = v->valuestring;
	return 1;
}

int awscreds_parse(const char *json, size_t len, struct aws_credentials *out, const char **why)
{
	cJSON *root = cJSON_ParseWithLength(json, len);
	const char *code = NULL, *key = NULL, *secret = NULL, *token = NULL, *expiry = NULL;
	long long expiration = 0;
	int has_token = 0, has_expiry = 0;
	*why = NULL;
	if (!root || !cJSON_IsObject(root))
		*why = "not a JSON object";
	else if (member(root, "Code", &code) < 0 || (code && strcmp(code, "Success") != 0))
		*why = "its Code is not \"Success\"";
	else if (member(root, "AccessKeyId", &key) <= 0 || !key[0] || !header_safe(key))
		*why = "no valid AccessKeyId";
	else if (member(root, "SecretAccessKey", &secret) <= 0 || !secret[0] || !header_safe(secret))
		*why = "no valid SecretAccessKey";
	else if ((has_token = member(root, "Token", &token)) < 0 ||
		 (has_token && (!token[0] || !header_safe(token))))
		*why = "Token is not a valid string";
	else if ((has_expiry = member(root, "Expiration", &expiry)) < 0 ||
		 (has_expiry && awscreds_parse_time(expiry, &expiration) < 0))
		*why = "Expiration is not an ISO 8601 time";
	if (*why) {
		cJSON_Delete(root);
		return -1;
	}
	memset(out, 0, sizeof *out);
	out->access_key_id = xstrdup(key);
	out->secret_access_key = xstrdup(secret);
	out->session_token = has_token ? xstrdup(token) : NULL;
	out->expiration = expiration;
	/* the tree holds the secret too: wipe it before it goes back to malloc */
	explicit_bzero((char *)secret, strlen(secret));
	if (has_token)
		explicit_bzero((char *)token, strlen(token));
	cJSON_Delete(root);
	return 0;
}

static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void awscreds_free(struct aws_credentials *c)
{
	free(c->access_key_id);
	wipe_free(c->secret_access_key);
	wipe_free(c->session_token);
	memset(c, 0, sizeof *c);
}

/* ------------------------------------------------------------ providers */

/*
 * What a provider found: FOUND (creds filled), NONE (not configured here:
 * try the next one), or FAILED (configured but broken: log_fail() done,
 * the chain stops there as in botocore).
 */
enum found { FOUND, NONE, FAILED };

#define ENDPOINT_MAX_BODY 65536

static enum found from_environment(struct aws_credentials *c)
{
	const char *key = getenv("AWS_ACCESS_KEY_ID"), *secret = getenv("AWS_SECRET_ACCESS_KEY");
	const char *token = getenv("AWS_SESSION_TOKEN");
	if (!token || !token[0])
		token = getenv("AWS_SECURITY_TOKEN"); /* the older name botocore still reads */
	key = key && key[0] ? key : NULL;
	secret = secret && secret[0] ? secret : NULL;
	if (!key && !secret)
		return NONE;
	if (!key || !secret) {
		log_fail(SMSHIM_EXIT_UNAVAILABLE, "%s is set but %s is not: set both or neither",
			 key ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
			 key ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
		return FAILED;
	}
	if (!header_safe(key) || !header_safe(secret) || (token && !header_safe(token))) {
		log_fail(SMSHIM_EXIT_UNAVAILABLE,
			 "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or AWS_SESSION_TOKEN holds a "
			 "control character");
		return FAILED;
	}
	memset(c, 0, sizeof *c);
	c->access_key_id = xstrdup(key);
	c->secret_access_key = xstrdup(secret);
	c->session_token = token && token[0] ? xstrdup(token) : NULL;
	c->source = "the environment";
	return FOUND;
}

/*
 * Report an endpoint that did not give credentials.  No answer or a 5xx
 * (or 429) may pass: another try is worth it.
 */
static enum found endpoint_failed(const char *what, const struct http_response *r, int *retryable)
{
	if (r->status == 0) {
		*retryable = 1;
		log_fail(SMSHIM_EXIT_UNAVAILABLE, "cannot get credentials from %s: %s", what, r->error);
	} else {
		*retryable = r->status >= 500 || r->status == 429;
		log_fail(SMSHIM_EXIT_UNAVAILABLE, "cannot get credentials from %s: it answered HTTP %ld",
			 what, r->status);
	}
	return FAILED;
}

static enum found parse_answer(const char *what, struct http_response *r,
			       struct aws_credentials *c, const char *source)
{
	const char *why;
	int rc = awscreds_parse(r->body.data, r->body.len, c, &why);
	explicit_bzero(r->body.data, r->body.len);
	if (rc < 0) {
		log_fail(SMSHIM_EXIT_UNAVAILABLE, "the credentials from %s are malformed: %s", what, why);
		return FAILED;
	}
	c->source = source;
	return FOUND;
}

/*
 * botocore accepts a plain-HTTP full URI only on the hosts ECS, EKS and
 * SageMaker use and on loopback, so that a stray variable cannot send the
 * authorization token across a network in clear.
 */
static int host_allowed(const char *url)
{
	if (strncasecmp(url, "https://", 8) == 0)
		return 1;
	if (strncasecmp(url, "http://", 7) != 0)
		return 0;
	const char *h = url + 7, *end = h + strcspn(h, "/?#");
	const char *at = memchr(h, '@', (size_t)(end - h));
	if (at)
		h = at + 1;
	size_t n;
	if (*h == '[') {
		n = strcspn(h, "]") + 1;
	} else {
		n = strcspn(h, ":/?#");
	}
	char host[64];
	if (n == 0 || n >= sizeof host)
		return 0;
	memcpy(host, h, n);
	host[n] = '\0';
	static const char *const allowed[] = {"169.254.170.2", "169.254.170.23", "[fd00:ec2::23]",
					      "localhost", "[::1]"};
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		if (strcasecmp(host, allowed[i]) == 0)
			return 1;
	/* 127.0.0.0/8 */
	unsigned a, b, cc, d;
	char extra;
	return sscanf(host, "%u.%u.%u.%u%c", &a, &b, &cc, &d, &extra) == 4 && a == 127 && b < 256 &&
	       cc < 256 && d < 256;
}

/* The authorization token, from its file (read anew each time: EKS rotates it) or the variable. */
static int container_token(char **out)
{
	const char *file = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	const char *value = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	*out = NULL;
	if (file && file[0]) {
		int fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return log_fail(SMSHIM_EXIT_UNAVAILABLE,
					"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s: %s", file, strerror(errno));
		struct buf b = {0};
		char chunk[4096];
		ssize_t n;
		while ((n = read(fd, chunk, sizeof chunk)) > 0 && b.len < ENDPOINT_MAX_BODY)
			buf_add(&b, chunk, (size_t)n);
		int e = errno;
		close(fd);
		if (n < 0) {
			buf_free(&b);
			return log_fail(SMSHIM_EXIT_UNAVAILABLE,
					"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s: %s", file, strerror(e));
		}
		/* a trailing newline from `echo` is not part of the token */
		while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r'))
			b.data[--b.len] = '\0';
		*out = buf_detach(&b);
	} else if (value && value[0]) {
		*out = xstrdup(value);
	} else {
		return 0;
	}
	if (!header_safe(*out)) {
		wipe_free(*out);
		*out = NULL;
		return log_fail(SMSHIM_EXIT_UNAVAILABLE,
				"the container authorization token holds a control character");
	}
	return 0;
}

/* Timeouts (ms): botocore waits 1 s for instance metadata, 2 s for the container endpoint. */
#define CONTAINER_CONNECT_MS 2000
#define CONTAINER_TIMEOUT_MS 5000
#define IMDS_CONNECT_MS 1000
#define IMDS_TIMEOUT_MS 3000

static enum found from_container(struct aws_credentials *c, int *retryable)
{
	const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	const char *what;
	char *url;
	if (rel && rel[0]) {
		what = "the container endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)";
		url = xconcat("http://169.254.170.2", rel[0] == '/' ? "" : "/", rel, NULL);
	} else if (full && full[0]) {
		what = "the container endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI)";
		if (!host_allowed(full)) {
			log_fail(SMSHIM_EXIT_UNAVAILABLE,
				 "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http on loopback, "
				 "169.254.170.2 or 169.254.170.23 (as the AWS SDKs require)");
			return FAILED;
		}
		url = xstrdup(full);
	} else {
		return NONE;
	}
	char *token;
	if (container_token(&token) < 0) {
		free(url);
		return FAILED;
	}
	char *auth = token ? xconcat("Authorization: ", token, NULL) : NULL;
	const char *headers[] = {"Accept: application/json", auth, NULL};
	struct http_response r;
	int rc = http_request("GET", url, headers, CONTAINER_CONNECT_MS, CONTAINER_TIMEOUT_MS,
			      ENDPOINT_MAX_BODY, &r);
	wipe_free(auth);
	wipe_free(token);
	free(url);
	log_debug("asked %s for credentials: HTTP %ld", what, r.status);
	enum found f = rc < 0 || r.status != 200 ? endpoint_failed(what, &r, retryable)
						 : parse_answer(what, &r, c, "the container endpoint");
	http_response_free(&r);
	return f;
}

static enum found from_imds(struct aws_credentials *c, int *retryable, struct buf *tried)
{
	const char *off = getenv("AWS_EC2_METADATA_DISABLED");
	if (off && strcasecmp(off, "true") == 0) {
		buf_adds(tried, "; instance metadata is off (AWS_EC2_METADATA_DISABLED=true)");
		return NONE;
	}
	const char *base = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	const char *mode = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
	if (!base || !base[0])
		base = mode && strcasecmp(mode, "IPv6") == 0 ? "http://[fd00:ec2::254]"
							      : "http://169.254.169.254";
	size_t blen = strlen(base);
	while (blen && base[blen - 1] == '/')
		blen--;
	char *root = xstrndup(base, blen);
	char *url = xconcat(root, "/latest/api/token", NULL);
	const char *ttl[] = {"X-aws-ec2-metadata-token-ttl-seconds: 21600", NULL};
	struct http_response r;
	enum found f = NONE;
	char *token_header = NULL, *role = NULL;
	const char *what = "instance metadata";
	/*
	 * IMDSv2 first; a server that refuses tokens (403, 404, 405) is asked
	 * without one (IMDSv1), as botocore does
	 */
	if (http_request("PUT", url, ttl, IMDS_CONNECT_MS, IMDS_TIMEOUT_MS, 4096, &r) < 0) {
		buf_addf(tried, "; no instance metadata at %s (%s)", root, r.error);
		goto done;
	}
	if (r.status == 200 && r.body.len && header_safe(r.body.data)) {
		token_header = xconcat("X-aws-ec2-metadata-token: ", r.body.data, NULL);
	} else if (r.status != 403 && r.status != 404 && r.status != 405) {
		f = endpoint_failed(what, &r, retryable);
		goto done;
	}
	http_response_free(&r);
	const char *headers[] = {token_header, NULL};
	free(url);
	url = xconcat(root, "/latest/meta-data/iam/security-credentials/", NULL);
	if (http_request("GET", url, headers, IMDS_CONNECT_MS, IMDS_TIMEOUT_MS, 4096, &r) < 0 ||
	    (r.status != 200 && r.status != 404)) {
		f = endpoint_failed(what, &r, retryable);
		goto done;
	}
	size_t n = strcspn(r.body.data, "\r\n");
	if (r.status == 404 || n == 0) {
		buf_adds(tried, "; the instance has no IAM role");
		goto done;
	}
	struct buf path = {0};
	buf_adds(&path, "/latest/meta-data/iam/security-credentials/");
	role = xstrndup(r.body.data, n);
	http_encode_path(&path, role, 0);
	http_response_free(&r);
	free(url);
	url = xconcat(root, path.data, NULL);
	buf_free(&path);
	if (http_request("GET", url, headers, IMDS_CONNECT_MS, IMDS_TIMEOUT_MS, ENDPOINT_MAX_BODY,
			 &r) < 0 ||
	    r.status != 200)
		f = endpoint_failed(what, &r, retryable);
	else
		f = parse_answer(what, &r, c, "instance metadata");
done:
	http_response_free(&r);
	wipe_free(token_header);
	free(role);
	free(url);
	free(root);
	return f;
}

/* -------------------------------------------------------------- the chain */

static struct aws_credentials kept;

static int find(struct aws_credentials *c, int *retryable)
{
	struct buf tried = {0};
	enum found f = from_environment(c);
	if (f == NONE)
		f = from_container(c, retryable);
	if (f == NONE)
		f = from_imds(c, retryable, &tried);
	if (f == NONE)
		log_fail(SMSHIM_EXIT_UNAVAILABLE,
			 "no AWS credentials: none in the environment (AWS_ACCESS_KEY_ID), no container "
			 "endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI)%s",
			 tried.data ? tried.data : "");
	buf_free(&tried);
	if (f != FOUND)
		return -1;
	log_debug("AWS credentials from %s%s", c->source,
		  c->expiration ? ", expiring" : ", not expiring");
	return 0;
}

const struct aws_credentials *awscreds_get(int *retryable)
{
	*retryable = 0;
	long long now = (long long)time(NULL);
	if (kept.access_key_id && (!kept.expiration || kept.expiration - now > AWSCREDS_REFRESH_S))
		return &kept;
	if (kept.access_key_id)
		log_info("the AWS credentials from %s expire in %lld s: fetching new ones",
			 kept.source, kept.expiration - now);
	struct aws_credentials fresh;
	if (find(&fresh, retryable) < 0) {
		/* botocore too keeps credentials that are due but not yet expired */
		if (kept.access_key_id && kept.expiration - now > 60) {
			log_warn("keeping the current credentials, valid for %lld s more",
				 kept.expiration - now);
			return &kept;
		}
		return NULL;
	}
	awscreds_free(&kept);
	kept = fresh;
	return &kept;
}

void awscreds_forget(void)
{
	awscreds_free(&kept);
}
