/*
 * code.c - put the user's code in code/: copied or unpacked into a
 * temporary directory beside it, then renamed into place.
 */
#include "code.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "extract.h"
#include "log.h"
#include "s3.h"
#include "signals.h"
#include "smshim.h"

/* ---------------------------------------------------------------- helpers */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT ? -1 : 0;
}

int code_remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	return nftw(path, remove_entry, 32, FTW_DEPTH | FTW_PHYS);
}

/* The next entry of d but "." and "..", or NULL at the end. */
static struct dirent *next_entry(DIR *d)
{
	struct dirent *e;
	while ((e = readdir(d)) && (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0))
		;
	return e;
}

/* 1 when dir holds anything, 0 when empty, -1 when it cannot be read. */
static int has_entries(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int found = next_entry(d) != NULL;
	closedir(d);
	return found;
}

static int mkdir_p(const char *path)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	int rc = mkdir(p, 0755) < 0 && errno != EEXIST ? -1 : 0;
	free(p);
	return rc;
}

/* --------------------------------------------------------------- copying */

static int copy_file(const char *from, const char *to, mode_t mode)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return log_fail(SMSHIM_EXIT_NOINPUT, "cannot read %s: %s", from, strerror(errno));
	int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 07777);
	if (out < 0) {
		int e = errno;
		close(in);
		return log_fail(SMSHIM_EXIT_CANTCREAT, "cannot write %s: %s", to, strerror(e));
	}
	char chunk[65536];
	int rc = 0;
	for (;;) {
		ssize_t n = read(in, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = log_fail(SMSHIM_EXIT_NOINPUT, "cannot read %s: %s", from, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, chunk + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				rc = log_fail(SMSHIM_EXIT_CANTCREAT, "cannot write %s: %s", to, strerror(errno));
				goto done;
			}
			off += w;
		}
	}
done:
	close(in);
	if (close(out) < 0 && rc == 0)
		rc = log_fail(SMSHIM_EXIT_CANTCREAT, "cannot write %s: %s", to, strerror(errno));
	return rc;
}

/* shutil.copytree(from, to) into the existing directory `to`, links as links */
static int copy_tree(const char *from, const char *to, unsigned depth)
{
	if (depth > 256)
		return log_fail(SMSHIM_EXIT_DATA, "%s: directories nested too deep", from);
	DIR *d = opendir(from);
	if (!d)
		return log_fail(SMSHIM_EXIT_NOINPUT, "cannot read %s: %s", from, strerror(errno));
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = next_entry(d))) {
		int sig = signals_stop_requested();
		if (sig) {
			rc = signals_stopped(sig, "copying", from);
			break;
		}
		char *src = xconcat(from, "/", e->d_name, NULL), *dst = xconcat(to, "/", e->d_name, NULL);
		struct stat st;
		if (lstat(src, &st) < 0) {
			rc = log_fail(SMSHIM_EXIT_NOINPUT, "cannot read %s: %s", src, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			if (mkdir(dst, st.st_mode & 07777) < 0)
				rc = log_fail(SMSHIM_EXIT_CANTCREAT, "cannot create %s: %s", dst, strerror(errno));
			else
				rc = copy_tree(src, dst, depth + 1);
		} else if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n = readlink(src, target, sizeof target - 1);
			if (n < 0)
				rc = log_fail(SMSHIM_EXIT_NOINPUT, "cannot read %s: %s", src, strerror(errno));
			target[n < 0 ? 0 : n] = '\0';
			if (rc == 0 && symlink(target, dst) < 0)
				rc = log_fail(SMSHIM_EXIT_CANTCREAT, "cannot create %s: %s", dst, strerror(errno));
		} else if (S_ISREG(st.st_mode)) {
			rc = copy_file(src, dst, st.st_mode);
		} else {
			log_warn("%s is not a file, a directory or a link: not copied", src);
		}
		free(src);
		free(dst);
	}
	closedir(d);
	return rc;
}

/* ------------------------------------------------------------- sources */

static int is_archive(const char *path)
{
	unsigned char head[512];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, head, sizeof head);
	close(fd);
	if (n >= 2 && head[0] == 0x1F && head[1] == 0x8B)
		return 1; /* gzip */
	return n >= 262 && memcmp(head + 257, "ustar", 5) == 0; /* tar */
}

static int unpack_local(const char *path, const char *tmp, const struct extract_limits *lim)
{
	struct extract_source src;
	if (extract_file_open(&src, path) < 0)
		return -1;
	int rc = extract_archive(&src, tmp, lim);
	extract_file_close(&src);
	return rc;
}

/* Fill tmp from a local source. */
static int fill_local(const char *source, const char *tmp, const struct extract_limits *lim)
{
	struct stat st;
	if (stat(source, &st) < 0)
		return log_fail(SMSHIM_EXIT_NOINPUT, "sagemaker_submit_directory %s: %s", source,
				strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		log_info("copying the code from %s", source);
		return copy_tree(source, tmp, 0);
	}
	if (is_archive(source)) {
		log_info("unpacking the code from %s", source);
		return unpack_local(source, tmp, lim);
	}
	/* one file: shutil.copy2(uri, code_dir) */
	const char *base = strrchr(source, '/');
	char *dst = xconcat(tmp, "/", base ? base + 1 : source, NULL);
	log_info("copying %s into the code directory", source);
	int rc = copy_file(source, dst, st.st_mode);
	free(dst);
	return rc;
}

