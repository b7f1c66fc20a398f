/*
 * libsmshim.c - the preload library: hand a container's entry process
 * over to smshim, and leave every other process alone.
 *
 * An image whose ENTRYPOINT is `python3 train.py`, a shell script or a
 * `train` program on PATH gets the SageMaker environment by adding smshim,
 * this library and LD_PRELOAD=/usr/local/lib/libsmshim.so (docs/preload.md).
 * In PID 1 the constructor below replaces the process with
 *
 *     smshim --entry -- <argv as the kernel gave it>
 *
 * smshim sets up the job and runs that command line again, as its child,
 * with SMSHIM_ACTIVE set; this library, loaded again there (LD_PRELOAD is
 * inherited) and in smshim itself, sees SMSHIM_ACTIVE and does nothing.
 *
 * What it must never do, since it is loaded into every process of the
 * image:
 * - cost more than one getpid() outside PID 1;
 * - read the environment with getenv(): bash replaces getenv/setenv with
 *   its own, backed by shell variables, so a guard built on them misfires
 *   in bash and its children; the envp glibc gives constructors (the
 *   process's environ, before main) is read directly instead;
 * - change the environment: bash writes into environment strings, and a
 *   literal put there would crash it; execve() gets a new array;
 * - take the program down: every failure leaves it running unchanged, with
 *   one line on stderr when smshim cannot be found or started, and
 *   anything else only with SMSHIM_DEBUG=1; never a byte on stdout;
 * - need a newer glibc than the image has: only libc, and only symbol
 *   versions up to GLIBC_2.16 (getauxval) on x86_64 (docs/preload.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "smshim.h"

/* The install prefix, the last place smshim is looked for (Makefile PREFIX). */
#ifndef SMSHIM_PREFIX
#define SMSHIM_PREFIX "/usr/local"
#endif

/* The path glibc's execvp() searches when PATH is unset. */
#define DEFAULT_PATH "/bin:/usr/bin"

/* ---- settings -------------------------------------------------------- */

/* The variables the library reads, each once, straight from envp. */
struct settings {
	const char *active;   /* SMSHIM_ACTIVE: already under smshim */
	const char *disable;  /* SMSHIM_DISABLE */
	const char *wrapper;  /* SMSHIM_WRAPPER */
	const char *base_dir; /* SAGEMAKER_BASE_DIR, else /opt/ml */
	const char *path;     /* PATH, for finding argv[0] as smshim will */
	int debug;            /* SMSHIM_DEBUG=1 */
};

/* entry is "NAME=value": the value, or NULL for another name. */
static const char *value_of(const char *entry, const char *name)
{
	size_t n = strlen(name);
	return strncmp(entry, name, n) == 0 && entry[n] == '=' ? entry + n + 1 : NULL;
}

/* An empty value counts as unset, as a shell's `VAR=` means it. */
static void set_if(const char **slot, const char *v)
{
	if (v)
		*slot = v[0] ? v : NULL;
}

static void settings_read(struct settings *s, char *const *env)
{
	const char *debug = NULL;
	memset(s, 0, sizeof *s);
	for (size_t i = 0; env && env[i]; i++) {
		const char *e = env[i];
		if (e[0] == 'S') {
			set_if(&s->active, value_of(e, SMSHIM_ENV_ACTIVE));
			set_if(&s->disable, value_of(e, SMSHIM_ENV_DISABLE));
			set_if(&s->wrapper, value_of(e, SMSHIM_ENV_WRAPPER));
			set_if(&s->base_dir, value_of(e, SMSHIM_ENV_BASE_DIR));
			set_if(&debug, value_of(e, SMSHIM_ENV_DEBUG));
		} else if (e[0] == 'P' && value_of(e, "PATH")) {
			s->path = value_of(e, "PATH"); /* "" is the current directory */
		}
	}
	/* "0" turns a switch off too: SMSHIM_DISABLE=0 is not a request */
	if (s->disable && strcmp(s->disable, "0") == 0)
		s->disable = NULL;
	s->debug = debug && strcmp(debug, "0") != 0;
	if (!s->base_dir)
		s->base_dir = SMSHIM_DEFAULT_BASE_DIR;
	if (!s->path)
		s->path = DEFAULT_PATH;
}

