/*
 * pyfmt.c - CPython 3.11's float repr, json.dumps, str() and repr(),
 * byte for byte (Objects/floatobject.c, Python/pystrtod.c,
 * Modules/_json.c, Objects/unicodeobject.c).
 */
#include "pyfmt.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <unistr.h>
#include <unictype.h>

#include "pyjson.h"

/* ------------------------------------------------------------- code points */

/*
 * Decode one code point of modified UTF-8 at *s and advance.  Bytes that
 * are not a character (pyjson_char) decode as themselves, one at a time, so
 * that nothing can read past the end of the string and what is printed with
 * \u escapes reads back as the same text.
 */
static uint32_t next_cp(const unsigned char **s)
{
	uint32_t c;
	size_t n = pyjson_char((const char *)*s, SIZE_MAX, &c); /* stops at the NUL */
	if (n == 0) {
		c = **s;
		n = 1;
	}
	*s += n;
	return c;
}

int pyfmt_strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
	while (*x && *x == *y && *x < 0x80)
		x++, y++;
	/*
	 * Code point by code point from here: U+0000 is stored as C0 80, and a
	 * byte that is not well formed is the code point it prints as (next_cp),
	 * so the order is that of the text read back from what is printed.
	 */
	for (;;) {
		if (!*x || !*y)
			return !*x && !*y ? 0 : !*x ? -1 : 1;
		uint32_t c = next_cp(&x), d = next_cp(&y);
		if (c != d)
			return c < d ? -1 : 1;
	}
}

int pyfmt_is_portable(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (p[0] == 0xC0 && p[1] == 0x80)
			return 0;
		if (p[0] == 0xED && p[1] >= 0xA0 && p[1] <= 0xBF)
			return 0;
	}
	return 1;
}

char *pyfmt_upper(const char *s)
{
	size_t n = 0;
	size_t in = strlen(s);
	/* ASCII needs no tables (and most names are ASCII) */
	size_t ascii = 0;
	while (ascii < in && (unsigned char)s[ascii] < 0x80)
		ascii++;
	if (ascii == in) {
		char *out = xstrndup(s, in);
		for (char *c = out; *c; c++)
			if (*c >= 'a' && *c <= 'z')
				*c = (char)(*c - 'a' + 'A');
		return out;
	}
	if (u8_check((const uint8_t *)s, in) != NULL)
		return NULL;
	uint8_t *up = u8_toupper((const uint8_t *)s, in, NULL, NULL, NULL, &n);
	if (!up)
		return NULL;
	char *out = xstrndup((const char *)up, n);
	free(up);
	return out;
}

/* ------------------------------------------------------------------ floats */

/* The shortest digits that read back as x (x finite and > 0), and the
 * decimal point position: x = 0.DIGITS * 10^decpt. */
static void shortest(double x, char digits[24], int *decpt)
{
	char tmp[48];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*e", prec - 1, x);
		/* tmp is D[.DDD]e[+-]XX */
		char d[24];
		int nd = 0;
		const char *p = tmp;
		for (; *p != 'e'; p++)
			if (*p != '.')
				d[nd++] = *p;
		int exp10 = atoi(p + 1);
		double back = strtod(tmp, NULL);
		if (back != x) {
			/*
			 * The nearest prec-digit decimal does not read back;
			 * at a power of two the interval that rounds to x is
			 * lopsided and the neighbour on the other side may.
			 */
			int dir = back < x ? 1 : -1, i = nd - 1;
			for (; i >= 0; i--) {
				if (dir > 0 && d[i] == '9') {
					d[i] = '0';
				} else if (dir < 0 && d[i] == '0') {
					d[i] = '9';
				} else {
					d[i] = (char)(d[i] + dir);
					break;
				}
			}
			if (i < 0) {
				if (dir < 0)
					continue; /* borrowed past the first digit */
				memmove(d + 1, d, (size_t)nd);
				d[0] = '1';
				exp10++;
			} else if (d[0] == '0') {
				memmove(d, d + 1, (size_t)--nd);
				exp10--;
			}
			if (nd <= 0)
				continue;
			char alt[48];
			snprintf(alt, sizeof alt, "%c.%.*se%d", d[0], nd - 1, d + 1, exp10);
			if (strtod(alt, NULL) != x)
				continue;
		}
		while (nd > 1 && d[nd - 1] == '0')
			nd--;
		memcpy(digits, d, (size_t)nd);
		digits[nd] = '\0';
		*decpt = exp10 + 1;
		return;
	}
	/* 17 significant digits always read back; not reached. */
	snprintf(tmp, sizeof tmp, "%.16e", x);
	digits[0] = tmp[0];
	memcpy(digits + 1, tmp + 2, 16);
	digits[17] = '\0';
	*decpt = atoi(tmp + 19) + 1;
}

