/*
 * pyjson.c - a JSON reader with the semantics of CPython 3.11's json module
 * (Modules/_json.c, strict mode), building cJSON trees.
 */
#include "pyjson.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "smshim.h"

/* CPython refuses to turn more digits than this into an int (sys.int_info). */
#define PY_INT_MAX_STR_DIGITS 4300

struct parser {
	const char *s;
	size_t len;
	size_t pos;
	int depth;
	struct pyjson_error *err;
};

/* ------------------------------------------------------------------ errors */

static void locate(const struct parser *p, size_t at, struct pyjson_error *err)
{
	size_t line = 1, col = 1;
	for (size_t i = 0; i < at && i < p->len; i++) {
		unsigned char c = (unsigned char)p->s[i];
		if (c == '\n') {
			line++;
			col = 1;
		} else if ((c & 0xC0) != 0x80) {
			col++;
		}
	}
	err->line = line;
	err->column = col;
}

static cJSON *fail(struct parser *p, size_t at, const char *msg)
{
	locate(p, at, p->err);
	snprintf(p->err->msg, sizeof p->err->msg, "%s", msg);
	return NULL;
}

/* --------------------------------------------------------------- scanning */

static void skip_ws(struct parser *p)
{
	while (p->pos < p->len) {
		char c = p->s[p->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->pos++;
	}
}

static int at_literal(const struct parser *p, const char *lit)
{
	size_t n = strlen(lit);
	return p->len - p->pos >= n && memcmp(p->s + p->pos, lit, n) == 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static long read_hex4(const struct parser *p, size_t at)
{
	if (p->len - at < 4)
		return -1;
	long v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hexval(p->s[at + (size_t)i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* Append code point `cp` in modified UTF-8 (see pyjson.h). */
static void put_cp(struct buf *b, unsigned long cp)
{
	unsigned char out[4];
	size_t n;
	if (cp == 0) {
		out[0] = 0xC0;
		out[1] = 0x80;
		n = 2;
	} else if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		out[0] = (unsigned char)(0xC0 | (cp >> 6));
		out[1] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		out[0] = (unsigned char)(0xE0 | (cp >> 12));
		out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		out[0] = (unsigned char)(0xF0 | (cp >> 18));
		out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		out[3] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	buf_add(b, out, n);
}

size_t pyjson_char(const char *s, size_t left, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c = u[0];
	size_t n = c < 0x80 ? 1 : c < 0xC0 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF8 ? 4 : 0;
	if (n == 0 || n > left)
		return 0;
	if (n > 1)
		c &= 0x7Fu >> n;
	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3F);
	}
	static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
	if ((c < least[n] && !(n == 2 && c == 0)) || c > 0x10FFFF)
		return 0;
	*cp = c;
	return n;
}

/*
 * Scan a string whose opening quote is at p->pos.  Returns the decoded text
 * (caller frees) or NULL after reporting.
 */
static char *scan_string(struct parser *p)
{
	size_t start = p->pos++;
	struct buf b = {0};
	for (;;) {
		if (p->pos >= p->len) {
			buf_free(&b);
			fail(p, start, "Unterminated string starting at");
			return NULL;
		}
		unsigned char c = (unsigned char)p->s[p->pos];
		if (c == '"') {
			p->pos++;
			return buf_detach(&b);
		}
		/* A stored NUL (C0 80) is a control character to Python too. */
		if (c < 0x20 || (c == 0xC0 && p->pos + 1 < p->len &&
				 (unsigned char)p->s[p->pos + 1] == 0x80)) {
			buf_free(&b);
			fail(p, p->pos, "Invalid control character at");
			return NULL;
		}
		if (c != '\\') {
			size_t run = p->pos;
			while (run < p->len) {
				unsigned char d = (unsigned char)p->s[run];
				if (d == '"' || d == '\\' || d < 0x20 || d == 0xC0)
					break;
				uint32_t cp;
				size_t n = pyjson_char(p->s + run, p->len - run, &cp);
				if (n == 0) {
					buf_free(&b);
					fail(p, run, "Invalid UTF-8 at");
					return NULL;
				}
				run += n;
			}
			if (run == p->pos) { /* a lone 0xC0 not followed by 0x80 */
				buf_free(&b);
				fail(p, run, "Invalid UTF-8 at");
				return NULL;
			}
			buf_add(&b, p->s + p->pos, run - p->pos);
			p->pos = run;
			continue;
		}
		/* an escape */
		size_t esc = p->pos;
		if (p->pos + 1 >= p->len) {
			buf_free(&b);
			fail(p, start, "Unterminated string starting at");
			return NULL;
		}
		char e = p->s[p->pos + 1];
		p->pos += 2;
		switch (e) {
		case '"': buf_addc(&b, '"'); continue;
		case '\\': buf_addc(&b, '\\'); continue;
		case '/': buf_addc(&b, '/'); continue;
		case 'b': buf_addc(&b, '\b'); continue;
		case 'f': buf_addc(&b, '\f'); continue;
		case 'n': buf_addc(&b, '\n'); continue;
		case 'r': buf_addc(&b, '\r'); continue;
		case 't': buf_addc(&b, '\t'); continue;
		case 'u': break;
		default:
			buf_free(&b);
			fail(p, esc, "Invalid \\escape");
			return NULL;
		}
		long cp = read_hex4(p, p->pos);
		if (cp < 0) {
			buf_free(&b);
			fail(p, esc, "Invalid \\uXXXX escape");
			return NULL;
		}
		p->pos += 4;
		/* A high surrogate followed by \u + low surrogate is one character. */
		if (cp >= 0xD800 && cp <= 0xDBFF && p->len - p->pos >= 6 &&
		    p->s[p->pos] == '\\' && p->s[p->pos + 1] == 'u') {
			long lo = read_hex4(p, p->pos + 2);
			if (lo < 0) {
				buf_free(&b);
				fail(p, p->pos, "Invalid \\uXXXX escape");
				return NULL;
			}
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				p->pos += 6;
			}
		}
		put_cp(&b, (unsigned long)cp);
	}
}

static cJSON *scan_number(struct parser *p)
{
	size_t start = p->pos, i = p->pos;
	int is_float = 0;
	if (i < p->len && p->s[i] == '-')
		i++;
	if (i < p->len && p->s[i] >= '1' && p->s[i] <= '9') {
		while (i < p->len && p->s[i] >= '0' && p->s[i] <= '9')
			i++;
	} else if (i < p->len && p->s[i] == '0') {
		i++;
	} else {
		return fail(p, start, "Expecting value");
	}
	if (i + 1 < p->len && p->s[i] == '.' && p->s[i + 1] >= '0' && p->s[i + 1] <= '9') {
		is_float = 1;
		i += 2;
		while (i < p->len && p->s[i] >= '0' && p->s[i] <= '9')
			i++;
	}
	if (i < p->len && (p->s[i] == 'e' || p->s[i] == 'E')) {
		size_t e = i++;
		if (i < p->len && (p->s[i] == '+' || p->s[i] == '-'))
			i++;
		size_t digits = i;
		while (i < p->len && p->s[i] >= '0' && p->s[i] <= '9')
			i++;
		if (i > digits)
			is_float = 1;
		else
			i = e; /* no exponent digits: the number ends before 'e' */
	}
	p->pos = i;
	char *text = xstrndup(p->s + start, i - start);
	cJSON *node;
	if (is_float) {
		node = pyjson_new_float(strtod(text, NULL));
	} else {
		size_t ndigits = i - start - (text[0] == '-');
		if (ndigits > PY_INT_MAX_STR_DIGITS) {
			free(text);
			return fail(p, start, "integer has more than 4300 digits");
		}
		node = cJSON_CreateRaw(strcmp(text, "-0") == 0 ? "0" : text);
	}
	free(text);
	return node;
}

/* ---------------------------------------------------------------- pydict */

/*
 * Small dicts are searched linearly; past this many keys a hash table keeps
 * building linear in the number of keys (100 000 hyperparameters).
 */
#define LINEAR_KEYS 16

static uint64_t hash_key(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static void index_put(struct pydict *d, cJSON *item);

static void index_grow(struct pydict *d)
{
	size_t cap = d->cap ? d->cap * 2 : 64;
	cJSON **old = d->slot;
	size_t old_cap = d->cap;
	d->slot = xcalloc(cap, sizeof(cJSON *));
	d->cap = cap;
	d->used = 0;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i])
			index_put(d, old[i]);
	free(old);
}

static void index_put(struct pydict *d, cJSON *item)
{
	if ((d->used + 1) * 2 > d->cap)
		index_grow(d);
	size_t i = (size_t)hash_key(item->string) & (d->cap - 1);
	while (d->slot[i])
		i = (i + 1) & (d->cap - 1);
	d->slot[i] = item;
	d->used++;
}

static cJSON **index_find(struct pydict *d, const char *key)
{
	size_t i = (size_t)hash_key(key) & (d->cap - 1);
	for (; d->slot[i]; i = (i + 1) & (d->cap - 1))
		if (strcmp(d->slot[i]->string, key) == 0)
			return &d->slot[i];
	return NULL;
}

void pyjson_append(cJSON *parent, cJSON *item)
{
	if (parent->child) {
		cJSON *tail = parent->child->prev;
		tail->next = item;
		item->prev = tail;
		parent->child->prev = item;
	} else {
		parent->child = item;
		item->prev = item;
	}
}

void pydict_init(struct pydict *d)
{
	memset(d, 0, sizeof *d);
	d->object = cJSON_CreateObject();
}

/* The slot of key in the index (when there is one) and its member, or NULL. */
static cJSON *lookup(struct pydict *d, const char *key, cJSON ***slot)
{
	*slot = NULL;
	if (d->slot) {
		*slot = index_find(d, key);
		return *slot ? **slot : NULL;
	}
	for (cJSON *c = d->object->child; c; c = c->next)
		if (strcmp(c->string, key) == 0)
			return c;
	return NULL;
}

cJSON *pydict_get(struct pydict *d, const char *key)
{
	cJSON **slot;
	return lookup(d, key, &slot);
}

void pydict_set(struct pydict *d, char *key, cJSON *value)
{
	cJSON **slot;
	cJSON *old = lookup(d, key, &slot);
	value->string = key;
	if (old) {
		if (slot)
			*slot = value; /* before old and its key are freed */
		cJSON_ReplaceItemViaPointer(d->object, old, value);
		return;
	}
	pyjson_append(d->object, value);
	d->count++;
	if (d->slot) {
		index_put(d, value);
	} else if (d->count > LINEAR_KEYS) {
		for (cJSON *c = d->object->child; c; c = c->next)
			index_put(d, c);
	}
}

cJSON *pydict_finish(struct pydict *d)
{
	cJSON *object = d->object;
	free(d->slot);
	memset(d, 0, sizeof *d);
	return object;
}

void pydict_free(struct pydict *d)
{
	cJSON_Delete(pydict_finish(d));
}

/* ------------------------------------------------------------------ values */

static cJSON *scan_value(struct parser *p);

/* After a member: 1 and past the ',' for another one, 0 and past `close`
 * at the end, -1 after reporting anything else. */
static int next_member(struct parser *p, char close)
{
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		return 0;
	}
	if (p->pos >= p->len || p->s[p->pos] != ',') {
		fail(p, p->pos, "Expecting ',' delimiter");
		return -1;
	}
	p->pos++;
	skip_ws(p);
	return 1;
}

