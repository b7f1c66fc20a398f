/*
 * fuzz_pyfmt.c - the Python-compatible printing and parsing, with the
 * properties that must hold for any input:
 *   - repr(float) reads back as the same double;
 *   - json.dumps output reads back (pyjson) and prints the same again;
 *   - str() and repr() of any decoded value, and upper() of any UTF-8
 *     text, do not fail.
 * Input: 8 bytes of a double, then text decoded as a hyperparameter value.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "pyfmt.h"
#include "pyjson.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	return 0;
}

static void roundtrip_json(const cJSON *v)
{
	struct buf once = {0}, twice = {0};
	pyfmt_json(&once, v);
	struct pyjson_error err;
	cJSON *back = pyjson_parse(once.data, once.len, &err);
	if (!back)
		abort(); /* what smshim prints as JSON must read back */
	pyfmt_json(&twice, back);
	if (once.len != twice.len || memcmp(once.data, twice.data, once.len) != 0)
		abort();
	cJSON_Delete(back);
	buf_free(&once);
	buf_free(&twice);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= 8) {
		double x;
		memcpy(&x, data, sizeof x);
		char text[32];
		pyfmt_float(x, text);
		double back = strtod(text, NULL);
		if (isnan(x) ? !isnan(back) && strcmp(text, "nan") != 0
			     : (back != x || signbit(back) != signbit(x)) && !isinf(x))
			abort();
		data += 8;
		size -= 8;
	}
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	struct pyjson_error err;
	cJSON *v = pyjson_parse(s, size, &err);
	if (v) {
		struct buf b = {0};
		pyfmt_str(&b, v);
		pyfmt_repr(&b, v);
		buf_free(&b);
		roundtrip_json(v);
		cJSON_Delete(v);
	}
	char *up = pyfmt_upper(s);
	free(up);
	/* as a string value, as the config reader stores undecodable values */
	cJSON *str = cJSON_CreateString(s);
	struct buf b = {0};
	pyfmt_repr(&b, str);
	pyfmt_json_string(&b, s, 0);
	roundtrip_json(str);
	buf_free(&b);
	cJSON_Delete(str);
	free(s);
	return 0;
}
