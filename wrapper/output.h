/*
 * output.h - what `smshim env` and `smshim args` print.
 */
#ifndef SMSHIM_OUTPUT_H
#define SMSHIM_OUTPUT_H

#include <cjson/cJSON.h>

#include "buf.h"

enum output_format {
	OUTPUT_JSON,
	OUTPUT_SHELL,
	OUTPUT_DOTENV,
};

/*
 * The variables `vars` (name -> string) in a format:
 *   json:   one object with the SM_* variables only, keys sorted, as
 *           json.dumps(indent=1, sort_keys=True, ensure_ascii=False) writes it
 *           (the shape of the conformance expected-env.json);
 *   shell:  "export NAME='value'" lines, in the order they are set; a name
 *           no shell can hold (SM_HP_BATCH-SIZE) becomes a comment;
 *   dotenv: NAME=value lines as docker's --env-file reads them; a value
 *           with a newline is double-quoted with escapes (compose, dotenv).
 * Appends to `b`.
 */
void output_env(struct buf *b, const cJSON *vars, enum output_format format);

/*
 * The script arguments: json is a list of strings as json.dumps(args,
 * ensure_ascii=False) writes it; shell is shlex.join(args).
 */
void output_args(struct buf *b, const cJSON *args, enum output_format format);

/* shlex.quote(s) appended to b. */
void output_shell_quote(struct buf *b, const char *s);

#endif
