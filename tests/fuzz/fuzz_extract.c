/*
 * fuzz_extract.c - any bytes as the user's code archive.  Property: while
 * extract_archive() runs, nothing outside the destination directory is
 * created, written, linked, renamed, removed or changed, whatever the
 * archive holds.
 *
 * The check is made before the harm: this program defines the libc
 * functions that change the file system (open with O_CREAT or for writing,
 * mkdir, symlink, link, rename, unlink, chmod, utimensat, ...), so that
 * libarchive's calls come here first; while an archive is being unpacked,
 * each one resolves its path (symbolic links included) and aborts if it
 * leads outside.  The fuzzer may run as root without risk to the machine.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "code.h"
#include "extract.h"
#include "log.h"
#include "pyjson.h"
#include "fuzz.h"

static char sandbox[PATH_MAX]; /* realpath of the destination */
static int guarding;

/* --------------------------------------------------------------- the guard */

static void outside(const char *what, const char *path)
{
	fprintf(stderr, "fuzz_extract: %s(%s) leads outside %s\n", what, path, sandbox);
	abort();
}

/* The absolute form of (dirfd, path), without resolving anything. */
static void absolute(int dirfd, const char *path, char *out)
{
	char base[PATH_MAX];
	if (path[0] == '/') {
		snprintf(out, PATH_MAX, "%s", path);
		return;
	}
	if (dirfd == AT_FDCWD) {
		if (!getcwd(base, sizeof base))
			abort();
	} else {
		char link[64];
		snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
		ssize_t n = readlink(link, base, sizeof base - 1);
		if (n < 0)
			abort();
		base[n] = '\0';
	}
	snprintf(out, PATH_MAX, "%s/%s", base, path);
}

static int inside(const char *real)
{
	size_t n = strlen(sandbox);
	return strncmp(real, sandbox, n) == 0 && (real[n] == '/' || real[n] == '\0');
}

/*
 * Check (dirfd, path).  follow: the call follows a symbolic link in the
 * last component, so where that leads must be inside too.
 */
static void check(const char *what, int dirfd, const char *path, int follow)
{
	if (!guarding || !path) /* utimensat(fd, NULL, ...) names the open file */
		return;
	char abs[PATH_MAX], real[PATH_MAX], parent[PATH_MAX];
	absolute(dirfd, path, abs);
	/* the directory the last component is in, with every link resolved */
	snprintf(parent, sizeof parent, "%s", abs);
	char *slash = strrchr(parent, '/');
	const char *last = slash ? slash + 1 : parent;
	if (slash == parent)
		parent[1] = '\0';
	else if (slash)
		*slash = '\0';
	if (!realpath(parent, real))
		return; /* no such directory: the call fails by itself */
	if (!inside(real) || strcmp(last, "..") == 0)
		outside(what, abs);
	if (follow && realpath(abs, real) && !inside(real))
		outside(what, abs);
}

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

