/*
 * s3.c - read an object from S3 (or an S3-compatible server) as a stream,
 * signed with SigV4 by libcurl.
 *
 * The body is never stored: libarchive pulls it through s3_read(), which
 * drives libcurl's multi interface until the write callback has handed
 * over some bytes.  At most S3_BUFFER_BYTES wait between the two; past
 * that the transfer is paused until the reader has taken them, so memory
 * stays flat whatever the size of the object (docs/performance.md).
 */
#include "s3.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "awscreds.h"
#include "buf.h"
#include "http.h"
#include "log.h"
#include "signals.h"
#include "smshim.h"

/* Limits and timeouts (docs/s3.md). */
#define S3_CONNECT_TIMEOUT_S 10  /* TCP and TLS set-up */
#define S3_READ_TIMEOUT_S 30     /* no byte for this long: the connection is dead */
#define S3_BUFFER_BYTES (1u << 20) /* received but not yet unpacked, at most (about) */
#define S3_RECV_BUFFER 262144L   /* libcurl's receive buffer: fewer, larger callbacks */
#define S3_ERROR_BODY_MAX 16384  /* what is kept of an error answer */
#define S3_PROGRESS_S 5          /* a progress line this often */
#define S3_POLL_MS 200           /* how long a stop signal may wait to be seen */
#define S3_BACKOFF_BASE_MS 1000  /* the wait before try n is up to base * 2^(n-2) */
#define S3_BACKOFF_MAX_MS 20000

/* SHA-256 of the empty body: libcurl 7.88 signs it but does not send the header S3 requires */
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct s3_stream {
	struct extract_source *src; /* for src->retryable */
	const char *url;            /* s3://bucket/key, for messages */
	char *bucket, *key, *http_url;
	CURL *easy;
	CURLM *multi;
	struct curl_slist *headers;
	int added;           /* easy is in multi */
	long status;         /* of the final response, once its headers are in */
	int headers_done;
	int done;            /* libcurl has finished, with `result` */
	CURLcode result;
	int paused;          /* the write callback asked libcurl to hold on */
	int handed;          /* `data` went to the reader: empty it on the next read */
	struct buf data;     /* body bytes for the reader */
	struct buf error;    /* the body of an error answer */
	char *bucket_region; /* x-amz-bucket-region, for a wrong-region answer */
	long long length;    /* Content-Length, -1 when unknown */
	unsigned long long received;
	struct timespec start, reported;
	char errbuf[CURL_ERROR_SIZE];
};

/* ------------------------------------------------------------ helpers */

static double seconds_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/* "12.3 MB" (decimal, as S3 and the aws CLI count) */
static const char *human(double bytes, char *out, size_t n)
{
	static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
	size_t u = 0;
	while (bytes >= 1000 && u + 1 < sizeof units / sizeof units[0])
		bytes /= 1000, u++;
	snprintf(out, n, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
	return out;
}

/* s3://bucket/key into its parts.  Returns 0 or -1. */
static int split_url(const char *url, char **bucket, char **key)
{
	if (strncmp(url, "s3://", 5) != 0)
		return -1;
	const char *b = url + 5, *slash = strchr(b, '/');
	if (!slash || slash == b || !slash[1])
		return -1;
	*bucket = xstrndup(b, (size_t)(slash - b));
	*key = xstrdup(slash + 1);
	return 0;
}

/* Regions go into a host name and into libcurl's "aws:amz:REGION:s3". */
static int region_ok(const char *r)
{
	if (!r[0] || strlen(r) > 64)
		return 0;
	for (const char *p = r; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return 0;
	return 1;
}

static const char *pick_region(const char *hp_region)
{
	const char *names[] = {getenv("AWS_REGION"), getenv("AWS_DEFAULT_REGION"), hp_region};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i] && names[i][0])
			return names[i];
	return "us-east-1"; /* where S3 answers for any bucket with a redirect to its region */
}