static cJSON *scan_object(struct parser *p)
{
	struct pydict d;
	pydict_init(&d);
	p->pos++; /* '{' */
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == '}') {
		p->pos++;
		return pydict_finish(&d);
	}
	for (;;) {
		if (p->pos >= p->len || p->s[p->pos] != '"') {
			fail(p, p->pos, "Expecting property name enclosed in double quotes");
			goto error;
		}
		char *key = scan_string(p);
		if (!key)
			goto error;
		skip_ws(p);
		if (p->pos >= p->len || p->s[p->pos] != ':') {
			free(key);
			fail(p, p->pos, "Expecting ':' delimiter");
			goto error;
		}
		p->pos++;
		skip_ws(p);
		cJSON *value = scan_value(p);
		if (!value) {
			free(key);
			goto error;
		}
		pydict_set(&d, key, value);
		int more = next_member(p, '}');
		if (more < 0)
			goto error;
		if (!more)
			break;
	}
	return pydict_finish(&d);
error:
	pydict_free(&d);
	return NULL;
}

static cJSON *scan_array(struct parser *p)
{
	cJSON *arr = cJSON_CreateArray();
	p->pos++; /* '[' */
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == ']') {
		p->pos++;
		return arr;
	}
	for (;;) {
		cJSON *value = scan_value(p);
		if (!value)
			goto error;
		pyjson_append(arr, value);
		int more = next_member(p, ']');
		if (more < 0)
			goto error;
		if (!more)
			break;
	}
	return arr;
