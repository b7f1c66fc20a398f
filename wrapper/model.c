/*
 * model.c - derive the Environment properties of toolkit environment.py
 * (Environment.__init__ and its properties) from the files.
 */
#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "log.h"
#include "pyfmt.h"
#include "pyjson.h"
#include "smshim.h"
#include "which.h"

/* Framework flags that put the current group into distribution (environment.py). */
static const char *const distribution_flags[] = {
	"sagemaker_mpi_enabled",
	"sagemaker_parameter_server_enabled",
	"sagemaker_distributed_dataparallel_enabled",
	"sagemaker_pytorch_ddp_enabled",
	"sagemaker_pytorch_xla_multi_worker_enabled",
	"sagemaker_multi_worker_mirrored_strategy_enabled",
	"sagemaker_torch_distributed_enabled",
};

int model_truthy(const cJSON *v)
{
	if (!v)
		return 0;
	switch (v->type & 0xFF) {
	case cJSON_True: return 1;
	case cJSON_Raw: return strcmp(v->valuestring, "0") != 0;
	case cJSON_Number: return v->valuedouble != 0; /* NaN is true, as in Python */
	case cJSON_String: return v->valuestring[0] != '\0';
	case cJSON_Array:
	case cJSON_Object: return v->child != NULL;
	default: return 0;
	}
}

cJSON *model_ref(const cJSON *item)
{
	switch (item->type & 0xFF) {
	case cJSON_Object: return cJSON_CreateObjectReference(item->child);
	case cJSON_Array: return cJSON_CreateArrayReference(item->child);
	case cJSON_String: return cJSON_CreateStringReference(item->valuestring);
	default: return cJSON_Duplicate(item, 0);
	}
}

static void put(cJSON *obj, const char *key, cJSON *value)
{
	cJSON_AddItemToObject(obj, key, value);
}

