/*
 * config.c - read hyperparameters.json, resourceconfig.json and
 * inputdataconfig.json the way the toolkit does (environment.py read_*,
 * mapping.split_by_criteria), and refuse what it would crash on, with a
 * reason.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <unistr.h>

#include "buf.h"
#include "log.h"
#include "pyfmt.h"
#include "pyjson.h"
#include "smshim.h"

/*
 * Framework parameters without (or besides) the sagemaker_ prefix rule that
 * the toolkit removes from the user's hyperparameters and does not pass on
 * as additional framework parameters (params.py SAGEMAKER_HYPERPARAMETERS).
 */
static const char *const fixed_params[] = {
	"sagemaker_program",
	"sagemaker_submit_directory",
	"sagemaker_enable_cloudwatch_metrics",
	"sagemaker_region",
	"sagemaker_container_log_level",
	"sagemaker_job_name",
	"default_user_module_name",
	"_tuning_objective_metric",
	"sagemaker_s3_output",
};

const char *config_base_dir(void)
{
	const char *dir = getenv(SMSHIM_ENV_BASE_DIR);
	return dir ? dir : SMSHIM_DEFAULT_BASE_DIR;
}

char *config_join(const char *a, const char *b)
{
	size_t n = strlen(a);
	if (b[0] == '/')
		return xstrdup(b);
	if (n == 0 || a[n - 1] == '/')
		return xconcat(a, b, NULL);
	return xconcat(a, "/", b, NULL);
}

/* ---------------------------------------------------------------- reading */

static void where(const char *text, size_t at, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < at; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

static int read_file(const char *path, struct buf *out)
{
	/* O_NONBLOCK: a FIFO in the file's place must not hang the job */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return log_fail(SMSHIM_EXIT_NOINPUT, "%s: cannot open: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return log_fail(SMSHIM_EXIT_NOINPUT, "%s: is %s, not a regular file", path,
				S_ISDIR(st.st_mode) ? "a directory" : "a special file");
	}
	if (st.st_size > SMSHIM_CONFIG_MAX_BYTES) {
		close(fd);
		return log_fail(SMSHIM_EXIT_DATA, "%s: file is %.1f MiB; a config file may hold at most %u MiB",
				path, (double)st.st_size / (1024.0 * 1024.0),
				SMSHIM_CONFIG_MAX_BYTES / (1024 * 1024));
	}
	char chunk[65536];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			return log_fail(SMSHIM_EXIT_NOINPUT, "%s: cannot read: %s", path, strerror(e));
		}
		if (n == 0)
			break;
		if (out->len + (size_t)n > SMSHIM_CONFIG_MAX_BYTES) {
			close(fd);
			return log_fail(SMSHIM_EXIT_DATA, "%s: file is larger than %u MiB, the limit for a config file",
					path, SMSHIM_CONFIG_MAX_BYTES / (1024 * 1024));
		}
		buf_add(out, chunk, (size_t)n);
	}
	close(fd);
	return 0;
}

/* Read and parse one file; its top level must be an object. */
static int load_json(const char *path, cJSON **out)
{
	struct buf text = {0};
	if (read_file(path, &text) < 0) {
		buf_free(&text);
		return -1;
	}
	const char *data = text.data ? text.data : "";
	const uint8_t *bad = u8_check((const uint8_t *)data, text.len);
	if (bad) {
		size_t line, col;
		where(data, (size_t)((const char *)bad - data), &line, &col);
		buf_free(&text);
		return log_fail(SMSHIM_EXIT_DATA, "%s: line %zu column %zu: not valid UTF-8", path, line, col);
	}
	struct pyjson_error err;
	cJSON *root = pyjson_parse(data, text.len, &err);
	buf_free(&text);
	if (!root)
		return log_fail(SMSHIM_EXIT_DATA, "%s: line %zu column %zu: %s", path, err.line,
				err.column, err.msg);
	if (!cJSON_IsObject(root)) {
		const char *kind = cJSON_IsArray(root) ? "an array" : cJSON_IsNull(root) ? "null"
				   : cJSON_IsString(root) ? "a string" : "a single value";
		cJSON_Delete(root);
		return log_fail(SMSHIM_EXIT_DATA, "%s: must hold a JSON object, not %s", path, kind);
	}
	*out = root;
	return 0;
}

/* -------------------------------------------------------- hyperparameters */

static int is_fixed_param(const char *key)
{
	for (size_t i = 0; i < sizeof fixed_params / sizeof fixed_params[0]; i++)
		if (strcmp(key, fixed_params[i]) == 0)
			return 1;
	return 0;
}