/* A bucket that can be a host name label: no dots (TLS wildcards cover one label only). */
static int virtual_host_ok(const char *bucket)
{
	size_t n = strlen(bucket);
	if (n < 3 || n > 63 || bucket[0] == '-' || bucket[n - 1] == '-')
		return 0;
	for (const char *p = bucket; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return 0;
	return 1;
}

/* The URL to GET; NULL after log_fail(). */
static char *object_url(const char *url, const char *bucket, const char *key, const char *region)
{
	static const char *const vars[] = {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL",
					   "S3_ENDPOINT_URL"};
	const char *endpoint = NULL, *var = NULL;
	for (size_t i = 0; i < sizeof vars / sizeof vars[0] && !endpoint; i++) {
		const char *v = getenv(vars[i]);
		if (v && v[0])
			endpoint = v, var = vars[i];
	}
	struct buf u = {0};
	if (endpoint) {
		if (strncasecmp(endpoint, "http://", 7) != 0 &&
		    strncasecmp(endpoint, "https://", 8) != 0) {
			log_fail(SMSHIM_EXIT_UNAVAILABLE,
				 "cannot fetch %s: %s=%s is not an http:// or https:// URL", url, var,
				 endpoint);
			return NULL;
		}
		/* S3-compatible servers (MinIO, moto, Ceph) want path-style URLs */
		size_t n = strlen(endpoint);
		while (n && endpoint[n - 1] == '/')
			n--;
		buf_add(&u, endpoint, n);
		buf_addc(&u, '/');
		http_encode_path(&u, bucket, 0);
	} else {
		const char *domain =
			strncmp(region, "cn-", 3) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
		if (virtual_host_ok(bucket)) {
			buf_addf(&u, "https://%s.s3.%s.%s", bucket, region, domain);
		} else {
			buf_addf(&u, "https://s3.%s.%s/", region, domain);
			http_encode_path(&u, bucket, 0);
		}
	}
	buf_addc(&u, '/');
	http_encode_path(&u, key, 1);
	return buf_detach(&u);
}

char *s3_http_url(const char *url, const char *hp_region)
{
	char *bucket, *key;
	if (split_url(url, &bucket, &key) < 0) {
		log_fail(SMSHIM_EXIT_UNAVAILABLE, "%s is not an S3 URL (s3://bucket/key)", url);
		return NULL;
	}
	const char *region = pick_region(hp_region);
	char *http_url = NULL;
	if (!region_ok(region))
		log_fail(SMSHIM_EXIT_UNAVAILABLE, "cannot fetch %s: %s is not an AWS region name", url,
			 region);
	else
		http_url = object_url(url, bucket, key, region);
	free(bucket);
	free(key);
	return http_url;
}

/* ---------------------------------------------------------- callbacks */

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct s3_stream *s = ctx;
	size_t len = size * n;
	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		/* a new response (after a 100 Continue, say): forget the last one */
		const char *sp = memchr(p, ' ', len);
		s->status = sp ? strtol(sp + 1, NULL, 10) : 0;
		free(s->bucket_region);
		s->bucket_region = NULL;
	} else if (len <= 2 && (p[0] == '\r' || p[0] == '\n')) {
		if (s->status >= 200)
			s->headers_done = 1;
	} else if (len > 20 && strncasecmp(p, "x-amz-bucket-region:", 20) == 0) {
		const char *v = p + 20;
		size_t vn = len - 20;
		while (vn && (*v == ' ' || *v == '\t'))
			v++, vn--;
		while (vn && (v[vn - 1] == '\r' || v[vn - 1] == '\n' || v[vn - 1] == ' '))
			vn--;
		free(s->bucket_region);
		s->bucket_region = xstrndup(v, vn);
	}
	return len;
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct s3_stream *s = ctx;
	size_t len = size * n;
	if (s->status < 200 || s->status > 299) {
		if (s->error.len < S3_ERROR_BODY_MAX) {
			size_t room = S3_ERROR_BODY_MAX - s->error.len;
			buf_add(&s->error, p, len < room ? len : room);
		}
		return len;
	}
	/* the reader has not taken what is here: make libcurl keep the rest */
	if (s->data.len && s->data.len + len > S3_BUFFER_BYTES) {
		s->paused = 1;
		return CURL_WRITEFUNC_PAUSE;
	}
	buf_add(&s->data, p, len);
	return len;
}

/* ----------------------------------------------------------- transfer */

static int stopped(struct s3_stream *s, int sig)
{
	s->src->retryable = 0;
	return signals_stopped(sig, "fetching", s->url);
}

/*
 * Let libcurl work until something happens: body bytes, the end of the
 * headers, the end of the transfer, or S3_POLL_MS without any of these.
 * Returns 0, or -1 after log_fail() (a stop signal).
 */
