/*
 * main.c - smshim's command line: which job, which command, and nothing
 * else.  Every failure has been reported where it was understood; main
 * only turns it into output/failure and an exit code.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "buf.h"
#include "config.h"
#include "env.h"
#include "failure.h"
#include "hardware.h"
#include "job.h"
#include "log.h"
#include "model.h"
#include "output.h"
#include "pyjson.h"
#include "run.h"
#include "settings.h"
#include "signals.h"
#include "train.h"
#include "smshim.h"

extern char **environ;

static const char usage_text[] =
	"Usage: smshim [OPTIONS] train\n"
	"       smshim [OPTIONS] -- COMMAND [ARG...]\n"
	"       smshim [OPTIONS] env [--format=json|shell|dotenv]\n"
	"       smshim [OPTIONS] args [--format=json|shell]\n"
	"       smshim --help | --version\n"
	"\n"
	"Run a SageMaker training job, or any program with its environment.\n"
	"\n"
	"  train                run the job as SageMaker's toolkit does: put the code of\n"
	"                       sagemaker_submit_directory in code/, install its\n"
	"                       requirements, wait for the hosts, run sagemaker_program\n"
	"                       with the hyperparameters as arguments\n"
	"  -- COMMAND [ARG...]  run COMMAND with the SM_* variables set and the\n"
	"                       hyperparameters appended to its arguments\n"
	"  env                  print the variables smshim sets (json: the SM_*\n"
	"                       variables as one object; shell: export lines;\n"
	"                       dotenv: NAME=value lines)\n"
	"  args                 print the hyperparameters as script arguments\n"
	"\n"
	"train and -- supervise the command like an init: signals are passed on to its\n"
	"process group, it is killed SMSHIM_STOP_TIMEOUT seconds after SIGTERM, zombies\n"
	"are reaped, its exit status is smshim's, and output/failure (with the end of\n"
	"its stderr) or output/success is written.\n"
	"\n"
	"Options:\n"
	"  --base-dir=DIR  the job's directory (default: $SAGEMAKER_BASE_DIR, else /opt/ml);\n"
	"                  the command sees it as SAGEMAKER_BASE_DIR\n"
	"  --exec          with --: replace smshim by the command (no supervision)\n"
	"  --entry         COMMAND is the container's entry point (implied when smshim is\n"
	"                  PID 1): the \"train\" argument SageMaker appends is dropped\n"
	"                  unless SMSHIM_TRAIN_ARG=keep\n"
	"  -h, --help      show this help\n"
	"  -V, --version   show the version\n"
	"\n"
	"Environment:\n"
	"  SMSHIM_NUM_CPUS, SMSHIM_NUM_GPUS, SMSHIM_NUM_NEURONS  pin a count instead of\n"
	"                  detecting it\n"
	"  SMSHIM_PYTHON   the interpreter for Python entry points (default: python3)\n"
	"  SMSHIM_STOP_TIMEOUT  seconds from SIGTERM to SIGKILL (default: 110)\n"
	"  SMSHIM_LOG_LEVEL  debug, info, warning or error (default: the job's\n"
	"                  sagemaker_container_log_level, else info)\n"
	"  SMSHIM_SKIP_DNS_WAIT=1, SMSHIM_DNS_TIMEOUT  do not wait for the hosts to\n"
	"                  resolve / wait at most this many seconds (default: 900)\n"
	"  SMSHIM_CODE_MAX_BYTES, SMSHIM_CODE_MAX_FILES  limits for unpacked code\n"
	"  SMSHIM_TRAIN_ARG  drop (default) or keep SageMaker's \"train\" argument (--entry)\n"
	"\n"
	"Exit status: the command's own (128+N when a signal N ended it); 126 or 127\n"
	"when it cannot be started; 64 usage, 65 malformed job files, 66 missing job\n"
	"files, 69 code or hosts unavailable, 70 internal error, 71 system error,\n"
	"73 cannot write, 75 installing requirements failed.  See smshim(1).\n";

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("smshim: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs("\nTry 'smshim --help'.\n", stderr);
	va_end(ap);
	return SMSHIM_EXIT_USAGE;
}

static int write_all(const struct buf *b)
{
	size_t off = 0;
	while (off < b->len) {
		ssize_t n = write(STDOUT_FILENO, b->data + off, b->len - off);
		if (n <= 0)
			return log_fail(SMSHIM_EXIT_SOFTWARE, "cannot write to standard output");
		off += (size_t)n;
	}
	return 0;
}

/*
 * Without SMSHIM_LOG_LEVEL (set before the job is read), the job's own
 * sagemaker_container_log_level, when it is a number; else INFO.
 */