/*
 * Each value is json.loads()ed; a value that does not decode stays as it
 * is.  One nested too deep is refused: Python's decoder does not fail with
 * a ValueError there but with a RecursionError, which the toolkit does not
 * catch.  Returns 0, or -1 after log_fail().
 */
static int decode_values(const struct job *job, cJSON *hps)
{
	for (cJSON *item = hps->child; item; item = item->next) {
		if (!cJSON_IsString(item))
			continue;
		struct pyjson_error err;
		cJSON *value = pyjson_parse(item->valuestring, strlen(item->valuestring), &err);
		if (!value && err.too_deep) {
			struct buf shown = {0};
			pyfmt_json_string(&shown, item->string, 1);
			int rc = log_fail(SMSHIM_EXIT_DATA, "%s: the value of hyperparameter %s: %s",
					  job->hyperparameters_file, shown.data, err.msg);
			buf_free(&shown);
			return rc;
		}
		if (!value) {
			log_debug("hyperparameter \"%s\" is not JSON (%s): used as a string", item->string,
				  err.msg);
			continue;
		}
		/* swap the decoded value into the same list position */
		value->string = item->string;
		item->string = NULL;
		cJSON_ReplaceItemViaPointer(hps, item, value);
		item = value;
	}
	return 0;
}

/*
 * mapping.split_by_criteria: framework parameters are the fixed names and
 * every key starting with "sagemaker_" (case matters); the rest are the
 * user's.  Additional framework parameters are the framework ones minus
 * the fixed names.
 */
static void split_hyperparameters(struct job *job, cJSON *all)
{
	job->hyperparameters = cJSON_CreateObject();
	job->sagemaker_params = cJSON_CreateObject();
	job->framework_params = cJSON_CreateObject();
	while (all->child) {
		cJSON *item = cJSON_DetachItemViaPointer(all, all->child);
		int fixed = is_fixed_param(item->string);
		if (fixed || strncmp(item->string, "sagemaker_", 10) == 0) {
			if (!fixed)
				cJSON_AddItemReferenceToObject(job->framework_params, item->string, item);
			cJSON_AddItemToArray(job->sagemaker_params, item);
			continue;
		}
		pyjson_append(job->hyperparameters, item); /* there may be many thousands */
	}
	cJSON_Delete(all);
}

/* ------------------------------------------------------------- validation */

static int has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7F)
			return 1;
	return 0;
}

/*
 * A name that becomes part of an environment variable's name: no '=', no
 * NUL, no control character, no lone surrogate.
 */
static const char *bad_name(const char *name)
{
	if (!pyfmt_is_portable(name))
		return "holds a NUL character or a lone surrogate";
	if (strchr(name, '='))
		return "holds '=', which cannot be part of an environment variable's name";
	if (has_control(name))
		return "holds a control character (a newline, a tab...)";
	return NULL;
}

static int check_hyperparameters(const struct job *job, const cJSON *all)
{
	for (const cJSON *item = all->child; item; item = item->next) {
		const char *why = bad_name(item->string);
		if (why) {
			struct buf shown = {0};
			pyfmt_json_string(&shown, item->string, 1);
			int rc = log_fail(SMSHIM_EXIT_DATA, "%s: hyperparameter name %s %s",
					  job->hyperparameters_file, shown.data, why);
			buf_free(&shown);
			return rc;
		}
	}
	return 0;
}

static int check_channels(const struct job *job)
{
	for (const cJSON *ch = job->input_data_config->child; ch; ch = ch->next) {
		const char *name = ch->string, *why = bad_name(name);
		if (!why && (name[0] == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
			     strchr(name, '/')))
			why = "must name a directory inside input/data/ (no '/', not empty, '.' or '..')";
		if (why) {
			struct buf shown = {0};
			pyfmt_json_string(&shown, name, 1);
			int rc = log_fail(SMSHIM_EXIT_DATA, "%s: channel name %s %s",
					  job->input_data_config_file, shown.data, why);
			buf_free(&shown);
			return rc;
		}
	}
	return 0;
}

static int is_string_list(const cJSON *v, int nonempty)
{
	if (!cJSON_IsArray(v) || (nonempty && !v->child))
		return 0;
	for (const cJSON *c = v->child; c; c = c->next)
		if (!cJSON_IsString(c))
			return 0;
	return 1;
}