static int pump(struct s3_stream *s)
{
	int running = 0;
	CURLMcode mc = curl.multi_perform(s->multi, &running);
	if (mc != CURLM_OK) {
		s->src->retryable = 1;
		return log_fail(SMSHIM_EXIT_UNAVAILABLE,
				"cannot fetch %s: libcurl's multi interface failed (%d)", s->url, (int)mc);
	}
	CURLMsg *m;
	int queued;
	while ((m = curl.multi_info_read(s->multi, &queued)))
		if (m->msg == CURLMSG_DONE && m->easy_handle == s->easy) {
			s->done = 1;
			s->result = m->data.result;
		}
	if (s->data.len || s->done)
		return 0;
	int sig = signals_stop_requested();
	if (sig)
		return stopped(s, sig);
	/* signals stay blocked (signals.h): poll in short steps to notice them */
	curl.multi_poll(s->multi, NULL, 0, S3_POLL_MS, NULL);
	return 0;
}

/* Connection-level failures worth another try. */
static int transient(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_HTTP2:
	case CURLE_PARTIAL_FILE:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

/* The transfer ended without a complete answer. */
static int transport_failed(struct s3_stream *s)
{
	s->src->retryable = transient(s->result);
	const char *why = s->errbuf[0] ? s->errbuf : curl.easy_strerror(s->result);
	if (s->result == CURLE_PARTIAL_FILE && s->length >= 0)
		return log_fail(SMSHIM_EXIT_UNAVAILABLE,
				"cannot fetch %s: the body ended after %llu of %lld bytes (%s)", s->url,
				s->received, s->length, why);
	if (s->result == CURLE_OPERATION_TIMEDOUT && s->headers_done)
		return log_fail(SMSHIM_EXIT_UNAVAILABLE,
				"cannot fetch %s: no data for %d s after %llu bytes", s->url,
				S3_READ_TIMEOUT_S, s->received);
	return log_fail(SMSHIM_EXIT_UNAVAILABLE, "cannot fetch %s: %s", s->url, why);
}

/* The text of <tag>...</tag> in an S3 XML error, entities decoded; a new string or NULL. */
static char *xml_text(const char *xml, const char *tag)
{
	char open[40], close[40];
	snprintf(open, sizeof open, "<%s>", tag);
	snprintf(close, sizeof close, "</%s>", tag);
	const char *b = strstr(xml, open);
	if (!b)
		return NULL;
	b += strlen(open);
	const char *e = strstr(b, close);
	if (!e || e - b > 1024)
		return NULL;
	static const struct {
		const char *entity;
		char c;
	} entities[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'},
			{"&quot;", '"'}, {"&apos;", '\''}};
	struct buf t = {0};
	while (b < e) {
		size_t i = 0;
		while (i < sizeof entities / sizeof entities[0] &&
		       strncmp(b, entities[i].entity, strlen(entities[i].entity)) != 0)
			i++;
		if (i < sizeof entities / sizeof entities[0]) {
			buf_addc(&t, entities[i].c);
			b += strlen(entities[i].entity);
		} else {
			/* the text goes into one log line */
			buf_addc(&t, (unsigned char)*b < 0x20 ? ' ' : *b);
			b++;
		}
	}
	return buf_detach(&t);
}

/* S3 answered with an error status: say what it said. */
static int answer_failed(struct s3_stream *s, const char *region)
{
	char *code = s->error.data ? xml_text(s->error.data, "Code") : NULL;
	char *message = s->error.data ? xml_text(s->error.data, "Message") : NULL;
	char *where = s->error.data ? xml_text(s->error.data, "Region") : NULL;
	long st = s->status;
	const char *c = code ? code : "";
	/* throttling, server errors, and credentials that expired on the way */
	s->src->retryable = st >= 500 || st == 429 || strcmp(c, "SlowDown") == 0 ||
			    strcmp(c, "RequestTimeout") == 0 || strcmp(c, "InternalError") == 0 ||
			    strcmp(c, "ExpiredToken") == 0 || strcmp(c, "TokenRefreshRequired") == 0;
	if (strcmp(c, "ExpiredToken") == 0 || strcmp(c, "TokenRefreshRequired") == 0)
		awscreds_forget();
	const char *other = s->bucket_region ? s->bucket_region : where;
	struct buf hint = {0};
	if (other && strcmp(other, region) != 0)
		buf_addf(&hint, " (the bucket is in %s, not %s: set AWS_REGION=%s)", other, region,
			 other);
	else if (strcmp(c, "SignatureDoesNotMatch") == 0)
		buf_adds(&hint, " (is the secret access key right?)");
	else if (strcmp(c, "InvalidAccessKeyId") == 0)
		buf_adds(&hint, " (S3 does not know the access key id)");
	int rc = log_fail(SMSHIM_EXIT_UNAVAILABLE,
			  "cannot fetch %s (bucket \"%s\", key \"%s\"): S3 answered %ld%s%s%s%s%s",
			  s->url, s->bucket, s->key, st, code ? " " : "", c, message ? ": " : "",
			  message ? message : "", hint.data ? hint.data : "");
	buf_free(&hint);
	free(code);
	free(message);
	free(where);
	return rc;
}

static void progress(struct s3_stream *s, int final)
{
	double since = seconds_since(&s->reported), total = seconds_since(&s->start);
	if (!final && since < S3_PROGRESS_S)
		return;
	clock_gettime(CLOCK_MONOTONIC, &s->reported);
	char got[32], all[32], rate[32];
	human((double)s->received, got, sizeof got);
	human(total > 0 ? (double)s->received / total : 0, rate, sizeof rate);
	if (final)
		log_info("fetched %s: %s in %.1f s (%s/s)", s->url, got, total, rate);
	else if (s->length > 0)
		log_info("fetching %s: %s of %s (%d%%), %s/s", s->url, got,
			 human((double)s->length, all, sizeof all),
			 (int)((double)s->received * 100 / (double)s->length), rate);
	else
		log_info("fetching %s: %s, %s/s", s->url, got, rate);
}

static ssize_t s3_read(void *ctx, const void **block)
{
	struct s3_stream *s = ctx;
	if (s->handed) {
		buf_reset(&s->data);
		s->handed = 0;
	}
	int sig = signals_stop_requested();
	if (sig)
		return stopped(s, sig);
	if (s->paused) {
		/* hands the bytes libcurl kept back to on_body, before anything new */
		s->paused = 0;
		CURLcode rc = curl.easy_pause(s->easy, CURLPAUSE_CONT);
		if (rc != CURLE_OK) {
			s->result = rc;
			return transport_failed(s);
		}
	}
	while (!s->data.len && !s->done)
		if (pump(s) < 0)
			return -1;
	if (s->data.len) {
		s->handed = 1;
		s->received += s->data.len;
		*block = s->data.data;
		progress(s, 0);
		return (ssize_t)s->data.len;
	}
	if (s->result != CURLE_OK)
		return transport_failed(s);
	/* libcurl checks Content-Length too; this covers a server that closed early without error */
	if (s->length >= 0 && s->received != (unsigned long long)s->length) {
		s->src->retryable = 1;
		return log_fail(SMSHIM_EXIT_UNAVAILABLE,
				"cannot fetch %s: the body ended after %llu of %lld bytes", s->url,
				s->received, s->length);
	}
	progress(s, 1);
	return 0;
}

/* Set up the request; -1 after log_fail(). */
static int start(struct s3_stream *s, const struct aws_credentials *c, const char *region)
{
	s->easy = curl.easy_init();
	s->multi = curl.multi_init();
	if (!s->easy || !s->multi)
		return log_fail(SMSHIM_EXIT_UNAVAILABLE,
				"cannot fetch %s: libcurl cannot start a transfer", s->url);
	s->headers = curl.slist_append(NULL, "x-amz-content-sha256: " EMPTY_SHA256);
	if (s->headers && c->session_token) {
		char *h = xconcat("x-amz-security-token: ", c->session_token, NULL);
		struct curl_slist *more = curl.slist_append(s->headers, h);
		explicit_bzero(h, strlen(h));
		free(h);
		if (!more)
			curl.slist_free_all(s->headers);
		s->headers = more;
	}
	if (!s->headers)
		return log_fail(SMSHIM_EXIT_SOFTWARE, "out of memory");
	char *sigv4 = xconcat("aws:amz:", region, ":s3", NULL);
	CURL *h = s->easy;
	curl.easy_setopt(h, CURLOPT_URL, s->http_url);
	curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl.easy_setopt(h, CURLOPT_HTTPGET, 1L);
	/* libcurl signs; smshim never sees the signature and never logs (no CURLOPT_VERBOSE) */
	curl.easy_setopt(h, CURLOPT_AWS_SIGV4, sigv4);
	curl.easy_setopt(h, CURLOPT_USERNAME, c->access_key_id);
	curl.easy_setopt(h, CURLOPT_PASSWORD, c->secret_access_key);
	curl.easy_setopt(h, CURLOPT_HTTPHEADER, s->headers);
	/* S3 keys may hold "//", "./" and "../": they are names, not paths to tidy */
	curl.easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
	/* a redirect would need another signature: report it instead */
	curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)S3_CONNECT_TIMEOUT_S);
	curl.easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl.easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (long)S3_READ_TIMEOUT_S);
	curl.easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl.easy_setopt(h, CURLOPT_BUFFERSIZE, S3_RECV_BUFFER);
	curl.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl.easy_setopt(h, CURLOPT_HEADERDATA, s);
	curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl.easy_setopt(h, CURLOPT_WRITEDATA, s);
	curl.easy_setopt(h, CURLOPT_ERRORBUFFER, s->errbuf);
	curl.easy_setopt(h, CURLOPT_USERAGENT, "smshim/" SMSHIM_VERSION);
	free(sigv4);
	if (curl.multi_add_handle(s->multi, h) != CURLM_OK)
		return log_fail(SMSHIM_EXIT_UNAVAILABLE,
				"cannot fetch %s: libcurl cannot start a transfer", s->url);
	s->added = 1;
	clock_gettime(CLOCK_MONOTONIC, &s->start);
	s->reported = s->start;
	return 0;
}

