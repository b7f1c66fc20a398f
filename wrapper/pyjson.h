/*
 * pyjson.h - read JSON exactly as Python's json.loads does.
 *
 * SageMaker's toolkit decodes the config files and every hyperparameter
 * value with Python's json module, and the values it exports depend on the
 * details: integers keep every digit, "1.0" stays a float, NaN, Infinity and
 * -Infinity are accepted, a repeated key keeps its first position and its
 * last value.  cJSON's own parser turns every number into a double, so this
 * reader builds the cJSON tree itself, with two conventions:
 *
 *   - an integer is a cJSON_Raw node whose valuestring is its decimal text
 *     (what Python's str(int) prints); a float is a cJSON_Number;
 *   - strings are "modified UTF-8": U+0000 is stored as the bytes C0 80 and a
 *     lone surrogate escape (\ud800) as its three-byte form, so every string
 *     is a C string and still says exactly what the JSON text said.
 *
 * A string that is not modified UTF-8 is refused ("Invalid UTF-8"): Python
 * could not have decoded such a text, and two different byte strings must
 * never stand for the same string.
 */
#ifndef SMSHIM_PYJSON_H
#define SMSHIM_PYJSON_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

struct pyjson_error {
	size_t line;   /* 1-based */
	size_t column; /* 1-based, in characters */
	char msg[96];
	int too_deep;  /* nested beyond SMSHIM_JSON_MAX_DEPTH (Python: RecursionError) */
};

/*
 * Make cJSON allocate with xmalloc (buf.h), so that no cJSON_Create* call
 * returns NULL.  Call once before building any tree.
 */
void pyjson_init(void);

/*
 * The character at s in modified UTF-8, reading at most `left` bytes:
 * returns its length (1 to 4) with its code point in *cp, or 0 when the
 * bytes there are not one: a stray or cut-short byte, an overlong form
 * (but C0 80, the stored U+0000) or beyond U+10FFFF.  A surrogate in its
 * three-byte form is one.  The reader accepts and the printer decodes by
 * this one rule, so what is printed reads back as the same text.
 */
size_t pyjson_char(const char *s, size_t left, uint32_t *cp);

/*
 * Parse `len` bytes of JSON text (valid UTF-8 or modified UTF-8).
 * Returns a new tree, or NULL with *err saying where and why.
 */
cJSON *pyjson_parse(const char *text, size_t len, struct pyjson_error *err);

/*
 * An object being built with Python dict semantics: setting a key that is
 * already there replaces its value and keeps its position.  Stays linear in
 * the number of keys.
 */
struct pydict {
	cJSON *object;
	size_t count;
	cJSON **slot; /* hash index, once the object is large */
	size_t cap;
	size_t used;
};

void pydict_init(struct pydict *d);
/* Set key (taken over: freed with the tree) to value (taken over). */
void pydict_set(struct pydict *d, char *key, cJSON *value);
/* The member named key, or NULL. */
cJSON *pydict_get(struct pydict *d, const char *key);
/* The finished object (caller owns it); the dict is empty afterwards. */
cJSON *pydict_finish(struct pydict *d);
void pydict_free(struct pydict *d);

/*
 * Append item to an array or object in O(1) (cJSON_AddItemToArray walks
 * the whole list first).  An object member must have item->string set.
 */
void pyjson_append(cJSON *parent, cJSON *item);

/* True when the node is an integer (a cJSON_Raw node, see above). */
int pyjson_is_int(const cJSON *node);

/* A new float node (cJSON_Number) holding `value`, NaN and infinities included. */
cJSON *pyjson_new_float(double value);

/* A new integer node holding `value`. */
cJSON *pyjson_new_int(long long value);

#endif
