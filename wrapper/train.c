/*
 * train.c - `smshim train`, step by step as the toolkit's trainer.train
 * and entry_point.run take them.
 */
#include "train.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "buf.h"
#include "code.h"
#include "config.h"
#include "dns.h"
#include "env.h"
#include "log.h"
#include "model.h"
#include "pyfmt.h"
#include "run.h"
#include "smshim.h"

extern char **environ;

/* _entry_point_type.py */
enum entry_kind {
	ENTRY_COMMAND,        /* a shell script or any executable */
	ENTRY_PYTHON_PACKAGE, /* code/ has a setup.py: python -m module */
	ENTRY_PYTHON_PROGRAM, /* a .py file: python file */
};

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int exists_in(const char *dir, const char *name)
{
	char *path = config_join(dir, name);
	struct stat st;
	int found = stat(path, &st) == 0;
	free(path);
	return found;
}

static enum entry_kind entry_kind(const char *code_dir, const char *entry)
{
	if (ends_with(entry, ".sh"))
		return ENTRY_COMMAND;
	if (exists_in(code_dir, "setup.py"))
		return ENTRY_PYTHON_PACKAGE;
	if (ends_with(entry, ".py"))
		return ENTRY_PYTHON_PROGRAM;
	return ENTRY_COMMAND;
}

/*
 * The module a package entry point names: "a/b.py" is "a.b".  (The toolkit
 * removes every ".py" and keeps the slashes, so that "a/b.py" gives
 * "python -m a/b", which cannot run: training-toolkit issue #20.)
 */
static char *module_of(const char *entry)
{
	char *m = xstrdup(entry);
	size_t n = strlen(m);
	if (ends_with(m, ".py"))
		m[n - 3] = '\0';
	for (char *c = m; *c; c++)
		if (*c == '/')
			*c = '.';
	return m;
}

/*
 * The variables plus SMSHIM_ACTIVE, merged into smshim's own; with_code:
 * also PYTHONPATH (code/ first, the inherited value kept: training-toolkit
 * issue #186) and PWD, since the command runs in code/.
 */
static char **child_env(const struct job *job, cJSON *vars, int with_code)
{
	env_mark_active(vars);
	if (with_code) {
		char *cwd = realpath(job->code_dir, NULL); /* PWD is absolute */
		cJSON_DeleteItemFromObjectCaseSensitive(vars, "PWD");
		cJSON_AddItemToObject(vars, "PWD", cJSON_CreateString(cwd ? cwd : job->code_dir));
		free(cwd);
		const char *old = getenv("PYTHONPATH");
		char *path = old && old[0] ? xconcat(job->code_dir, ":", old, NULL) : xstrdup(job->code_dir);
		cJSON_DeleteItemFromObjectCaseSensitive(vars, "PYTHONPATH");
		cJSON_AddItemToObject(vars, "PYTHONPATH", cJSON_CreateString(path));
		free(path);
	}
	return env_merge(environ, vars);
}

/* requirements.txt and setup.py, as modules.install / install_requirements */
static int install(const struct job *job, const struct settings *s, enum entry_kind kind,
		   char **envp)
{
	int has_requirements = exists_in(job->code_dir, "requirements.txt");
	if (kind == ENTRY_COMMAND || (kind == ENTRY_PYTHON_PROGRAM && !has_requirements))
		return 0;
	char *argv[9];
	size_t n = 0;
	argv[n++] = (char *)s->python;
	argv[n++] = "-m";
	argv[n++] = "pip";
	argv[n++] = "install";
	if (kind == ENTRY_PYTHON_PACKAGE)
		argv[n++] = ".";
	if (has_requirements) {
		argv[n++] = "-r";
		argv[n++] = "requirements.txt";
	}
	argv[n] = NULL;
	char *command = args_display(argv, NULL, NULL);
	struct run_label label = {"pip", kind == ENTRY_PYTHON_PACKAGE ? "InstallModuleError"
								     : "InstallRequirementsError",
				  command};
	int status = run_supervised(job, s, argv, envp, job->code_dir, &label, 0);
	free(command);
	if (status == 0)
		return 0;
	/* pip's own status is kept in output/failure; smshim says which step failed */
	return status > 128 ? status : SMSHIM_EXIT_INSTALL;
}

