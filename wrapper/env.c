/* env.c - Environment.to_env_vars and mapping.to_env_vars, byte for byte. */
#include "env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "awsconfig.h"
#include "buf.h"
#include "log.h"
#include "model.h"
#include "pyfmt.h"
#include "pyjson.h"
#include "smshim.h"

/*
 * The fixed part of Environment.to_env_vars, in its order: the variable's
 * key, the property it shows, and whether a bad value would come from
 * resourceconfig.json (else hyperparameters.json).
 */
static const struct {
	const char *key;
	const char *property;
	int from_resource_config;
} fixed_vars[] = {
	{"hosts", "hosts", 1},
	{"network_interface_name", "network_interface_name", 1},
	{"hps", "hyperparameters", 0},
	{"user_entry_point", "user_entry_point", 0},
	{"framework_params", "additional_framework_parameters", 0},
	{"resource_config", "resource_config", 1},
	{"input_data_config", "input_data_config", 0},
	{"output_data_dir", "output_data_dir", 0},
	{"channels", NULL, 0}, /* sorted channel names */
	{"current_host", "current_host", 1},
	{"current_instance_type", "current_instance_type", 1},
	{"current_instance_group", "current_instance_group", 1},
	{"current_instance_group_hosts", "current_instance_group_hosts", 1},
	{"instance_groups", "instance_groups", 1},
	{"instance_groups_dict", "instance_groups_dict", 1},
	{"distribution_instance_groups", "distribution_instance_groups", 0},
	{"is_hetero", "is_hetero", 1},
	{"module_name", "module_name", 0},
	{"log_level", "log_level", 0},
	{"framework_module", "framework_module", 0},
	{"input_dir", "input_dir", 0},
	{"input_config_dir", "input_config_dir", 0},
	{"output_dir", "output_dir", 0},
	{"num_cpus", "num_cpus", 0},
	{"num_gpus", "num_gpus", 0},
	{"num_neurons", "num_neurons", 0},
	{"model_dir", "model_dir", 0},
	{"module_dir", "module_dir", 0},
	{"training_env", NULL, 0}, /* the whole model */
	{"user_args", NULL, 0},    /* the script arguments */
	{"output_intermediate_dir", "output_intermediate_dir", 0},
	{"topology", "topology", 1}, /* only when non-empty (toolkit >= 5.1) */
};

struct env_builder {
	struct pydict vars;
	const struct job *job;
	int failed;
};

/* mapping.to_env_vars' format_value: str as is, None as "", else JSON */
static char *format_value(const cJSON *value)
{
	if (cJSON_IsString(value))
		return xstrdup(value->valuestring);
	if (cJSON_IsNull(value))
		return xstrdup("");
	struct buf b = {0};
	pyfmt_json(&b, value);
	return buf_detach(&b);
}

/* checked: the value may hold NUL or a surrogate (JSON text never does) */
static void add_text(struct env_builder *eb, char *name, char *value, int checked,
		     const char *origin)
{
	if (eb->failed) {
		free(name);
		free(value);
		return;
	}
	if ((checked && !pyfmt_is_portable(value)) || !pyfmt_is_portable(name)) {
		struct buf shown = {0};
		pyfmt_json_string(&shown, name, 1);
		log_fail(SMSHIM_EXIT_DATA,
			 "%s: %s would hold a NUL character or a lone surrogate, which no "
			 "environment variable can carry",
			 origin, shown.data);
		buf_free(&shown);
		free(name);
		free(value);
		eb->failed = 1;
		return;
	}
	pydict_set(&eb->vars, name, cJSON_CreateString(value));
	free(value);
}

/* "SM_" + key.upper() = format_value(value) */
static void add_sm(struct env_builder *eb, const char *key, const cJSON *value, const char *origin)
{
	char *upper = pyfmt_upper(key);
	if (!upper) { /* config.c refuses such names; keep the guard anyway */
		log_fail(SMSHIM_EXIT_DATA, "%s: \"%s\" is not valid UTF-8", origin, key);
		eb->failed = 1;
		return;
	}
	char *name = xconcat("SM_", upper, NULL);
	free(upper);
	/* JSON (ensure_ascii) escapes NUL and surrogates: only strings need a look */
	add_text(eb, name, format_value(value), cJSON_IsString(value), origin);
}

static cJSON *sorted_channels(const cJSON *channel_dirs)
{
	size_t n;
	const cJSON **m = pyfmt_sorted_members(channel_dirs, &n);
	cJSON *list = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++)
		pyjson_append(list, cJSON_CreateString(m[i]->string));
	free(m);
	return list;
}

