/* http.c - libcurl, opened on first use, and one small blocking request. */
#include "http.h"

#include <stdio.h>
#include <string.h>

#include "dl.h"
#include "log.h"
#include "smshim.h"

struct http_curl curl;

/* ------------------------------------------------------------- loading */

int http_load(void)
{
	static int state; /* 0: not tried, 1: loaded, -1: failed */
	if (state)
		return state > 0 ? 0 : -1;
	state = -1;
#define SYM(field, name) {#name, (void **)&curl.field}
	static const struct dl_symbol symbols[] = {
		SYM(global_init, curl_global_init),
		SYM(version_info, curl_version_info),
		SYM(easy_init, curl_easy_init),
		SYM(easy_setopt, curl_easy_setopt),
		SYM(easy_getinfo, curl_easy_getinfo),
		SYM(easy_perform, curl_easy_perform),
		SYM(easy_pause, curl_easy_pause),
		SYM(easy_cleanup, curl_easy_cleanup),
		SYM(easy_strerror, curl_easy_strerror),
		SYM(slist_append, curl_slist_append),
		SYM(slist_free_all, curl_slist_free_all),
		SYM(multi_init, curl_multi_init),
		SYM(multi_add_handle, curl_multi_add_handle),
		SYM(multi_remove_handle, curl_multi_remove_handle),
		SYM(multi_perform, curl_multi_perform),
		SYM(multi_poll, curl_multi_poll),
		SYM(multi_info_read, curl_multi_info_read),
		SYM(multi_cleanup, curl_multi_cleanup),
	};
#undef SYM
	static const char *const sonames[] = {"libcurl.so.4", "libcurl.so", NULL};
	if (dl_load("libcurl", "libcurl4", sonames, symbols, sizeof symbols / sizeof symbols[0]) < 0)
		return -1;
	/* CURLOPT_AWS_SIGV4 came with 7.75.0; an older libcurl would ignore it */
	const curl_version_info_data *v = curl.version_info(CURLVERSION_NOW);
	if (!v || v->version_num < 0x074B00)
		return log_fail(SMSHIM_EXIT_UNAVAILABLE,
				"libcurl %s is too old to sign S3 requests (7.75 or later needed)",
				v ? v->version : "?");
	/* before any thread exists (the resolver's), as libcurl asks */
	CURLcode rc = curl.global_init(CURL_GLOBAL_DEFAULT);
	if (rc != CURLE_OK)
		return log_fail(SMSHIM_EXIT_UNAVAILABLE, "libcurl cannot start: %s",
				curl.easy_strerror(rc));
	state = 1;
	return 0;
}

/* ------------------------------------------------------ small requests */

struct sink {
	struct buf *body;
	size_t max;
};

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
	struct sink *s = ctx;
	size_t len = size * n;
	if (s->body->len < s->max)
		buf_add(s->body, p, len < s->max - s->body->len ? len : s->max - s->body->len);
	return len;
}

int http_request(const char *method, const char *url, const char *const *headers,
		 long connect_ms, long timeout_ms, size_t max_body, struct http_response *resp)
{
	memset(resp, 0, sizeof *resp);
	CURL *h = curl.easy_init();
	if (!h) {
		snprintf(resp->error, sizeof resp->error, "libcurl cannot make a request");
		return -1;
	}
	struct curl_slist *list = NULL;
	for (size_t i = 0; headers && headers[i]; i++) {
		struct curl_slist *more = curl.slist_append(list, headers[i]);
		if (!more) {
			curl.slist_free_all(list);
			curl.easy_cleanup(h);
			snprintf(resp->error, sizeof resp->error, "out of memory");
			return -1;
		}
		list = more;
	}
	struct sink sink = {&resp->body, max_body};
	curl.easy_setopt(h, CURLOPT_URL, url);
	curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	/* a PUT (the IMDSv2 token) has an empty body: "Content-Length: 0", nothing read */
	if (strcmp(method, "PUT") == 0) {
		curl.easy_setopt(h, CURLOPT_UPLOAD, 1L);
		curl.easy_setopt(h, CURLOPT_INFILESIZE, 0L);
	}
	curl.easy_setopt(h, CURLOPT_HTTPHEADER, list);
	curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
	curl.easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl.easy_setopt(h, CURLOPT_WRITEDATA, &sink);
	curl.easy_setopt(h, CURLOPT_ERRORBUFFER, resp->error);
	curl.easy_setopt(h, CURLOPT_USERAGENT, "smshim/" SMSHIM_VERSION);
	/* credential endpoints never redirect, and a proxy must not see them */
	curl.easy_setopt(h, CURLOPT_NOPROXY, "*");
	CURLcode rc = curl.easy_perform(h);
	if (rc == CURLE_OK)
		curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
	else if (!resp->error[0])
		snprintf(resp->error, sizeof resp->error, "%s", curl.easy_strerror(rc));
	curl.slist_free_all(list);
	curl.easy_cleanup(h);
	if (rc == CURLE_OK && !resp->body.data)
		buf_adds(&resp->body, ""); /* a C string even when empty */
	return rc == CURLE_OK ? 0 : -1;
}

void http_response_free(struct http_response *resp)
{
	buf_free(&resp->body);
}

/* ------------------------------------------------------------- encoding */

void http_encode_path(struct buf *b, const char *s, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~' || (c == '/' && keep_slash)) {
			buf_addc(b, (char)c);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			buf_add(b, e, 3);
		}
	}
}