static int writes(int flags)
{
	return (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0;
}

int open(const char *path, int flags, ...);
int open(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
	va_end(ap);
	if (writes(flags))
		check("open", AT_FDCWD, path, !(flags & O_NOFOLLOW));
	return REAL(open)(path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...);
int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
	va_end(ap);
	if (writes(flags))
		check("openat", dirfd, path, !(flags & O_NOFOLLOW));
	return REAL(openat)(dirfd, path, flags, mode);
}

int creat(const char *path, mode_t mode)
{
	check("creat", AT_FDCWD, path, 1);
	return REAL(creat)(path, mode);
}

int mkdir(const char *path, mode_t mode)
{
	check("mkdir", AT_FDCWD, path, 0);
	return REAL(mkdir)(path, mode);
}

int mkdirat(int dirfd, const char *path, mode_t mode)
{
	check("mkdirat", dirfd, path, 0);
	return REAL(mkdirat)(dirfd, path, mode);
}

int mknod(const char *path, mode_t mode, dev_t dev)
{
	check("mknod", AT_FDCWD, path, 0);
	return REAL(mknod)(path, mode, dev);
}

int mkfifo(const char *path, mode_t mode)
{
	check("mkfifo", AT_FDCWD, path, 0);
	return REAL(mkfifo)(path, mode);
}

int symlink(const char *target, const char *path)
{
	check("symlink", AT_FDCWD, path, 0);
	return REAL(symlink)(target, path);
}

int symlinkat(const char *target, int dirfd, const char *path)
{
	check("symlinkat", dirfd, path, 0);
	return REAL(symlinkat)(target, dirfd, path);
}

int link(const char *old, const char *path)
{
	check("link (target)", AT_FDCWD, old, 0);
	check("link", AT_FDCWD, path, 0);
	return REAL(link)(old, path);
}

int linkat(int olddirfd, const char *old, int dirfd, const char *path, int flags)
{
	check("linkat (target)", olddirfd, old, flags & AT_SYMLINK_FOLLOW);
	check("linkat", dirfd, path, 0);
	return REAL(linkat)(olddirfd, old, dirfd, path, flags);
}

int rename(const char *old, const char *path)
{
	check("rename (from)", AT_FDCWD, old, 0);
	check("rename", AT_FDCWD, path, 0);
	return REAL(rename)(old, path);
}

int renameat(int olddirfd, const char *old, int dirfd, const char *path)
{
	check("renameat (from)", olddirfd, old, 0);
	check("renameat", dirfd, path, 0);
	return REAL(renameat)(olddirfd, old, dirfd, path);
}

int unlink(const char *path)
{
	check("unlink", AT_FDCWD, path, 0);
	return REAL(unlink)(path);
}

int unlinkat(int dirfd, const char *path, int flags)
{
	check("unlinkat", dirfd, path, 0);
	return REAL(unlinkat)(dirfd, path, flags);
}

int rmdir(const char *path)
{
	check("rmdir", AT_FDCWD, path, 0);
	return REAL(rmdir)(path);
}

int chmod(const char *path, mode_t mode)
{
	check("chmod", AT_FDCWD, path, 1);
	return REAL(chmod)(path, mode);
}

int lchmod(const char *path, mode_t mode)
{
	check("lchmod", AT_FDCWD, path, 0);
	return REAL(lchmod)(path, mode);
}

int fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
	check("fchmodat", dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW));
	return REAL(fchmodat)(dirfd, path, mode, flags);
}

int chown(const char *path, uid_t uid, gid_t gid)
{
	check("chown", AT_FDCWD, path, 1);
	return REAL(chown)(path, uid, gid);
}

int lchown(const char *path, uid_t uid, gid_t gid)
{
	check("lchown", AT_FDCWD, path, 0);
	return REAL(lchown)(path, uid, gid);
}

int fchownat(int dirfd, const char *path, uid_t uid, gid_t gid, int flags)
{
	check("fchownat", dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW));
	return REAL(fchownat)(dirfd, path, uid, gid, flags);
}

int utimensat(int dirfd, const char *path, const struct timespec times[2], int flags)
{
	check("utimensat", dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW));
	return REAL(utimensat)(dirfd, path, times, flags);
}

int utimes(const char *path, const struct timeval times[2])
{
	check("utimes", AT_FDCWD, path, 1);
	return REAL(utimes)(path, times);
}

int lutimes(const char *path, const struct timeval times[2])
{
	check("lutimes", AT_FDCWD, path, 0);
	return REAL(lutimes)(path, times);
}

int truncate(const char *path, off_t length)
{
	check("truncate", AT_FDCWD, path, 1);
	return REAL(truncate)(path, length);
}

/* ---------------------------------------------------------------- fuzzing */

struct memory {
	const uint8_t *data;
	size_t size;
	int done;
};

static ssize_t memory_read(void *ctx, const void **block)
{
	struct memory *m = ctx;
	if (m->done)
		return 0;
	m->done = 1;
	*block = m->data;
	return (ssize_t)m->size;
}

static char dest[PATH_MAX], root[PATH_MAX];

static void remove_root(void)
{
	guarding = 0;
	code_remove_tree(root);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	snprintf(root, sizeof root, "/dev/shm/smshim-fuzz-extract.XXXXXX");
	if (!mkdtemp(root))
		abort();
	atexit(remove_root); /* libFuzzer ends with exit() after -max_total_time */
	snprintf(dest, sizeof dest, "%s/d", root);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (REAL(mkdir)(dest, 0700) < 0 || !realpath(dest, sandbox))
		abort();
	struct memory m = {data, size, 0};
	struct extract_source src = {memory_read, &m, "fuzz", 0};
	struct extract_limits lim = {1 << 20, 1000};
	guarding = 1;
	extract_archive(&src, dest, &lim);
	guarding = 0;
	if (code_remove_tree(dest) < 0)
		abort();
	return 0;
}
