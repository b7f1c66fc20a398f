/* failure.c - output/failure and output/success, whole or not at all. */
#include "failure.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "smshim.h"

/* Write data to dir/name unless it exists: a temporary file, then link(). */
static int publish(const char *dir, const char *name, const char *data, size_t len)
{
	struct stat st;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0; /* no output directory: nowhere to report */
	char *path = xasprintf("%s/%s", dir, name);
	char *tmp = xasprintf("%s/.%s.XXXXXX", dir, name);
	int rc = -1;
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		log_warn("cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	int e = off < len ? errno : 0;
	if (fchmod(fd, 0644) < 0 || fsync(fd) < 0)
		e = e ? e : errno;
	if (close(fd) < 0)
		e = e ? e : errno;
	if (e) {
		log_warn("cannot write %s: %s", path, strerror(e));
		unlink(tmp);
		goto out;
	}
	/* link() never replaces: a file the user wrote stays */
	if (link(tmp, path) == 0) {
		rc = 0;
	} else if (errno == EEXIST) {
		log_info("%s exists already: kept as it is", path);
		rc = 0;
	} else if (errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP || errno == EXDEV) {
		/* no hard links here (some network file systems) */
		if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0 || errno == EEXIST)
			rc = 0;
		else
			log_warn("cannot write %s: %s", path, strerror(errno));
	} else {
		log_warn("cannot write %s: %s", path, strerror(errno));
	}
	unlink(tmp);
out:
	free(tmp);
	free(path);
	return rc;
}

int failure_write(const char *output_dir, const char *text)
{
	size_t len = strlen(text);
	if (len > SMSHIM_FAILURE_MAX_BYTES) {
		len = SMSHIM_FAILURE_MAX_BYTES;
		while (len && ((unsigned char)text[len] & 0xC0) == 0x80)
			len--; /* do not split a character */
	}
	return publish(output_dir, "failure", text, len);
}

int success_write(const char *output_dir)
{
	return publish(output_dir, "success", "", 0);
}