/* ---- diagnostics ----------------------------------------------------- */

/*
 * One line on fd 2 in the wrapper's format (timestamp, prefix, level),
 * written with a single write() so that it stays whole.  stdio is not
 * used: the program's own stderr buffer is none of our business.
 */
static void say(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(const char *level, const char *fmt, ...)
{
	char line[1024];
	struct timeval tv;
	struct tm tm;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	int n = snprintf(line, sizeof line,
			 "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ " SMSHIM_LOG_PREFIX " %s libsmshim: ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			 tm.tm_sec, (long)tv.tv_usec / 1000, level);
	if (n < 0 || (size_t)n >= sizeof line)
		return;
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n >= sizeof line - 1)
		n = (int)sizeof line - 2; /* cut: the line still ends */
	for (int i = 0; i < n; i++)
		if (line[i] == '\n')
			line[i] = ' ';
	line[n++] = '\n';
	ssize_t w = write(STDERR_FILENO, line, (size_t)n);
	(void)w; /* nothing to do about a closed stderr */
}

#define debug(s, ...)                                  \
	do {                                           \
		if ((s)->debug)                        \
			say("DEBUG", __VA_ARGS__);     \
	} while (0)

/* ---- files ----------------------------------------------------------- */

/*
 * stat(2) straight from the kernel.  glibc 2.33 gave stat() a new symbol
 * version (stat@GLIBC_2.33), which would stop the library from loading,
 * and with it every program, in images with an older glibc.  The kernel's
 * struct stat is glibc's on the 64-bit ABIs that have newfstatat.
 */
static int stat_path(const char *path, struct stat *st)
{
#ifdef SYS_newfstatat
	return (int)syscall(SYS_newfstatat, AT_FDCWD, path, st, 0);
#else
	return stat(path, st);
#endif
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* A regular file we may execute: what execve() would start. */
static int runnable(const char *path, struct stat *st)
{
	return stat_path(path, st) == 0 && S_ISREG(st->st_mode) && access(path, X_OK) == 0;
}

/* dst = a b c (any may be ""); returns 0, or -1 when it would not fit. */
static int join(char *dst, size_t size, const char *a, size_t alen, const char *b,
		const char *c)
{
	size_t blen = strlen(b), clen = strlen(c);
	if (alen + blen + clen >= size)
		return -1;
	memmove(dst, a, alen);
	memmove(dst + alen, b, blen);
	memmove(dst + alen + blen, c, clen + 1);
	return 0;
}

/* ---- the job and the wrapper ----------------------------------------- */

/* SageMaker always provides input/config/; no such directory, no job. */
static int job_present(const struct settings *s)
{
	char dir[PATH_MAX];
	struct stat st;
	const char *b = s->base_dir;
	return join(dir, sizeof dir, b, strlen(b), "/input/config", "") == 0 &&
	       stat_path(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

/* dl_iterate_phdr callback: the name of the object that holds data's address. */
static int find_object(struct dl_phdr_info *info, size_t size, void *data)
{
	const char **found = data;
	uintptr_t self = (uintptr_t)*found;
	(void)size;
	for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t start = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type == PT_LOAD && self >= start && self < start + ph->p_memsz) {
			*found = info->dlpi_name;
			return 1;
		}
	}
	return 0;
}

/*
 * This library's path as the loader opened it.  dl_iterate_phdr() does
 * what dladdr() would, but lives in libc on every glibc, where dladdr()
 * needs libdl before 2.34: one library less loaded into every process.
 */
static const char *library_path(void)
{
	const char *found = (const char *)(uintptr_t)&library_path;
	if (dl_iterate_phdr(find_object, &found) != 1)
		return NULL;
	return found;
}

/*
 * Where smshim is: SMSHIM_WRAPPER when set (and nothing else: an explicit
 * choice is not second-guessed; execve() will say if it is wrong), else
 * <libdir>/../bin/smshim beside this library, else the install prefix's.
 * Returns the path (in `buf` or the environment), or NULL after saying
 * where it looked.
 */
static const char *find_wrapper(const struct settings *s, char *buf, size_t size)
{
	static const char installed[] = SMSHIM_PREFIX "/bin/" SMSHIM_PROGRAM;
	struct stat st;
	if (s->wrapper)
		return s->wrapper;
	const char *lib = library_path();
	const char *slash = lib ? strrchr(lib, '/') : NULL;
	if (!slash || join(buf, size, lib, (size_t)(slash - lib), "/../bin/", SMSHIM_PROGRAM) < 0)
		buf[0] = '\0';
	if (buf[0] && runnable(buf, &st))
		return buf;
	if (runnable(installed, &st))
		return installed;
	say("WARNING", "cannot find %s (looked at %s%s%s; set %s): running the program without it",
	    SMSHIM_PROGRAM, buf, buf[0] ? " and " : "", installed, SMSHIM_ENV_WRAPPER);
	return NULL;
}

/* ---- the command ----------------------------------------------------- */

/*
 * Whether execvp(name) with this PATH would start the file `exe`: smshim
 * runs the command that way.  Like execvp, a name with a slash is a path,
 * an empty PATH entry is the current directory, and the first runnable
 * candidate wins.
 */
static int path_finds(const char *name, const char *path, const struct stat *exe)
{
	char candidate[PATH_MAX];
	struct stat st;
	if (!name || !name[0])
		return 0;
	if (strchr(name, '/'))
		return runnable(name, &st) && same_file(&st, exe);
	for (const char *dir = path;;) {
		const char *end = strchr(dir, ':');
		size_t n = end ? (size_t)(end - dir) : strlen(dir);
		if (join(candidate, sizeof candidate, n ? dir : ".", n ? n : 1, "/", name) == 0 &&
		    runnable(candidate, &st))
			return same_file(&st, exe);
		if (!end)
			return 0;
		dir = end + 1;
	}
}

/*
 * The COMMAND to give smshim: argv[0] itself when a PATH search for it
 * finds this very executable (the usual case: Docker resolved it the same
 * way, and a #! script's argv[0] is its interpreter's path), so that the
 * program sees the argv[0] it was given.  Otherwise (a launcher that set
 * an argv[0] of its own, an empty argv) the executable's real path from
 * /proc/self/exe, at the price of argv[0] (docs/preload.md).  NULL when
 * neither names this program: it then runs unchanged.
 */
static const char *command_name(const char *argv0, const struct settings *s,
				const struct stat *exe, char *buf, size_t size)
{
	struct stat st;
	if (path_finds(argv0, s->path, exe))
		return argv0;
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	/* "(deleted)", another mount namespace: not a path that starts us */
	if (stat_path(buf, &st) < 0 || !same_file(&st, exe))
		return NULL;
	debug(s, "argv[0] '%s' does not lead to this program on PATH: running it as %s",
	      argv0 ? argv0 : "", buf);
	return buf;
}

/* ---- hand-over ------------------------------------------------------- */

/*
 * The environment for smshim: the process's own plus SMSHIM_ACTIVE=1 (in
 * place of an empty SMSHIM_ACTIVE), which makes this library a no-op in
 * smshim itself.  A new array of the same strings: execve() copies them,
 * and the live environment is left as it was.
 */
static char **handover_env(char *const *env)
{
	static char active[] = SMSHIM_ENV_ACTIVE "=1";
	size_t n = 0, j = 0;
	while (env && env[n])
		n++;
	char **out = malloc((n + 2) * sizeof *out);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!value_of(env[i], SMSHIM_ENV_ACTIVE))
			out[j++] = env[i];
	out[j++] = active;
	out[j] = NULL;
	return out;
}

static void hand_over(int argc, char **argv, char *const *env)
{
	struct settings s;
	settings_read(&s, env);
	if (s.active) {
		debug(&s, "%s=%s: already under smshim, nothing to do", SMSHIM_ENV_ACTIVE, s.active);
		return;
	}
	if (s.disable) {
		debug(&s, "%s=%s: disabled", SMSHIM_ENV_DISABLE, s.disable);
		return;
	}
	if (!job_present(&s)) {
		debug(&s, "no job (%s/input/config is not a directory): nothing to do", s.base_dir);
		return;
	}

	struct stat exe, st;
	char beside[PATH_MAX], exe_path[PATH_MAX];
	if (stat_path("/proc/self/exe", &exe) < 0) {
		say("WARNING", "cannot read /proc/self/exe (%s): running the program without %s",
		    strerror(errno), SMSHIM_PROGRAM);
		return;
	}
	const char *wrapper = find_wrapper(&s, beside, sizeof beside);
	if (!wrapper)
		return;
	/* ENTRYPOINT ["smshim", ...] with LD_PRELOAD set too: already there */
	if (stat_path(wrapper, &st) == 0 && same_file(&st, &exe)) {
		debug(&s, "this program is %s itself: nothing to do", wrapper);
		return;
	}
	const char *command = command_name(argc > 0 ? argv[0] : NULL, &s, &exe, exe_path,
					   sizeof exe_path);
	if (!command) {
		debug(&s, "cannot tell which file this program is: nothing to do");
		return;
	}

	/* smshim --entry -- COMMAND argv[1..]: the arguments pass through untouched */
	char **args = malloc(((size_t)(argc > 0 ? argc : 1) + 4) * sizeof *args);
	char **new_env = handover_env(env);
	if (!args || !new_env) {
		debug(&s, "out of memory: nothing to do");
		free(args);
		free(new_env);
		return;
	}
	size_t k = 0;
	args[k++] = (char *)SMSHIM_PROGRAM;
	args[k++] = (char *)SMSHIM_OPT_ENTRY;
	args[k++] = (char *)"--";
	args[k++] = (char *)command;
	for (int i = 1; i < argc; i++)
		args[k++] = argv[i];
	args[k] = NULL;
	if (s.debug) {
		char line[768] = "";
		size_t len = 0;
		for (size_t i = 3; args[i] && len < sizeof line; i++)
			len += (size_t)snprintf(line + len, sizeof line - len, " %s", args[i]);
		debug(&s, "pid 1 is the entry process: exec %s %s --%s", wrapper, SMSHIM_OPT_ENTRY,
		      line);
	}
	execve(wrapper, args, new_env);
	say("WARNING", "cannot start %s: %s: running the program without it", wrapper,
	    strerror(errno));
	free(args);
	free(new_env);
}

/*
 * glibc passes the constructors of the program's libraries (argc, argv,
 * envp) as the kernel gave them to the program.  (envp rather than
 * environ: one symbol less to look up in every process that loads the
 * library.)  Only the entry process
 * (PID 1: the container's ENTRYPOINT) is handed over; everything else pays
 * this one getpid() and returns.  `started` makes a second call (a second
 * copy of the library, a loader calling twice) harmless.
 */
__attribute__((constructor)) static void smshim_preload(int argc, char **argv, char **envp)
{
	static int started;
	if (started || getpid() != 1)
		return;
	started = 1;
	/* secure execution (setuid, setgid, capabilities): never act for a caller */
	if (getauxval(AT_SECURE))
		return;
	int saved = errno;
	hand_over(argc, argv, envp);
	errno = saved;
}