void pyfmt_float(double x, char out[32])
{
	if (isnan(x)) {
		strcpy(out, "nan");
		return;
	}
	if (isinf(x)) {
		strcpy(out, x < 0 ? "-inf" : "inf");
		return;
	}
	char *o = out;
	if (signbit(x)) {
		*o++ = '-';
		x = -x;
	}
	if (x == 0) {
		strcpy(o, "0.0");
		return;
	}
	char d[24];
	int decpt;
	shortest(x, d, &decpt);
	int nd = (int)strlen(d);
	/* float_repr_style 'short', mode 'r': exponent outside -4 < decpt <= 16 */
	if (decpt <= -4 || decpt > 16) {
		*o++ = d[0];
		if (nd > 1) {
			*o++ = '.';
			memcpy(o, d + 1, (size_t)nd - 1);
			o += nd - 1;
		}
		/* |exponent| <= 324 for a double */
		unsigned e = (unsigned)(decpt > 0 ? decpt - 1 : 1 - decpt);
		*o++ = 'e';
		*o++ = decpt > 0 ? '+' : '-';
		if (e >= 100)
			*o++ = (char)('0' + e / 100 % 10);
		*o++ = (char)('0' + e / 10 % 10);
		*o++ = (char)('0' + e % 10);
		*o = '\0';
	} else if (decpt <= 0) {
		*o++ = '0';
		*o++ = '.';
		for (int i = 0; i < -decpt; i++)
			*o++ = '0';
		memcpy(o, d, (size_t)nd + 1);
	} else if (decpt >= nd) {
		memcpy(o, d, (size_t)nd);
		o += nd;
		for (int i = nd; i < decpt; i++)
			*o++ = '0';
		strcpy(o, ".0");
	} else {
		memcpy(o, d, (size_t)decpt);
		o += decpt;
		*o++ = '.';
		memcpy(o, d + decpt, (size_t)(nd - decpt) + 1);
	}
}

/* -------------------------------------------------------------------- json */

static void put_u16(struct buf *b, uint32_t u)
{
	buf_addf(b, "\\u%04x", (unsigned)u);
}

/* Bytes json.dumps copies as they are: printable ASCII but '"' and '\\',
 * and with ensure_ascii off, every byte of a non-ASCII character too. */
static size_t plain_run(const unsigned char *p, int ensure_ascii)
{
	size_t n = 0;
	for (;; n++) {
		unsigned char c = p[n];
		if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\')
			continue;
		/* C0 80 is a stored U+0000: it must be escaped */
		if (c >= 0x80 && !ensure_ascii && !(c == 0xC0 && p[n + 1] == 0x80))
			continue;
		return n;
	}
}

void pyfmt_json_string(struct buf *b, const char *s, int ensure_ascii)
{
	const unsigned char *p = (const unsigned char *)s;
	buf_addc(b, '"');
	while (*p) {
		size_t run = plain_run(p, ensure_ascii);
		if (run) {
			buf_add(b, p, run);
			p += run;
			continue;
		}
		const unsigned char *start = p;
		uint32_t c = next_cp(&p);
		switch (c) {
		case '"': buf_adds(b, "\\\""); continue;
		case '\\': buf_adds(b, "\\\\"); continue;
		case '\b': buf_adds(b, "\\b"); continue;
		case '\f': buf_adds(b, "\\f"); continue;
		case '\n': buf_adds(b, "\\n"); continue;
		case '\r': buf_adds(b, "\\r"); continue;
		case '\t': buf_adds(b, "\\t"); continue;
		}
		if (c < 0x20) {
			put_u16(b, c);
		} else if (!ensure_ascii || c < 0x7F) {
			buf_add(b, start, (size_t)(p - start));
		} else if (c >= 0x10000) {
			c -= 0x10000;
			put_u16(b, 0xD800 | (c >> 10));
			put_u16(b, 0xDC00 | (c & 0x3FF));
		} else {
			put_u16(b, c);
		}
	}
	buf_addc(b, '"');
}

static int member_cmp(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	return pyfmt_strcmp(x->string, y->string);
}

const cJSON **pyfmt_sorted_members(const cJSON *object, size_t *n)
{
	size_t count = 0;
	for (const cJSON *c = object->child; c; c = c->next)
		count++;
	const cJSON **v = xcalloc(count + 1, sizeof *v);
	count = 0;
	for (const cJSON *c = object->child; c; c = c->next)
		v[count++] = c;
	if ((object->type & 0xFF) == cJSON_Object)
		qsort(v, count, sizeof *v, member_cmp);
	*n = count;
	return v;
}

