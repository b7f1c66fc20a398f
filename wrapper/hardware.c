/* hardware.c - CPU, GPU and Neuron core counts, detected once. */
#include "hardware.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "pyjson.h"
#include "smshim.h"
#include "which.h"

extern char **environ;

/* A detection tool that hangs (a wedged driver) must not hang the job. */
#define PROBE_TIMEOUT_MS 60000
#define PROBE_MAX_OUTPUT (4u * 1024 * 1024)

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Run argv (argv[0] a full path) with stdout captured, stderr passed
 * through, as subprocess.check_output does.  Returns 0 when it exited 0.
 */
static int capture(char *const argv[], struct buf *out)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	/* smshim may have blocked every signal already: the tool must not inherit that */
	posix_spawnattr_t attr;
	sigset_t none, defaults;
	sigemptyset(&none);
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGTTIN);
	sigaddset(&defaults, SIGTTOU);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &defaults);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	pid_t pid;
	int err = posix_spawn(&pid, argv[0], &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (err) {
		close(fds[0]);
		return -1;
	}
	long long deadline = now_ms() + PROBE_TIMEOUT_MS;
	int timed_out = 0;
	for (;;) {
		long long left = deadline - now_ms();
		if (left <= 0) {
			timed_out = 1;
			break;
		}
		struct pollfd pfd = {fds[0], POLLIN, 0};
		int r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			timed_out = 1;
			break;
		}
		char chunk[4096];
		ssize_t n = read(fds[0], chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out->len < PROBE_MAX_OUTPUT)
			buf_add(out, chunk, (size_t)n);
	}
	close(fds[0]);
	if (timed_out) {
		log_warn("%s did not answer within %d s: stopped it", argv[0], PROBE_TIMEOUT_MS / 1000);
		kill(pid, SIGKILL);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return !timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static long long count_gpus(void)
{
	char *path = which("nvidia-smi");
	if (!path) {
		log_debug("no GPUs detected (no nvidia-smi on PATH)");
		return 0;
	}
	char *argv[] = {path, "--list-gpus", NULL};
	struct buf out = {0};
	long long n = 0;
	if (capture(argv, &out) == 0) {
		/* count the lines that start with "GPU " */
		for (const char *line = out.data; line && *line;) {
			if (strncmp(line, "GPU ", 4) == 0)
				n++;
			line = strchr(line, '\n');
			if (line)
				line++;
		}
	} else {
		log_info("no GPUs detected (%s --list-gpus failed)", path);
	}
	buf_free(&out);
	free(path);
	return n;
}

static long long count_neurons(const char *instance_type)
{
	if (instance_type && strstr(instance_type, "trn2.48xlarge"))
		return 64;
	char *path = which("neuron-ls");
	if (!path)
		return 0;
	char *argv[] = {path, "-j", NULL};
	struct buf out = {0};
	long long n = 0;
	if (capture(argv, &out) == 0) {
		struct pyjson_error err;
		cJSON *list = pyjson_parse(out.data ? out.data : "", out.len, &err);
		if (!cJSON_IsArray(list)) {
			log_warn("%s -j did not print a JSON list: counting 0 Neuron cores", path);
		} else {
			for (const cJSON *dev = list->child; dev; dev = dev->next) {
				const cJSON *c = cJSON_GetObjectItemCaseSensitive(dev, "nc_count");
				if (pyjson_is_int(c))
					n += strtoll(c->valuestring, NULL, 10);
			}
		}
		cJSON_Delete(list);
	}
	buf_free(&out);
	free(path);
	return n;
}

void hardware_detect(struct hardware *hw, const struct settings *s, const char *instance_type)
{
	if (s->num_cpus >= 0) {
		hw->cpus = s->num_cpus;
	} else {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		hw->cpus = n > 0 ? n : 1;
	}
	hw->gpus = s->num_gpus >= 0 ? s->num_gpus : count_gpus();
	hw->neurons = s->num_neurons >= 0 ? s->num_neurons : count_neurons(instance_type);
}
