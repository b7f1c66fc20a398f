/*
 * pyfmt.h - print values the way CPython 3.11 prints them.
 *
 * The toolkit turns hyperparameters into environment variables with
 * json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=True) and
 * into script arguments with str() and repr().  Scripts compare these
 * strings, so every byte matters: 1e-05 not 1e-5, True not true, {'a': 1}
 * with a space after the colon.  Values are cJSON trees as pyjson.h builds
 * them (integers as cJSON_Raw text, strings in modified UTF-8).
 */
#ifndef SMSHIM_PYFMT_H
#define SMSHIM_PYFMT_H

#include <cjson/cJSON.h>

#include "buf.h"

/* repr(float) (and str(float)): "1e-05", "0.1", "1e+16", "-0.0", "nan", "-inf". */
void pyfmt_float(double x, char out[32]);

/* json.dumps(node, sort_keys=True, separators=(",", ":"), ensure_ascii=True). */
void pyfmt_json(struct buf *b, const cJSON *node);

/*
 * A JSON string literal for `s` as json.dumps writes it: with
 * ensure_ascii, every non-ASCII character and DEL become \uXXXX escapes;
 * without it, only quotes, backslashes and control characters are escaped.
 */
void pyfmt_json_string(struct buf *b, const char *s, int ensure_ascii);

/* str(value): a string is itself, None is "None", True is "True". */
void pyfmt_str(struct buf *b, const cJSON *node);

/* repr(value): strings quoted and escaped, containers in source order. */
void pyfmt_repr(struct buf *b, const cJSON *node);

/* Python's string order (code points) for two modified UTF-8 strings: <0, 0, >0. */
int pyfmt_strcmp(const char *a, const char *b);

/*
 * The children of an object or array as a NULL-terminated array in
 * Python's sorted() key order (objects) or as they are (arrays).
 * Returns a new array (free it) and its length in *n.
 */
const cJSON **pyfmt_sorted_members(const cJSON *object, size_t *n);

/*
 * Whether a modified UTF-8 string can leave the process as it is: 0 when it
 * holds U+0000 or a lone surrogate, which no environment variable or
 * argument can carry; 1 otherwise.
 */
int pyfmt_is_portable(const char *s);

/*
 * Python's str.upper() of a UTF-8 string (full Unicode case mapping:
 * "straße" -> "STRASSE").  Returns a new string, or NULL when `s` is not
 * valid UTF-8.
 */
char *pyfmt_upper(const char *s);

#endif
