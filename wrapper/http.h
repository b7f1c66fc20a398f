/*
 * http.h - libcurl, opened on first use, and one small blocking request.
 *
 * libcurl is not linked (dl.h says why): its functions are reached through
 * the table `curl`, filled by http_load().  s3.c drives a streaming
 * download with it; awscreds.c asks the credential endpoints with
 * http_request().
 */
#ifndef SMSHIM_HTTP_H
#define SMSHIM_HTTP_H

#include <stddef.h>

#include <curl/curl.h>

#include "buf.h"

/* The libcurl functions smshim calls, each with libcurl's own type. */
struct http_curl {
	__typeof__(curl_global_init) *global_init;
	__typeof__(curl_version_info) *version_info;
	__typeof__(curl_easy_init) *easy_init;
	__typeof__(curl_easy_setopt) *easy_setopt;
	__typeof__(curl_easy_getinfo) *easy_getinfo;
	__typeof__(curl_easy_perform) *easy_perform;
	__typeof__(curl_easy_pause) *easy_pause;
	__typeof__(curl_easy_cleanup) *easy_cleanup;
	__typeof__(curl_easy_strerror) *easy_strerror;
	__typeof__(curl_slist_append) *slist_append;
	__typeof__(curl_slist_free_all) *slist_free_all;
	__typeof__(curl_multi_init) *multi_init;
	__typeof__(curl_multi_add_handle) *multi_add_handle;
	__typeof__(curl_multi_remove_handle) *multi_remove_handle;
	__typeof__(curl_multi_perform) *multi_perform;
	__typeof__(curl_multi_poll) *multi_poll;
	__typeof__(curl_multi_info_read) *multi_info_read;
	__typeof__(curl_multi_cleanup) *multi_cleanup;
};
extern struct http_curl curl;

/*
 * Load libcurl ("libcurl.so.4", package libcurl4) and initialise it, once;
 * later calls return the first call's answer.  Refuses a libcurl older
 * than 7.75 (no SigV4).  Returns 0, or -1 after log_fail()
 * (SMSHIM_EXIT_UNAVAILABLE).
 */
int http_load(void);

/* The answer to http_request(). */
struct http_response {
	long status;      /* HTTP status, 0 when no answer came */
	struct buf body;  /* at most the max_body bytes asked for */
	char error[CURL_ERROR_SIZE]; /* why no answer came, when status is 0 */
};

/*
 * One request without a body (`method` "GET" or "PUT"), for the small
 * answers of credential endpoints: `headers` is a NULL-terminated list of
 * "Name: value" lines or NULL; the whole exchange may take `timeout_ms`,
 * the connection `connect_ms`.  Nothing of the request or the answer is
 * logged: both may hold secrets.  Returns 0 when the server answered (any
 * status, the body cut at max_body bytes), or -1 with resp->error set
 * (nothing logged).  http_response_free() releases the body.
 */
int http_request(const char *method, const char *url, const char *const *headers,
		 long connect_ms, long timeout_ms, size_t max_body, struct http_response *resp);
void http_response_free(struct http_response *resp);

/*
 * Append `s` to `b` percent-encoded as S3's SigV4 wants a path: every byte
 * but A-Z a-z 0-9 - . _ ~ becomes %XX, and '/' too unless keep_slash.
 */
void http_encode_path(struct buf *b, const char *s, int keep_slash);

#endif