static void use_job_log_level(const struct job *job)
{
	const cJSON *level = cJSON_GetObjectItemCaseSensitive(job->sagemaker_params,
							      "sagemaker_container_log_level");
	if (pyjson_is_int(level))
		log_set_level(atoi(level->valuestring));
}

/* Everything a command needs: settings, job, model, arguments, variables. */
struct prepared {
	struct settings settings;
	struct job job;
	cJSON *args;
	cJSON *vars;
};

static void prepared_free(struct prepared *p)
{
	cJSON_Delete(p->vars);
	cJSON_Delete(p->args);
	job_free(&p->job);
}

/* Settings, then the job; the model and variables only when need_vars. */
static int prepare(struct prepared *p, int need_vars)
{
	struct hardware hw;
	memset(p, 0, sizeof *p);
	if (settings_load(&p->settings) < 0)
		return -1;
	if (p->settings.log_level >= 0)
		log_set_level(p->settings.log_level);
	if (config_load(&p->job, config_base_dir()) < 0)
		return -1;
	if (p->settings.log_level < 0)
		use_job_log_level(&p->job);
	p->args = args_build(p->job.hyperparameters);
	if (!need_vars)
		return 0;
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(p->job.resource_config,
							     "current_instance_type");
	hardware_detect(&hw, &p->settings, type ? type->valuestring : NULL);
	if (model_build(&p->job, &hw) < 0)
		return -1;
	p->vars = env_build(&p->job, p->args);
	return p->vars ? 0 : -1;
}

static int parse_format(int argc, char **argv, const char *what, int allow_dotenv,
			enum output_format *format)
{
	*format = OUTPUT_JSON;
	for (int i = 0; i < argc; i++) {
		const char *f = NULL;
		if (strncmp(argv[i], "--format=", 9) == 0)
			f = argv[i] + 9;
		else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
			f = argv[++i];
		else
			return usage_error("unexpected argument '%s' for %s", argv[i], what);
		if (strcmp(f, "json") == 0)
			*format = OUTPUT_JSON;
		else if (strcmp(f, "shell") == 0)
			*format = OUTPUT_SHELL;
		else if (strcmp(f, "dotenv") == 0 && allow_dotenv)
			*format = OUTPUT_DOTENV;
		else
			return usage_error("unknown format '%s'", f);
	}
	return 0;
}

/* `smshim env` (is_env) or `smshim args`: print, and write nothing else. */
static int cmd_print(int argc, char **argv, int is_env)
{
	enum output_format format;
	int rc = parse_format(argc, argv, is_env ? "env" : "args", is_env, &format);
	if (rc)
		return rc;
	struct prepared p;
	struct buf out = {0};
	if (prepare(&p, is_env) < 0 ||
	    (!is_env && format == OUTPUT_SHELL &&
	     args_check_portable(p.args, p.job.hyperparameters, p.job.hyperparameters_file) < 0)) {
		rc = log_failure_code();
	} else {
		if (is_env)
			output_env(&out, p.vars, format);
		else
			output_args(&out, p.args, format);
		if (write_all(&out) < 0)
			rc = log_failure_code();
	}
	buf_free(&out);
	prepared_free(&p);
	return rc;
}

/* The job could not be set up: say so in output/failure too, then stop. */
static int job_failed(struct prepared *p)
{
	int code = log_failure_code();
	if (p->job.output_dir)
		failure_write(p->job.output_dir, log_failure_text());
	prepared_free(p);
	return code ? code : SMSHIM_EXIT_SOFTWARE;
}

/*
 * SageMaker appends "train" to the container's ENTRYPOINT.  For a command
 * that is the entry point, drop it unless SMSHIM_TRAIN_ARG=keep: scripts
 * written for the toolkit's script mode take only --key value arguments.
 */