/* ---------------------------------------------------------------- API */

int s3_open(struct extract_source *src, const char *url, const char *hp_region)
{
	struct s3_stream *s = xcalloc(1, sizeof *s);
	src->ctx = s;
	src->read = s3_read;
	src->name = url;
	src->retryable = 0;
	s->src = src;
	s->url = url;
	s->length = -1;
	if (split_url(url, &s->bucket, &s->key) < 0)
		return log_fail(SMSHIM_EXIT_UNAVAILABLE, "%s is not an S3 URL (s3://bucket/key)", url);
	const char *region = pick_region(hp_region);
	if (!region_ok(region))
		return log_fail(SMSHIM_EXIT_UNAVAILABLE, "cannot fetch %s: %s is not an AWS region name",
				url, region);
	if (!(s->http_url = object_url(url, s->bucket, s->key, region)) || http_load() < 0)
		return -1;
	int retryable = 0;
	const struct aws_credentials *c = awscreds_get(&retryable);
	if (!c) {
		src->retryable = retryable;
		return -1;
	}
	if (start(s, c, region) < 0)
		return -1;
	log_info("fetching the code from %s", url);
	log_debug("GET %s (region %s, credentials from %s)", s->http_url, region, c->source);
	while (!s->headers_done && !s->done)
		if (pump(s) < 0)
			return -1;
	if (s->headers_done && s->status >= 200 && s->status <= 299) {
		curl_off_t length = -1;
		if (curl.easy_getinfo(s->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK)
			s->length = length;
		return 0;
	}
	/* an error answer: read its (small) body to say what S3 said */
	while (!s->done)
		if (pump(s) < 0)
			return -1;
	if (!s->headers_done || (s->result != CURLE_OK && !s->error.len))
		return transport_failed(s);
	return answer_failed(s, region);
}

void s3_close(struct extract_source *src)
{
	struct s3_stream *s = src->ctx;
	if (!s)
		return;
	if (s->added)
		curl.multi_remove_handle(s->multi, s->easy);
	if (s->easy)
		curl.easy_cleanup(s->easy);
	if (s->multi)
		curl.multi_cleanup(s->multi);
	if (s->headers)
		curl.slist_free_all(s->headers);
	buf_free(&s->data);
	buf_free(&s->error);
	free(s->bucket_region);
	free(s->bucket);
	free(s->key);
	free(s->http_url);
	free(s);
	src->ctx = NULL;
}

int s3_retry_wait(int attempt)
{
	/* "full jitter" (AWS's advice, botocore's standard mode): anywhere up to the exponential cap */
	int shift = attempt - 2 < 0 ? 0 : attempt - 2 > 10 ? 10 : attempt - 2;
	long cap = (long)S3_BACKOFF_BASE_MS << shift;
	if (cap > S3_BACKOFF_MAX_MS)
		cap = S3_BACKOFF_MAX_MS;
	unsigned int r;
	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		r = (unsigned int)t.tv_nsec;
	}
	long ms = (long)(r % (unsigned long)(cap + 1));
	log_info("waiting %.1f s before try %d of %d", (double)ms / 1000, attempt, S3_MAX_ATTEMPTS);
	return signals_sleep_ms(ms);
}