/*
 * Fill tmp from S3, trying again from an empty directory when a try fails
 * in a way another try may mend.
 */
static int fill_s3(const char *url, const char *tmp, const char *hp_region,
		   const struct extract_limits *lim)
{
	for (int attempt = 1;; attempt++) {
		struct extract_source src = {0};
		int rc = s3_open(&src, url, hp_region);
		if (rc == 0)
			rc = extract_archive(&src, tmp, lim);
		s3_close(&src);
		if (rc == 0)
			return 0;
		if (!src.retryable || attempt >= S3_MAX_ATTEMPTS)
			return -1;
		/* start again from nothing: a half-unpacked tree must not mix in */
		if (code_remove_tree(tmp) < 0 || mkdir(tmp, 0700) < 0)
			return log_fail(SMSHIM_EXIT_CANTCREAT, "cannot clear %s: %s", tmp, strerror(errno));
		log_warn("try %d of %d failed; trying again", attempt, S3_MAX_ATTEMPTS);
		int sig = s3_retry_wait(attempt + 1);
		if (sig)
			return signals_stopped(sig, "fetching", url);
	}
}

/* ----------------------------------------------------------- into place */

/*
 * Move what tmp holds into code_dir.  An empty real directory is replaced
 * in one rename; a symlinked code/ (or one on another file system) gets
 * the entries moved one by one, the link itself left alone.
 */
static int publish(const char *tmp, const char *code_dir)
{
	struct stat st;
	int r = lstat(code_dir, &st);
	if (((r < 0 && errno == ENOENT) || (r == 0 && S_ISDIR(st.st_mode))) &&
	    rename(tmp, code_dir) == 0)
		return 0;
	DIR *d = opendir(tmp);
	if (!d)
		return log_fail(SMSHIM_EXIT_CANTCREAT, "cannot read %s: %s", tmp, strerror(errno));
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = next_entry(d))) {
		char *from = xconcat(tmp, "/", e->d_name, NULL), *to = xconcat(code_dir, "/", e->d_name, NULL);
		if (rename(from, to) < 0)
			rc = log_fail(SMSHIM_EXIT_CANTCREAT, "cannot move the code into %s: %s", code_dir,
				      strerror(errno));
		free(from);
		free(to);
	}
	closedir(d);
	return rc;
}

int code_fetch(const struct job *job, const char *source, const char *hp_region,
	       const struct settings *s)
{
	const char *code_dir = job->code_dir;
	struct stat st;
	if (stat(code_dir, &st) == 0 && !S_ISDIR(st.st_mode))
		return log_fail(SMSHIM_EXIT_CANTCREAT, "%s is not a directory", code_dir);
	if (lstat(code_dir, &st) == 0 && S_ISLNK(st.st_mode) && stat(code_dir, &st) < 0)
		return log_fail(SMSHIM_EXIT_CANTCREAT, "%s is a symbolic link to nothing", code_dir);
	if (mkdir_p(code_dir) < 0)
		return log_fail(SMSHIM_EXIT_CANTCREAT, "cannot create %s: %s", code_dir, strerror(errno));
	if (strncmp(source, "file://", 7) == 0)
		source += 7;
	if (strcmp(source, code_dir) == 0)
		return 0;
	int full = has_entries(code_dir);
	if (full < 0)
		return log_fail(SMSHIM_EXIT_CANTCREAT, "cannot read %s: %s", code_dir, strerror(errno));
	if (full) {
		log_info("%s already holds files: kept as they are, and %s is not fetched "
			 "(as SageMaker's toolkit does)", code_dir, source);
		return 0;
	}
	char *tmp = config_join(job->base_dir[0] ? job->base_dir : ".", ".smshim-code.XXXXXX");
	if (!mkdtemp(tmp)) {
		int rc = log_fail(SMSHIM_EXIT_CANTCREAT, "cannot create a temporary directory in %s: %s",
				  job->base_dir[0] ? job->base_dir : ".", strerror(errno));
		free(tmp);
		return rc;
	}
	struct extract_limits lim = {s->code_max_bytes, s->code_max_files};
	int rc = strncmp(source, "s3://", 5) == 0 ? fill_s3(source, tmp, hp_region, &lim)
						   : fill_local(source, tmp, &lim);
	if (rc == 0 && chmod(tmp, 0755) < 0)
		rc = log_fail(SMSHIM_EXIT_CANTCREAT, "cannot chmod %s: %s", tmp, strerror(errno));
	if (rc == 0)
		rc = publish(tmp, code_dir);
	if (code_remove_tree(tmp) < 0)
		log_warn("cannot remove %s: %s", tmp, strerror(errno));
	free(tmp);
	return rc;
}
