/*
 * oracle.c - smshim's Python-compatible pieces, one input per line, for
 * comparison with CPython itself (tests/unit.bats):
 *
 *   oracle float     lines of 16 hex digits (IEEE bits) -> repr(float)
 *   oracle json      lines of hex-encoded JSON text -> json.dumps(json.loads(t),
 *                    sort_keys=True, separators=(",", ":")) or "ERROR"
 *   oracle str       lines of hex-encoded JSON text -> str(json.loads(t)) in hex
 *   oracle unicode   every code point: "<cp> <upper in hex> <repr in hex>"
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "pyfmt.h"
#include "pyjson.h"

static size_t unhex(const char *line, char *out)
{
	size_t n = 0;
	for (const char *p = line; p[0] && p[1] && p[0] != '\n'; p += 2) {
		unsigned v;
		sscanf(p, "%2x", &v);
		out[n++] = (char)v;
	}
	return n;
}

static void put_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", (unsigned char)s[i]);
}

static void utf8(uint32_t c, struct buf *b)
{
	char o[4];
	size_t n;
	if (c < 0x80) {
		o[0] = (char)c, n = 1;
	} else if (c < 0x800) {
		o[0] = (char)(0xC0 | c >> 6), o[1] = (char)(0x80 | (c & 0x3F)), n = 2;
	} else if (c < 0x10000) {
		o[0] = (char)(0xE0 | c >> 12), o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		o[2] = (char)(0x80 | (c & 0x3F)), n = 3;
	} else {
		o[0] = (char)(0xF0 | c >> 18), o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		o[2] = (char)(0x80 | ((c >> 6) & 0x3F)), o[3] = (char)(0x80 | (c & 0x3F)), n = 4;
	}
	buf_add(b, o, n);
}

int main(int argc, char **argv)
{
	pyjson_init();
	const char *mode = argc > 1 ? argv[1] : "";
	if (strcmp(mode, "unicode") == 0) {
		for (uint32_t c = 1; c <= 0x10FFFF; c++) {
			if (c >= 0xD800 && c <= 0xDFFF)
				continue; /* not in UTF-8 text */
			struct buf b = {0};
			utf8(c, &b);
			char *up = pyfmt_upper(b.data);
			cJSON *s = cJSON_CreateString(b.data);
			struct buf r = {0};
			pyfmt_repr(&r, s);
			printf("%x ", (unsigned)c);
			put_hex(up, strlen(up));
			putchar(' ');
			put_hex(r.data, r.len);
			putchar('\n');
			free(up);
			cJSON_Delete(s);
			buf_free(&b);
			buf_free(&r);
		}
		return 0;
	}
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, stdin) > 0) {
		if (strcmp(mode, "float") == 0) {
			uint64_t u = strtoull(line, NULL, 16);
			double d;
			memcpy(&d, &u, sizeof d);
			char out[32];
			pyfmt_float(d, out);
			puts(out);
			continue;
		}
		char *text = malloc(strlen(line) / 2 + 1);
		size_t n = unhex(line, text);
		struct pyjson_error err;
		cJSON *v = pyjson_parse(text, n, &err);
		if (!v) {
			puts("ERROR");
		} else {
			struct buf b = {0};
			if (strcmp(mode, "str") == 0) {
				pyfmt_str(&b, v);
				put_hex(b.data ? b.data : "", b.len);
				putchar('\n');
			} else {
				pyfmt_json(&b, v);
				puts(b.data);
			}
			buf_free(&b);
			cJSON_Delete(v);
		}
		free(text);
	}
	free(line);
	return 0;
}