/* SAGEMAKER_JOB_NAME, CURRENT_HOST, SAGEMAKER_REGION (Environment.__init__) */
static void add_toolkit_vars(struct env_builder *eb)
{
	const struct job *job = eb->job;
	const char *hp_file = job->hyperparameters_file;
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(job->sagemaker_params, "sagemaker_job_name");
	if (name && !cJSON_IsString(name)) {
		log_fail(SMSHIM_EXIT_DATA, "%s: sagemaker_job_name must be a string", hp_file);
		eb->failed = 1;
		return;
	}
	add_text(eb, xstrdup("SAGEMAKER_JOB_NAME"), xstrdup(name ? name->valuestring : ""), 1,
		 hp_file);
	add_text(eb, xstrdup("CURRENT_HOST"), xstrdup(job->current_host), 1,
		 job->resource_config_file);
	/* sagemaker_region, else boto3's default region; a false value gives "" */
	const cJSON *region = cJSON_GetObjectItemCaseSensitive(job->sagemaker_params, "sagemaker_region");
	char *text;
	if (!region) {
		text = awsconfig_default_region();
		if (!text)
			text = xstrdup("");
	} else if (!model_truthy(region)) {
		text = xstrdup("");
	} else if (cJSON_IsString(region)) {
		text = xstrdup(region->valuestring);
	} else {
		log_fail(SMSHIM_EXIT_DATA, "%s: sagemaker_region must be a string", hp_file);
		eb->failed = 1;
		return;
	}
	add_text(eb, xstrdup("SAGEMAKER_REGION"), text, 1, hp_file);
}

cJSON *env_build(const struct job *job, const cJSON *args)
{
	struct env_builder eb = {.job = job};
	pydict_init(&eb.vars);
	const cJSON *m = job->model;
	const char *hp_file = job->hyperparameters_file, *rc_file = job->resource_config_file;

	add_toolkit_vars(&eb);
	cJSON *channels = sorted_channels(cJSON_GetObjectItemCaseSensitive(m, "channel_input_dirs"));
	for (size_t i = 0; i < sizeof fixed_vars / sizeof fixed_vars[0]; i++) {
		const char *key = fixed_vars[i].key;
		const cJSON *value;
		if (strcmp(key, "channels") == 0)
			value = channels;
		else if (strcmp(key, "training_env") == 0)
			value = m;
		else if (strcmp(key, "user_args") == 0)
			value = args;
		else
			value = cJSON_GetObjectItemCaseSensitive(m, fixed_vars[i].property);
		if (strcmp(key, "topology") == 0 && !model_truthy(value))
			continue;
		add_sm(&eb, key, value, fixed_vars[i].from_resource_config ? rc_file : hp_file);
	}
	cJSON_Delete(channels);
	for (const cJSON *ch = cJSON_GetObjectItemCaseSensitive(m, "channel_input_dirs")->child; ch;
	     ch = ch->next) {
		char *key = xconcat("channel_", ch->string, NULL);
		add_sm(&eb, key, ch, job->input_data_config_file);
		free(key);
	}
	for (const cJSON *hp = job->hyperparameters->child; hp; hp = hp->next) {
		char *key = xconcat("hp_", hp->string, NULL);
		add_sm(&eb, key, hp, hp_file);
		free(key);
	}
	if (eb.failed) {
		pydict_free(&eb.vars);
		return NULL;
	}
	return pydict_finish(&eb.vars);
}

/* ------------------------------------------------------------------ merge */

void env_mark_active(cJSON *vars)
{
	char pid[24];
	snprintf(pid, sizeof pid, "%ld", (long)getpid());
	cJSON_DeleteItemFromObjectCaseSensitive(vars, SMSHIM_ENV_ACTIVE);
	cJSON_AddItemToObject(vars, SMSHIM_ENV_ACTIVE, cJSON_CreateString(pid));
}

static size_t name_len(const char *entry)
{
	const char *eq = strchr(entry, '=');
	return eq ? (size_t)(eq - entry) : strlen(entry);
}

char **env_merge(char *const *base, const cJSON *vars)
{
	size_t nbase = 0, nvars = (size_t)cJSON_GetArraySize(vars);
	while (base && base[nbase])
		nbase++;
	char **out = xcalloc(nbase + nvars + 1, sizeof *out);
	/* index our names, to replace in place in one pass */
	struct pydict index;
	pydict_init(&index);
	for (const cJSON *v = vars->child; v; v = v->next)
		pydict_set(&index, xstrdup(v->string), cJSON_CreateStringReference(v->valuestring));
	size_t n = 0;
	for (size_t i = 0; i < nbase; i++) {
		size_t len = name_len(base[i]);
		char *name = xstrndup(base[i], len);
		cJSON *mine = pydict_get(&index, name);
		if (!mine) {
			out[n++] = xstrdup(base[i]);
		} else if (mine->valuestring) {
			out[n++] = xconcat(name, "=", mine->valuestring, NULL);
			mine->valuestring = NULL; /* set: later duplicates go */
		}
		free(name);
	}
	for (const cJSON *v = vars->child; v; v = v->next) {
		cJSON *mine = pydict_get(&index, v->string);
		if (mine->valuestring)
			out[n++] = xconcat(v->string, "=", v->valuestring, NULL);
	}
	out[n] = NULL;
	pydict_free(&index);
	return out;
}

void env_free(char **envp)
{
	for (size_t i = 0; envp && envp[i]; i++)
		free(envp[i]);
	free(envp);
}