error:
	cJSON_Delete(arr);
	return NULL;
}

static cJSON *scan_value(struct parser *p)
{
	if (p->pos >= p->len)
		return fail(p, p->pos, "Expecting value");
	char c = p->s[p->pos];
	cJSON *node = NULL;
	if (c == '{' || c == '[') {
		if (p->depth >= SMSHIM_JSON_MAX_DEPTH) {
			p->err->too_deep = 1;
			return fail(p, p->pos, "nesting is deeper than 900 levels");
		}
		p->depth++;
		node = c == '{' ? scan_object(p) : scan_array(p);
		p->depth--;
		return node;
	}
	if (c == '"') {
		char *s = scan_string(p);
		if (!s)
			return NULL;
		node = cJSON_CreateString(s);
		free(s);
		return node;
	}
	static const struct {
		const char *text;
		int kind; /* 0 null, 1 true, 2 false, 3 number */
		double number;
	} literals[] = {
		{"null", 0, 0}, {"true", 1, 0}, {"false", 2, 0},
		{"NaN", 3, __builtin_nan("")}, {"Infinity", 3, __builtin_inf()},
		{"-Infinity", 3, -__builtin_inf()},
	};
	for (size_t i = 0; i < sizeof literals / sizeof literals[0]; i++) {
		if (!at_literal(p, literals[i].text))
			continue;
		p->pos += strlen(literals[i].text);
		switch (literals[i].kind) {
		case 0: return cJSON_CreateNull();
		case 1: return cJSON_CreateTrue();
		case 2: return cJSON_CreateFalse();
		default: return pyjson_new_float(literals[i].number);
		}
	}
	return scan_number(p);
}

