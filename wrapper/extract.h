/*
 * extract.h - unpack the user's code (a tar archive, gzip-compressed or
 * not) safely, from any stream of bytes: a local file or an S3 download.
 */
#ifndef SMSHIM_EXTRACT_H
#define SMSHIM_EXTRACT_H

#include <sys/types.h>

/*
 * Where the bytes come from.  read() points *block at the next bytes and
 * returns how many (> 0), 0 at the end, or -1 after log_fail(); when such
 * a failure is worth another try (a dropped connection, a server error),
 * it also sets `retryable`.
 */
struct extract_source {
	ssize_t (*read)(void *ctx, const void **block);
	void *ctx;
	const char *name; /* the path or URL, for messages */
	int retryable;
};

/* Bounds against archive bombs; 0 means the default. */
struct extract_limits {
	unsigned long long max_bytes; /* all files together */
	unsigned long long max_files; /* entries of any kind */
};

/*
 * Unpack the archive read from `src` into dest_dir, an existing empty
 * directory.  Refuses, naming the entry: absolute paths, ".." components,
 * symbolic or hard links that lead outside dest_dir, devices and FIFOs,
 * and archives beyond the limits.  Checks signals_stop_requested() as it
 * goes.  Returns 0, or -1 after log_fail() with SMSHIM_EXIT_DATA (a corrupt,
 * truncated or unsafe archive), SMSHIM_EXIT_CANTCREAT (dest_dir cannot be
 * written: a full disk), or the failure the source reported.  After a
 * failure dest_dir may hold part of the archive: the caller removes it.
 */
int extract_archive(struct extract_source *src, const char *dest_dir,
		    const struct extract_limits *limits);

/*
 * A source that reads the local file `path`.  Returns 0, or -1 after
 * log_fail() (SMSHIM_EXIT_NOINPUT).  extract_file_close() releases it.
 */
int extract_file_open(struct extract_source *src, const char *path);
void extract_file_close(struct extract_source *src);

#endif
