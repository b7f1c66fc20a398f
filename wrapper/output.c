/* output.c - what `smshim env` and `smshim args` print. */
#include "output.h"

#include <stdlib.h>
#include <string.h>

#include "pyfmt.h"

void output_shell_quote(struct buf *b, const char *s)
{
	/* shlex.quote: safe as it is when made only of [\w@%+=:,./-] (ASCII) */
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789_@%+=:,./-";
	if (s[0] && strspn(s, safe) == strlen(s)) {
		buf_adds(b, s);
		return;
	}
	buf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_adds(b, "'\"'\"'");
		else
			buf_addc(b, *s);
	}
	buf_addc(b, '\'');
}

static int shell_name(const char *s)
{
	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
		return 0;
	for (s++; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

static void dotenv_value(struct buf *b, const char *v)
{
	if (!strpbrk(v, "\n\r")) {
		buf_adds(b, v);
		return;
	}
	buf_addc(b, '"');
	for (; *v; v++) {
		switch (*v) {
		case '\n': buf_adds(b, "\\n"); break;
		case '\r': buf_adds(b, "\\r"); break;
		case '"': buf_adds(b, "\\\""); break;
		case '\\': buf_adds(b, "\\\\"); break;
		default: buf_addc(b, *v);
		}
	}
	buf_addc(b, '"');
}

static void env_json(struct buf *b, const cJSON *vars)
{
	size_t n, shown = 0;
	const cJSON **m = pyfmt_sorted_members(vars, &n);
	buf_addc(b, '{');
	for (size_t i = 0; i < n; i++) {
		if (strncmp(m[i]->string, "SM_", 3) != 0)
			continue;
		buf_adds(b, shown++ ? ",\n " : "\n ");
		pyfmt_json_string(b, m[i]->string, 0);
		buf_adds(b, ": ");
		pyfmt_json_string(b, m[i]->valuestring, 0);
	}
	buf_adds(b, shown ? "\n}\n" : "}\n");
	free(m);
}

void output_env(struct buf *b, const cJSON *vars, enum output_format format)
{
	if (format == OUTPUT_JSON) {
		env_json(b, vars);
		return;
	}
	for (const cJSON *v = vars->child; v; v = v->next) {
		if (format == OUTPUT_DOTENV) {
			buf_adds(b, v->string);
			buf_addc(b, '=');
			dotenv_value(b, v->valuestring);
		} else if (shell_name(v->string)) {
			buf_addf(b, "export %s=", v->string);
			output_shell_quote(b, v->valuestring);
		} else {
			buf_addf(b, "# %s is not a valid shell variable name: only smshim -- COMMAND "
				    "can set it", v->string);
		}
		buf_addc(b, '\n');
	}
}

void output_args(struct buf *b, const cJSON *args, enum output_format format)
{
	if (format == OUTPUT_JSON)
		buf_addc(b, '[');
	for (const cJSON *a = args->child; a; a = a->next) {
		if (a != args->child)
			buf_adds(b, format == OUTPUT_JSON ? ", " : " ");
		if (format == OUTPUT_JSON)
			pyfmt_json_string(b, a->valuestring, 0);
		else
			output_shell_quote(b, a->valuestring);
	}
	buf_adds(b, format == OUTPUT_JSON ? "]\n" : "\n");
}