static int check_resource_config(struct job *job)
{
	const char *path = job->resource_config_file;
	const cJSON *rc = job->resource_config, *v;
	v = cJSON_GetObjectItemCaseSensitive(rc, "current_host");
	if (!v)
		return log_fail(SMSHIM_EXIT_DATA, "%s: \"current_host\" is missing", path);
	if (!cJSON_IsString(v))
		return log_fail(SMSHIM_EXIT_DATA, "%s: \"current_host\" must be a string", path);
	job->current_host = v->valuestring;
	v = cJSON_GetObjectItemCaseSensitive(rc, "hosts");
	if (!v)
		return log_fail(SMSHIM_EXIT_DATA, "%s: \"hosts\" is missing", path);
	if (!is_string_list(v, 1))
		return log_fail(SMSHIM_EXIT_DATA, "%s: \"hosts\" must be a non-empty list of host names", path);
	job->hosts = v;
	static const char *const strings[] = {"current_instance_type", "current_group_name",
					       "network_interface_name"};
	for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
		v = cJSON_GetObjectItemCaseSensitive(rc, strings[i]);
		if (v && !cJSON_IsString(v))
			return log_fail(SMSHIM_EXIT_DATA, "%s: \"%s\" must be a string", path, strings[i]);
	}
	v = cJSON_GetObjectItemCaseSensitive(rc, "instance_groups");
	if (v && !cJSON_IsArray(v))
		return log_fail(SMSHIM_EXIT_DATA, "%s: \"instance_groups\" must be a list", path);
	int i = 0;
	for (const cJSON *g = v ? v->child : NULL; g; g = g->next, i++) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(g, "instance_group_name");
		const cJSON *hosts = cJSON_GetObjectItemCaseSensitive(g, "hosts");
		if (!cJSON_IsObject(g) || !cJSON_IsString(name) || !is_string_list(hosts, 0))
			return log_fail(SMSHIM_EXIT_DATA,
					"%s: instance_groups[%d] must be an object with a string "
					"\"instance_group_name\" and a list of \"hosts\"",
					path, i);
	}
	return 0;
}

/* ------------------------------------------------------------------ public */

static void set_paths(struct job *job, const char *base)
{
	job->base_dir = xstrdup(base);
	job->code_dir = config_join(base, "code");
	job->model_dir = config_join(base, "model");
	job->input_dir = config_join(base, "input");
	job->input_config_dir = config_join(job->input_dir, "config");
	job->input_data_dir = config_join(job->input_dir, "data");
	job->output_dir = config_join(base, "output");
	job->output_data_dir = config_join(job->output_dir, "data");
	job->output_intermediate_dir = config_join(job->output_dir, "intermediate");
	job->hyperparameters_file = config_join(job->input_config_dir, "hyperparameters.json");
	job->resource_config_file = config_join(job->input_config_dir, "resourceconfig.json");
	job->input_data_config_file = config_join(job->input_config_dir, "inputdataconfig.json");
}

int config_load(struct job *job, const char *base_dir)
{
	cJSON *all = NULL;
	memset(job, 0, sizeof *job);
	set_paths(job, base_dir);
	if (load_json(job->hyperparameters_file, &all) < 0 || check_hyperparameters(job, all) < 0 ||
	    load_json(job->resource_config_file, &job->resource_config) < 0 ||
	    check_resource_config(job) < 0 ||
	    load_json(job->input_data_config_file, &job->input_data_config) < 0 ||
	    check_channels(job) < 0) {
		cJSON_Delete(all);
		return -1;
	}
	if (decode_values(job, all) < 0) {
		cJSON_Delete(all);
		return -1;
	}
	split_hyperparameters(job, all);
	return 0;
}

void job_free(struct job *job)
{
	char **paths[] = {&job->base_dir, &job->code_dir, &job->model_dir, &job->input_dir,
			  &job->input_config_dir, &job->input_data_dir, &job->output_dir,
			  &job->output_data_dir, &job->output_intermediate_dir,
			  &job->hyperparameters_file, &job->resource_config_file,
			  &job->input_data_config_file};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		free(*paths[i]);
		*paths[i] = NULL;
	}
	cJSON_Delete(job->model); /* holds references only: delete it first */
	cJSON_Delete(job->framework_params);
	cJSON_Delete(job->hyperparameters);
	cJSON_Delete(job->sagemaker_params);
	cJSON_Delete(job->resource_config);
	cJSON_Delete(job->input_data_config);
	job->model = job->framework_params = job->hyperparameters = NULL;
	job->sagemaker_params = job->resource_config = job->input_data_config = NULL;
}