/* SAGEMAKER_TRAINING_MODULE=package.module:function, as trainer.train step 3 */
static int run_framework(const struct job *job, const struct settings *s, const char *spec,
			 char **envp)
{
	const char *colon = strchr(spec, ':');
	if (!colon || strchr(colon + 1, ':') || colon == spec || !colon[1])
		return log_fail(SMSHIM_EXIT_USAGE,
				"SAGEMAKER_TRAINING_MODULE=%s: expected package.module:function", spec);
	char *module = xstrndup(spec, (size_t)(colon - spec));
	char *argv[] = {(char *)s->python, "-c",
			"import importlib, sys\n"
			"module, function = sys.argv[1:3]\n"
			"del sys.argv[1:]\n"
			"getattr(importlib.import_module(module), function)()\n",
			module, (char *)colon + 1, NULL};
	char *command = xconcat(s->python, " -c <import ", module, "; ", colon + 1, "()>", NULL);
	struct run_label label = {spec, "ExecuteUserScriptError", command};
	int status = run_supervised(job, s, argv, envp, NULL, &label, 1);
	free(command);
	free(module);
	return status;
}

/* trainer.train picks MPI for these; smshim starts one process per host. */
static int wants_mpi(const struct job *job)
{
	const cJSON *m = job->model;
	const cJSON *group = cJSON_GetObjectItemCaseSensitive(m, "current_instance_group");
	const cJSON *groups = cJSON_GetObjectItemCaseSensitive(m, "distribution_instance_groups");
	if (!model_truthy(cJSON_GetObjectItemCaseSensitive(job->framework_params, "sagemaker_mpi_enabled")))
		return 0;
	for (const cJSON *g = groups ? groups->child : NULL; g; g = g->next)
		if (cJSON_IsString(g) && strcmp(g->valuestring, group->valuestring) == 0)
			return 1;
	return 0;
}

int train_run(struct job *job, const struct settings *s, const cJSON *args, cJSON *vars)
{
	const char *framework = getenv("SAGEMAKER_TRAINING_MODULE");
	if (framework) {
		char **envp = child_env(job, vars, 0);
		int status = run_framework(job, s, framework, envp);
		env_free(envp);
		return status;
	}
	if (wants_mpi(job))
		return log_fail(SMSHIM_EXIT_UNAVAILABLE,
				"%s: this job asks for MPI (sagemaker_mpi_enabled), and smshim train does "
				"not start mpirun; start it yourself with smshim -- mpirun ...",
				job->hyperparameters_file);
	const cJSON *entry = cJSON_GetObjectItemCaseSensitive(job->model, "user_entry_point");
	if (!cJSON_IsString(entry) || !entry->valuestring[0])
		return log_fail(SMSHIM_EXIT_DATA,
				"%s: no entry point: set the hyperparameter sagemaker_program, or "
				"SAGEMAKER_PROGRAM", job->hyperparameters_file);
	const char *program = entry->valuestring;
	const cJSON *module_dir = cJSON_GetObjectItemCaseSensitive(job->model, "module_dir");
	const cJSON *region = cJSON_GetObjectItemCaseSensitive(job->sagemaker_params, "sagemaker_region");
	if (code_fetch(job, module_dir->valuestring,
		       cJSON_IsString(region) ? region->valuestring : NULL, s) < 0)
		return -1;

	enum entry_kind kind = entry_kind(job->code_dir, program);
	char **envp = child_env(job, vars, 1);
	int status = install(job, s, kind, envp);
	if (status == 0 && kind == ENTRY_COMMAND) {
		/* modules.py: a command is made executable */
		char *path = config_join(job->code_dir, program);
		struct stat st;
		if (stat(path, &st) == 0 && chmod(path, st.st_mode | 0111) < 0)
			log_warn("cannot make %s executable: %s", path, strerror(errno));
		free(path);
	}
	if (status == 0 && dns_wait(job, s) < 0)
		status = -1;
	if (status != 0) {
		env_free(envp);
		return status;
	}

	char *module = NULL, *local = NULL;
	char *cmd[5];
	size_t n = 0;
	if (kind == ENTRY_PYTHON_PACKAGE) {
		module = module_of(program);
		cmd[n++] = (char *)s->python;
		cmd[n++] = "-m";
		cmd[n++] = module;
	} else if (kind == ENTRY_PYTHON_PROGRAM) {
		cmd[n++] = (char *)s->python;
		cmd[n++] = (char *)program;
	} else {
		/* run directly, never through a shell (training-toolkit #115, #128) */
		local = program[0] == '/' ? xstrdup(program) : xconcat("./", program, NULL);
		cmd[n++] = local;
	}
	cmd[n] = NULL;
	char **argv = run_argv(cmd, args);
	char *command = args_display(cmd, args, job->hyperparameters);
	struct run_label label = {program, "ExecuteUserScriptError", command};
	status = run_check_size(argv, envp) < 0
		 ? -1 : run_supervised(job, s, argv, envp, job->code_dir, &label, 1);
	free(command);
	free(argv);
	free(module);
	free(local);
	env_free(envp);
	return status;
}