static void drop_train_arg(char **cmd, int entry, const struct settings *s)
{
	if (!entry || s->keep_train_arg)
		return;
	size_t n = 0;
	while (cmd[n])
		n++;
	if (n >= 2 && strcmp(cmd[n - 1], "train") == 0) {
		cmd[n - 1] = NULL;
		log_info("dropped the \"train\" argument SageMaker appends (%s=keep keeps it)",
			 SMSHIM_ENV_TRAIN_ARG);
	}
}

/* `smshim -- COMMAND`: supervised, or replaced by the command with --exec. */
static int cmd_run(char **cmd, int entry, int exec_only)
{
	struct prepared p;
	if (!exec_only && signals_block() < 0)
		return log_failure_code();
	if (prepare(&p, 1) < 0 ||
	    args_check_portable(p.args, p.job.hyperparameters, p.job.hyperparameters_file) < 0)
		return job_failed(&p);
	drop_train_arg(cmd, entry, &p.settings);
	env_mark_active(p.vars);
	char **argv = run_argv(cmd, p.args);
	char **envp = env_merge(environ, p.vars);
	int status = -1;
	if (run_check_size(argv, envp) == 0) {
		if (exec_only) {
			run_exec(argv, envp); /* returns only on failure */
		} else {
			char *command = args_display(cmd, p.args, p.job.hyperparameters);
			struct run_label label = {cmd[0], "ExecuteUserScriptError", command};
			status = run_supervised(&p.job, &p.settings, argv, envp, NULL, &label, 1);
			free(command);
		}
	}
	free(argv);
	env_free(envp);
	if (status < 0)
		return job_failed(&p);
	prepared_free(&p);
	return status;
}

/* `smshim train`: the job's own entry point, as SageMaker's toolkit runs it. */
static int cmd_train(int argc, char **argv)
{
	/* ENTRYPOINT ["smshim", "train"] gets SageMaker's own "train" once more */
	if (argc == 1 && strcmp(argv[0], "train") == 0)
		argc = 0;
	if (argc > 0)
		return usage_error("unexpected argument '%s' for train", argv[0]);
	struct prepared p;
	if (signals_block() < 0)
		return log_failure_code();
	if (prepare(&p, 1) < 0)
		return job_failed(&p);
	int status = train_run(&p.job, &p.settings, p.args, p.vars);
	if (status < 0)
		return job_failed(&p);
	prepared_free(&p);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{"base-dir", required_argument, NULL, 'b'},
		{"entry", no_argument, NULL, 'e'},
		{"exec", no_argument, NULL, 'x'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	pyjson_init();
	opterr = 0;
	int c, entry = getpid() == 1, exec_only = 0;
	while ((c = getopt_long(argc, argv, "+hV", options, NULL)) != -1) {
		switch (c) {
		case 'b':
			/* the flag and SAGEMAKER_BASE_DIR are one setting */
			if (setenv(SMSHIM_ENV_BASE_DIR, optarg, 1) < 0)
				return SMSHIM_EXIT_SOFTWARE;
			break;
		case 'e':
			entry = 1;
			break;
		case 'x':
			exec_only = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return fflush(stdout) == 0 ? 0 : SMSHIM_EXIT_SOFTWARE;
		case 'V':
			printf("smshim %s\n", SMSHIM_VERSION);
			return fflush(stdout) == 0 ? 0 : SMSHIM_EXIT_SOFTWARE;
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error("no command given");
	const char *sub = argv[optind];
	if (strcmp(argv[optind - 1], "--") == 0 && optind > 1) {
		/* getopt stopped at "--": what follows is the command */
		return cmd_run(argv + optind, entry, exec_only);
	}
	if (strcmp(sub, "train") == 0)
		return cmd_train(argc - optind - 1, argv + optind + 1);
	if (strcmp(sub, "env") == 0 || strcmp(sub, "args") == 0)
		return cmd_print(argc - optind - 1, argv + optind + 1, strcmp(sub, "env") == 0);
	return usage_error("unknown command '%s' (a program to run goes after --)", sub);
}
