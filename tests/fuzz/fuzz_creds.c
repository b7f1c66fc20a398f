/*
 * fuzz_creds.c - any bytes as a credential endpoint's answer (the
 * container endpoint and instance metadata are the network talking).
 * Properties: awscreds_parse() never fails unsafely, and what it accepts
 * is complete: a key id and a secret, no control character in them.
 * cJSON's parser is compiled in from source, so its paths are explored too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "awscreds.h"
#include "log.h"
#include "pyjson.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	return 0;
}

static void no_control(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7F)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aws_credentials c;
	const char *why = NULL;
	if (awscreds_parse((const char *)data, size, &c, &why) == 0) {
		if (!c.access_key_id || !c.access_key_id[0] || !c.secret_access_key ||
		    !c.secret_access_key[0])
			abort();
		no_control(c.access_key_id);
		no_control(c.secret_access_key);
		no_control(c.session_token);
		awscreds_free(&c);
	} else if (!why) {
		abort(); /* a refusal always says why */
	}
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	long long t;
	awscreds_parse_time(text, &t);
	free(text);
	return 0;
}