/* ------------------------------------------------------------------ public */

void pyjson_init(void)
{
	cJSON_Hooks hooks = {xmalloc, free};
	cJSON_InitHooks(&hooks);
}

cJSON *pyjson_parse(const char *text, size_t len, struct pyjson_error *err)
{
	struct parser p = {text, len, 0, 0, err};
	err->too_deep = 0;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		return fail(&p, 0, "Unexpected UTF-8 BOM");
	skip_ws(&p);
	cJSON *root = scan_value(&p);
	if (!root)
		return NULL;
	skip_ws(&p);
	if (p.pos != p.len) {
		cJSON_Delete(root);
		return fail(&p, p.pos, "Extra data");
	}
	return root;
}

int pyjson_is_int(const cJSON *node)
{
	return node && (node->type & 0xFF) == cJSON_Raw;
}

cJSON *pyjson_new_float(double value)
{
	/*
	 * Not cJSON_CreateNumber: it also stores (int)value, which is undefined
	 * behaviour for NaN, infinities and anything beyond INT_MAX (found by
	 * tests/fuzz/fuzz_config).  smshim reads only valuedouble.
	 */
	cJSON *node = cJSON_CreateNull();
	node->type = cJSON_Number;
	node->valuedouble = value;
	return node;
}

cJSON *pyjson_new_int(long long value)
{
	char text[24];
	snprintf(text, sizeof text, "%lld", value);
	return cJSON_CreateRaw(text);
}
