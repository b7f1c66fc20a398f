/* args.c - mapping.to_cmd_args: hyperparameters as script arguments. */
#include "args.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "output.h"
#include "pyfmt.h"
#include "pyjson.h"
#include "smshim.h"

/* len(key) in code points: U+0000 (stored as C0 80) counts as one */
static size_t code_points(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xC0) != 0x80)
			n++;
	return n;
}

static void arg_value(struct buf *b, const cJSON *value)
{
	if (cJSON_IsNull(value))
		return; /* _decode(None) is "" */
	if (!cJSON_IsObject(value)) {
		pyfmt_str(b, value);
		return;
	}
	size_t n;
	const cJSON **m = pyfmt_sorted_members(value, &n);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_addc(b, ',');
		buf_adds(b, m[i]->string); /* "%s=%s" % (k, v) */
		buf_addc(b, '=');
		pyfmt_str(b, m[i]);
	}
	free(m);
}

cJSON *args_build(const cJSON *hyperparameters)
{
	cJSON *args = cJSON_CreateArray();
	size_t n;
	const cJSON **keys = pyfmt_sorted_members(hyperparameters, &n);
	struct buf b = {0};
	for (size_t i = 0; i < n; i++) {
		const char *key = keys[i]->string;
		for (int part = 0; part < 2; part++) {
			buf_reset(&b);
			if (part == 1)
				arg_value(&b, keys[i]);
			else if (key[0])
				buf_addf(&b, "%s%s", code_points(key) == 1 ? "-" : "--", key);
			pyjson_append(args, cJSON_CreateString(b.data ? b.data : ""));
		}
	}
	buf_free(&b);
	free(keys);
	return args;
}

int args_check_portable(const cJSON *args, const cJSON *hyperparameters, const char *file)
{
	size_t i = 0;
	for (const cJSON *a = args->child; a; a = a->next, i++) {
		if (pyfmt_is_portable(a->valuestring))
			continue;
		/* arguments come in pairs, in the sorted order of the keys */
		size_t n;
		const cJSON **keys = pyfmt_sorted_members(hyperparameters, &n);
		struct buf shown = {0};
		pyfmt_json_string(&shown, i / 2 < n ? keys[i / 2]->string : "", 1);
		int rc = log_fail(SMSHIM_EXIT_DATA,
				  "%s: hyperparameter %s: its argument would hold a NUL character or "
				  "a lone surrogate, which no program argument can carry",
				  file, shown.data);
		buf_free(&shown);
		free(keys);
		return rc;
	}
	return 0;
}

int args_is_secret(const char *name)
{
	static const char *const words[] = {"password", "passwd", "token", "secret", "key"};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcasestr(name, words[i]))
			return 1;
	return 0;
}

char *args_display(char *const *cmd, const cJSON *args, const cJSON *hyperparameters)
{
	struct buf b = {0};
	for (size_t i = 0; cmd[i]; i++) {
		if (i)
			buf_addc(&b, ' ');
		output_shell_quote(&b, cmd[i]);
	}
	if (!args)
		return buf_detach(&b);
	size_t n, i = 0;
	const cJSON **keys = pyfmt_sorted_members(hyperparameters, &n);
	for (const cJSON *a = args->child; a; a = a->next, i++) {
		if (b.len)
			buf_addc(&b, ' ');
		/* arguments come in pairs, in the sorted order of the keys */
		int hide = i % 2 == 1 && i / 2 < n && args_is_secret(keys[i / 2]->string);
		output_shell_quote(&b, hide ? "****" : a->valuestring);
	}
	free(keys);
	return buf_detach(&b);
}