static void put_str(cJSON *obj, const char *key, const char *s)
{
	put(obj, key, s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

/* `name` in `list` (a JSON list), comparing strings as Python's == would. */
static int in_list(const char *name, const cJSON *list)
{
	for (const cJSON *c = list ? list->child : NULL; c; c = c->next)
		if (cJSON_IsString(c) && strcmp(c->valuestring, name) == 0)
			return 1;
	return 0;
}

/* environment.py get_distribution_instance_groups_from_resource_config */
static cJSON *distribution_groups(const struct job *job, const char *current_group)
{
	cJSON *given = cJSON_GetObjectItemCaseSensitive(job->framework_params,
							"sagemaker_distribution_instance_groups");
	if (given)
		return model_ref(given);
	cJSON *groups = cJSON_CreateArray();
	for (size_t i = 0; i < sizeof distribution_flags / sizeof distribution_flags[0]; i++) {
		if (model_truthy(cJSON_GetObjectItemCaseSensitive(job->framework_params,
								  distribution_flags[i]))) {
			cJSON_AddItemToArray(groups, cJSON_CreateString(current_group));
			break;
		}
	}
	return groups;
}

/* $SM_HP_MP_PARAMETERS of smshim's own environment: null, "", false or true */
static cJSON *modelparallel(void)
{
	const char *mp = getenv("SM_HP_MP_PARAMETERS");
	if (!mp)
		return cJSON_CreateNull();
	if (!mp[0])
		return cJSON_CreateString("");
	return cJSON_CreateBool(strcmp(mp, "{}") != 0);
}

static cJSON *installed(const char *program)
{
	char *path = which(program);
	free(path);
	return cJSON_CreateBool(path != NULL);
}

/* str(value) as a new string node */
static cJSON *str_node(const cJSON *value)
{
	struct buf b = {0};
	pyfmt_str(&b, value);
	cJSON *node = cJSON_CreateString(b.data ? b.data : "");
	buf_free(&b);
	return node;
}

/* module_name: $SAGEMAKER_PROGRAM if set, else str(sagemaker_program), minus ".py" */
static cJSON *module_name(const cJSON *program)
{
	const char *env = getenv("SAGEMAKER_PROGRAM");
	cJSON *name = env ? cJSON_CreateString(env)
			  : program ? str_node(program) : cJSON_CreateString("None");
	size_t n = strlen(name->valuestring);
	if (n >= 3 && strcmp(name->valuestring + n - 3, ".py") == 0)
		name->valuestring[n - 3] = '\0';
	return name;
}

/* user_entry_point: a non-empty $SAGEMAKER_PROGRAM, else the hyperparameter, else None */
static cJSON *user_entry_point(const cJSON *program)
{
	const char *env = getenv("SAGEMAKER_PROGRAM");
	if (env && env[0])
		return cJSON_CreateString(env);
	return program ? model_ref(program) : cJSON_CreateNull();
}

int model_build(struct job *job, const struct hardware *hw)
{
	const cJSON *rc = job->resource_config, *sm = job->sagemaker_params;
	cJSON *m = cJSON_CreateObject();
	const cJSON *v;

	const char *instance_type = "local", *current_group = "homogeneousCluster";
	if ((v = cJSON_GetObjectItemCaseSensitive(rc, "current_instance_type")))
		instance_type = v->valuestring;
	if ((v = cJSON_GetObjectItemCaseSensitive(rc, "current_group_name")))
		current_group = v->valuestring;
	const cJSON *groups = cJSON_GetObjectItemCaseSensitive(rc, "instance_groups");

	/* instance groups */
	cJSON *group_names = cJSON_CreateArray(), *group_hosts = NULL;
	struct pydict by_name;
	pydict_init(&by_name);
	for (const cJSON *g = groups ? groups->child : NULL; g; g = g->next) {
		const char *name = cJSON_GetObjectItemCaseSensitive(g, "instance_group_name")->valuestring;
		cJSON_AddItemToArray(group_names, cJSON_CreateString(name));
		pydict_set(&by_name, xstrdup(name), model_ref(g));
		if (!group_hosts && strcmp(name, current_group) == 0)
			group_hosts = model_ref(cJSON_GetObjectItemCaseSensitive(g, "hosts"));
	}
	int is_hetero = cJSON_GetArraySize(group_names) > 1;

	cJSON *dist_groups = distribution_groups(job, current_group);
	if (!cJSON_IsArray(dist_groups)) {
		cJSON_Delete(dist_groups);
		cJSON_Delete(group_names);
		cJSON_Delete(group_hosts);
		pydict_free(&by_name);
		cJSON_Delete(m);
		return log_fail(SMSHIM_EXIT_DATA,
				"%s: sagemaker_distribution_instance_groups must be a list of group names",
				job->hyperparameters_file);
	}
	/* distribution_hosts: hosts of the distribution groups, or every host */
	cJSON *dist_hosts = cJSON_CreateArray();
	if (model_truthy(groups)) {
		for (const cJSON *g = groups->child; g; g = g->next) {
			const cJSON *name = cJSON_GetObjectItemCaseSensitive(g, "instance_group_name");
			if (!in_list(name->valuestring, dist_groups))
				continue;
			const cJSON *hosts = cJSON_GetObjectItemCaseSensitive(g, "hosts");
			for (const cJSON *h = hosts->child; h; h = h->next)
				cJSON_AddItemToArray(dist_hosts, model_ref(h));
		}
	} else {
		for (const cJSON *h = job->hosts->child; h; h = h->next)
			cJSON_AddItemToArray(dist_hosts, model_ref(h));
	}
	const char *master = dist_hosts->child ? dist_hosts->child->valuestring
					       : job->hosts->child->valuestring;

	/* channels */
	cJSON *channels = cJSON_CreateObject();
	for (const cJSON *ch = job->input_data_config->child; ch; ch = ch->next) {
		char *path = config_join(job->input_data_dir, ch->string);
		put_str(channels, ch->string, path);
		free(path);
	}

	const cJSON *program = cJSON_GetObjectItemCaseSensitive(sm, "sagemaker_program");
	const cJSON *submit = cJSON_GetObjectItemCaseSensitive(sm, "sagemaker_submit_directory");
	const cJSON *log_level = cJSON_GetObjectItemCaseSensitive(sm, "sagemaker_container_log_level");
	v = cJSON_GetObjectItemCaseSensitive(rc, "network_interface_name");
	const cJSON *topology = cJSON_GetObjectItemCaseSensitive(rc, "topology");

	put(m, "additional_framework_parameters", model_ref(job->framework_params));
	put(m, "channel_input_dirs", channels);
	put_str(m, "current_host", job->current_host);
	put_str(m, "current_instance_group", current_group);
	put(m, "current_instance_group_hosts", group_hosts ? group_hosts : cJSON_CreateArray());
	put_str(m, "current_instance_type", instance_type);
	put(m, "distribution_hosts", dist_hosts);
	put(m, "distribution_instance_groups", dist_groups);
	put_str(m, "framework_module", getenv("SAGEMAKER_TRAINING_MODULE"));
	put(m, "hosts", model_ref(job->hosts));
	put(m, "hyperparameters", model_ref(job->hyperparameters));
	put_str(m, "input_config_dir", job->input_config_dir);
	put(m, "input_data_config", model_ref(job->input_data_config));
	put_str(m, "input_dir", job->input_dir);
	put(m, "instance_groups", group_names);
	put(m, "instance_groups_dict", pydict_finish(&by_name));
	put(m, "is_hetero", cJSON_CreateBool(is_hetero));
	put(m, "is_master", cJSON_CreateBool(strcmp(job->current_host, master) == 0));
	put(m, "is_modelparallel_enabled", modelparallel());
	put(m, "is_smddpmprun_installed", installed("smddpmprun"));
	put(m, "is_smddprun_installed", installed("smddprun"));
	put_str(m, "job_name", getenv("TRAINING_JOB_NAME"));
	put(m, "log_level", log_level ? model_ref(log_level) : pyjson_new_int(20));
	put_str(m, "master_hostname", master);
	put_str(m, "model_dir", job->model_dir);
	put(m, "module_dir", submit ? str_node(submit) : cJSON_CreateString(job->code_dir));
	put(m, "module_name", module_name(program));
	put(m, "network_interface_name", v ? model_ref(v) : cJSON_CreateString("eth0"));
	put(m, "num_cpus", pyjson_new_int(hw->cpus));
	put(m, "num_gpus", pyjson_new_int(hw->gpus));
	put(m, "num_neurons", pyjson_new_int(hw->neurons));
	put_str(m, "output_data_dir", job->output_data_dir);
	put_str(m, "output_dir", job->output_dir);
	put_str(m, "output_intermediate_dir", job->output_intermediate_dir);
	put(m, "resource_config", model_ref(job->resource_config));
	put(m, "topology", topology ? model_ref(topology) : cJSON_CreateArray());
	put(m, "user_entry_point", user_entry_point(program));
	job->model = m;
	return 0;
}
