/* failure.c - output/failure and output/success, whole or not at all. */
#include "failure.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <unistr.h>

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
	/*
	 * No fsync(): what matters is that a reader never sees a partial
	 * file, which link() below guarantees; SageMaker reads it after the
	 * container ends, not after the machine crashes.
	 */
	int e = off < len ? errno : 0;
	if (fchmod(fd, 0644) < 0)
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

/* The last lines of `text` that fit in `room` bytes, without a partial first line. */
static const char *last_lines(const char *text, size_t room)
{
	size_t len = strlen(text);
	if (len <= room)
		return text;
	const char *start = text + len - room;
	const char *nl = strchr(start, '\n');
	if (nl && nl[1])
		return nl + 1;
	while (((unsigned char)*start & 0xC0) == 0x80)
		start++; /* at least start on a character */
	return start;
}

/*
 * `s` as valid UTF-8, each malformed byte replaced by U+FFFD (what
 * Python's decode(errors="replace") shows): SageMaker displays the failure
 * reason as text.  Returns a new string.
 */
static char *valid_utf8(const char *s)
{
	struct buf b = {0};
	size_t n = strlen(s);
	while (n) {
		const uint8_t *bad = u8_check((const uint8_t *)s, n);
		size_t good = bad ? (size_t)((const char *)bad - s) : n;
		buf_add(&b, s, good);
		if (!bad)
			break;
		buf_adds(&b, "\xEF\xBF\xBD");
		s += good + 1;
		n -= good + 1;
	}
	return buf_detach(&b);
}

/* Python's str.strip() of ASCII whitespace, into a new string. */
static char *strip(const char *s)
{
	while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return xstrndup(s, n);
}

char *failure_text(const char *kind, int status, int signal, int killed_after_grace,
		   long long grace_s, const char *stderr_tail, const char *command)
{
	struct buf extra = {0};
	if (killed_after_grace)
		buf_addf(&extra, "\nExtraInfo \"Killed by SIGKILL (signal 9): it did not stop within %lld s of SIGTERM\"",
			 grace_s);
	else if (signal == SIGKILL)
		buf_adds(&extra, "\nExtraInfo \"OutOfMemory: Process killed by SIGKILL (signal 9)\"");
	else if (signal)
		buf_addf(&extra, "\nExtraInfo \"Killed by SIG%s (signal %d)\"", sigabbrev_np(signal), signal);
	/* the command: at most a quarter of the room, cut at a character */
	size_t cmd_len = strlen(command);
	const size_t cmd_room = SMSHIM_FAILURE_MAX_BYTES / 4;
	int cut = cmd_len > cmd_room;
	if (cut) {
		cmd_len = cmd_room - 3;
		while (cmd_len && ((unsigned char)command[cmd_len] & 0xC0) == 0x80)
			cmd_len--;
	}
	struct buf head = {0}, tailpart = {0};
	buf_addf(&head, "%s:\nExitCode %d\nErrorMessage \"", kind, status);
	buf_addf(&tailpart, "\"%s\nCommand \"%.*s%s\"", extra.data ? extra.data : "", (int)cmd_len,
		 command, cut ? "..." : "");
	char *valid = valid_utf8(stderr_tail ? stderr_tail : "");
	char *message = strip(valid);
	free(valid);
	size_t fixed = head.len + tailpart.len;
	size_t room = fixed < SMSHIM_FAILURE_MAX_BYTES ? SMSHIM_FAILURE_MAX_BYTES - fixed : 0;
	buf_adds(&head, last_lines(message, room));
	buf_add(&head, tailpart.data, tailpart.len);
	free(message);
	buf_free(&extra);
	buf_free(&tailpart);
	return buf_detach(&head);
}

int success_write(const char *output_dir)
{
	return publish(output_dir, "success", "", 0);
}