static void json_number(struct buf *b, double x)
{
	if (isnan(x)) {
		buf_adds(b, "NaN");
	} else if (isinf(x)) {
		buf_adds(b, x < 0 ? "-Infinity" : "Infinity");
	} else {
		char t[32];
		pyfmt_float(x, t);
		buf_adds(b, t);
	}
}

void pyfmt_json(struct buf *b, const cJSON *node)
{
	switch (node->type & 0xFF) {
	case cJSON_NULL: buf_adds(b, "null"); return;
	case cJSON_True: buf_adds(b, "true"); return;
	case cJSON_False: buf_adds(b, "false"); return;
	case cJSON_Raw: buf_adds(b, node->valuestring); return;
	case cJSON_Number: json_number(b, node->valuedouble); return;
	case cJSON_String: pyfmt_json_string(b, node->valuestring, 1); return;
	case cJSON_Array:
	case cJSON_Object: {
		int obj = (node->type & 0xFF) == cJSON_Object;
		size_t n;
		const cJSON **m = pyfmt_sorted_members(node, &n);
		buf_addc(b, obj ? '{' : '[');
		for (size_t i = 0; i < n; i++) {
			if (i)
				buf_addc(b, ',');
			if (obj) {
				pyfmt_json_string(b, m[i]->string, 1);
				buf_addc(b, ':');
			}
			pyfmt_json(b, m[i]);
		}
		buf_addc(b, obj ? '}' : ']');
		free(m);
		return;
	}
	}
}

/* -------------------------------------------------------------- str, repr */

/* Py_UNICODE_ISPRINTABLE: not in categories C* or Z*, except the space. */
static int printable(uint32_t c)
{
	if (c == ' ')
		return 1;
	if (c > 0x10FFFF)
		return 0;
	return !uc_is_general_category_withtable(c, UC_CATEGORY_MASK_C | UC_CATEGORY_MASK_Z);
}

static void repr_string(struct buf *b, const char *s)
{
	/* unicode_repr: single quotes unless the text has ' and no " */
	char quote = '\'';
	if (strchr(s, '\'') && !strchr(s, '"'))
		quote = '"';
	buf_addc(b, quote);
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		const unsigned char *start = p;
		uint32_t c = next_cp(&p);
		if (c == (uint32_t)quote || c == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, (char)c);
		} else if (c == '\t') {
			buf_adds(b, "\\t");
		} else if (c == '\n') {
			buf_adds(b, "\\n");
		} else if (c == '\r') {
			buf_adds(b, "\\r");
		} else if (c < ' ' || c == 0x7F) {
			buf_addf(b, "\\x%02x", (unsigned)c);
		} else if (c < 0x7F || printable(c)) {
			buf_add(b, start, (size_t)(p - start));
		} else if (c <= 0xFF) {
			buf_addf(b, "\\x%02x", (unsigned)c);
		} else if (c <= 0xFFFF) {
			buf_addf(b, "\\u%04x", (unsigned)c);
		} else {
			buf_addf(b, "\\U%08x", (unsigned)c);
		}
	}
	buf_addc(b, quote);
}

void pyfmt_repr(struct buf *b, const cJSON *node)
{
	switch (node->type & 0xFF) {
	case cJSON_String:
		repr_string(b, node->valuestring);
		return;
	case cJSON_Array:
	case cJSON_Object: {
		int obj = (node->type & 0xFF) == cJSON_Object;
		buf_addc(b, obj ? '{' : '[');
		for (const cJSON *c = node->child; c; c = c->next) {
			if (c != node->child)
				buf_adds(b, ", ");
			if (obj) {
				repr_string(b, c->string);
				buf_adds(b, ": ");
			}
			pyfmt_repr(b, c);
		}
		buf_addc(b, obj ? '}' : ']');
		return;
	}
	default:
		pyfmt_str(b, node);
	}
}

void pyfmt_str(struct buf *b, const cJSON *node)
{
	switch (node->type & 0xFF) {
	case cJSON_NULL: buf_adds(b, "None"); return;
	case cJSON_True: buf_adds(b, "True"); return;
	case cJSON_False: buf_adds(b, "False"); return;
	case cJSON_Raw: buf_adds(b, node->valuestring); return;
	case cJSON_String: buf_adds(b, node->valuestring); return;
	case cJSON_Number: {
		char t[32];
		pyfmt_float(node->valuedouble, t);
		buf_adds(b, t);
		return;
	}
	default:
		pyfmt_repr(b, node);
	}
}
