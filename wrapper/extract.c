/*
 * extract.c - unpack a tar archive (gzip-compressed or not) from a stream of
 * bytes into an empty directory, with libarchive loaded on first use.
 *
 * Every entry is checked here before libarchive sees it, so that a hostile
 * archive is refused with the entry named and nothing is written outside
 * the directory whatever libarchive's version does; its own guards
 * (ARCHIVE_EXTRACT_SECURE_*) stay on as a second line.
 */
#include "extract.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "dl.h"
#include "log.h"
#include "pyfmt.h"
#include "signals.h"
#include "smshim.h"

/* ------------------------------------------------------------- libarchive */

/* Every libarchive function used, typed from its own header. */
#define LA_FUNCTIONS(X)                                                                            \
	X(archive_read_new) X(archive_read_support_filter_all) X(archive_read_support_format_tar)   \
	X(archive_read_open) X(archive_read_next_header) X(archive_read_data_block)                  \
	X(archive_read_free) X(archive_error_string) X(archive_errno) X(archive_write_disk_new)     \
	X(archive_write_disk_set_options) X(archive_write_header) X(archive_write_data_block)       \
	X(archive_write_finish_entry) X(archive_write_close) X(archive_write_free)                  \
	X(archive_entry_pathname) X(archive_entry_set_pathname) X(archive_entry_hardlink)           \
	X(archive_entry_set_hardlink) X(archive_entry_symlink) X(archive_entry_filetype)            \
	X(archive_entry_size) X(archive_entry_size_is_set)

#define LA_SLOT(f) __typeof__(f) *f;
#define LA_SYMBOL(f) {#f, (void **)&la.f},

static struct {
	LA_FUNCTIONS(LA_SLOT)
} la;

static int load_libarchive(void)
{
	static const char *const sonames[] = {"libarchive.so.13", "libarchive.so", NULL};
	static const struct dl_symbol symbols[] = {LA_FUNCTIONS(LA_SYMBOL)};
	static int loaded;
	if (loaded)
		return 0;
	if (dl_load("libarchive", "libarchive13", sonames, symbols, sizeof symbols / sizeof symbols[0]) < 0)
		return -1;
	loaded = 1;
	return 0;
}

/*
 * No ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS: libarchive is handed absolute
 * paths (the canonical dest_dir joined to the entry), which it would
 * refuse; absolute entry names are refused here instead.  No
 * ARCHIVE_EXTRACT_OWNER: the files belong to whoever runs the job, as
 * SageMaker's toolkit leaves them.
 */
#define WRITE_FLAGS                                                                              \
	(ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_PERM | \
	 ARCHIVE_EXTRACT_TIME)

/* ----------------------------------------------------------------- state */

struct unpack {
	struct extract_source *src;
	struct archive *in, *out;
	const char *dest;	       /* as the caller named it, for messages */
	char *root;		       /* realpath(dest): what libarchive writes under */
	unsigned long long max_bytes;  /* limits, defaults applied */
	unsigned long long max_files;
	unsigned long long bytes;      /* written so far, holes included */
	unsigned long long files;      /* entries seen so far */
	unsigned long long bytes_in;   /* from the source, to tell an empty one */
	int source_failed;	       /* src->read() reported it already */
	struct buf name, path, link;   /* scratch, one entry at a time */
};

static la_ssize_t read_source(struct archive *a, void *data, const void **block)
{
	struct unpack *u = data;
	(void)a;
	ssize_t n = u->src->read(u->src->ctx, block);
	if (n < 0) {
		u->source_failed = 1;
		return ARCHIVE_FATAL;
	}
	u->bytes_in += (unsigned long long)n;
	return n;
}

/* ---------------------------------------------------------------- messages */

/* A copy of `s` that stays on one line (libarchive's messages quote names). */
static char *one_line(const char *s)
{
	char *t = xstrdup(s ? s : "unknown error");
	for (char *p = t; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			*p = '?';
	return t;
}

/* dest/name for a message: as it is, or JSON-quoted if it holds control bytes. */
static char *shown_path(const char *dest, const char *name)
{
	char *path = xconcat(dest, "/", name, NULL);
	for (const char *p = path; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7F) {
			struct buf b = {0};
			pyfmt_json_string(&b, path, 1);
			free(path);
			return buf_detach(&b);
		}
	}
	return path;
}

/*
 * "<source>: entry "<name>": <why>: refused", or with a link's target:
 * "...: entry "<name>": symbolic link to "<target>": <why>: refused".
 */
static int refuse(const struct unpack *u, const char *name, const char *link_kind,
		  const char *target, const char *why)
{
	struct buf b = {0};
	pyfmt_json_string(&b, name, 1);
	buf_adds(&b, ": ");
	if (link_kind) {
		buf_adds(&b, link_kind);
		buf_adds(&b, " to ");
		pyfmt_json_string(&b, target, 1);
		buf_adds(&b, ": ");
	}
	int rc = log_fail(SMSHIM_EXIT_DATA, "%s: entry %s%s: refused", u->src->name, b.data, why);
	buf_free(&b);
	return rc;
}

static int bad_archive(const struct unpack *u)
{
	if (u->source_failed)
		return -1;
	if (u->bytes_in == 0)
		return log_fail(SMSHIM_EXIT_DATA, "%s: not a valid tar archive: it is empty", u->src->name);
	char *why = one_line(la.archive_error_string(u->in));
	int rc = log_fail(SMSHIM_EXIT_DATA, "%s: not a valid tar archive: %s", u->src->name, why);
	free(why);
	return rc;
}

/*
 * libarchive could not write the entry.  An errno is the system's refusal
 * (a full disk, a read-only file system); no errno is one of libarchive's
 * own guards (a path through a symbolic link), which is the archive's fault.
 */
static int write_failed(const struct unpack *u, const char *raw, const char *name)
{
	int e = la.archive_errno(u->out);
	if (e > 0) {
		char *path = shown_path(u->dest, name);
		int rc = log_fail(SMSHIM_EXIT_CANTCREAT, "%s: %s", path, strerror(e));
		free(path);
		return rc;
	}
	char *why = one_line(la.archive_error_string(u->out));
	int rc = refuse(u, raw, NULL, NULL, why);
	free(why);
	return rc;
}

static void write_warned(const struct unpack *u, const char *name)
{
	char *path = shown_path(u->dest, name), *why = one_line(la.archive_error_string(u->out));
	log_warn("%s: %s", path, why);
	free(path);
	free(why);
}

static int too_many_bytes(const struct unpack *u)
{
	return log_fail(SMSHIM_EXIT_DATA,
			"%s: more than %llu bytes unpacked: refused (" SMSHIM_ENV_CODE_MAX_BYTES
			" raises the limit)",
			u->src->name, u->max_bytes);
}

static int stopped(const struct unpack *u)
{
	int sig = signals_stop_requested();
	if (!sig)
		return 0;
	return signals_stopped(sig, "unpacking", u->src->name);
}

/* ------------------------------------------------------------------ names */

/* The next component of *p that is not empty or ".", and its length; NULL at the end. */
static const char *next_component(const char **p, size_t *len)
{
	for (;;) {
		const char *s = *p + strspn(*p, "/");
		if (!*s)
			return NULL;
		*len = strcspn(s, "/");
		*p = s + *len;
		if (!(*len == 1 && s[0] == '.'))
			return s;
	}
}

static int is_dotdot(const char *c, size_t len)
{
	return len == 2 && c[0] == '.' && c[1] == '.';
}

static int has_dotdot(const char *s)
{
	size_t len;
	for (const char *c; (c = next_component(&s, &len));)
		if (is_dotdot(c, len))
			return 1;
	return 0;
}

/* `s` without its leading "./" (as tar -C dir . writes names). */
static const char *strip_dot(const char *s)
{
	while (s[0] == '.' && s[1] == '/')
		s += 2 + strspn(s + 2, "/");
	return s;
}

/*
 * Why the symbolic link `name` -> `target` is refused, or NULL.  The target
 * is resolved lexically from the link's directory.  Going up through the
 * directories in the link's own name is safe: they were created as real
 * directories (libarchive writes through no link) and cannot be replaced
 * while they hold the link.  Going up after going down is not, even when it
 * looks harmless: the name gone down into may be, or may later become, a
 * link itself ("a -> ." makes "a/.." the directory above dest_dir).
 */
static const char *symlink_problem(const char *name, const char *target)
{
	if (!target || !*target)
		return "empty target";
	if (target[0] == '/')
		return "absolute target";
	size_t depth = 0, len, down = 0;
	for (const char *p = name; next_component(&p, &len);)
		depth++;
	depth--; /* the link itself: the caller skips names without components */
	for (const char *p = target, *c; (c = next_component(&p, &len));) {
		if (!is_dotdot(c, len))
			down++;
		else if (down)
			return "\"..\" after a name, which a link could redirect";
		else if (depth-- == 0)
			return "leads outside the archive's directory";
	}
	return NULL;
}

/*
 * Check a hard link to `target` and point it into the root.  The target
 * must be unpacked already; a hard link to a symbolic link is a second
 * symbolic link with the same text in another directory, so that text is
 * checked again from there.
 */
static int check_hardlink(struct unpack *u, struct archive_entry *e, const char *raw,
			  const char *name, const char *target)
{
	static const char kind[] = "hard link";
	if (!*target)
		return refuse(u, raw, kind, target, "empty target");
	if (target[0] == '/')
		return refuse(u, raw, kind, target, "absolute target");
	const char *t = strip_dot(target);
	if (has_dotdot(t))
		return refuse(u, raw, kind, target, "\"..\" in the target");
	buf_reset(&u->link);
	buf_adds(&u->link, u->root);
	buf_addc(&u->link, '/');
	buf_adds(&u->link, t);
	struct stat st;
	if (lstat(u->link.data, &st) < 0)
		return refuse(u, raw, kind, target, "target not unpacked before it");
	if (S_ISDIR(st.st_mode))
		return refuse(u, raw, kind, target, "target is a directory");
	if (S_ISLNK(st.st_mode)) {
		char text[PATH_MAX];
		ssize_t n = readlink(u->link.data, text, sizeof text - 1);
		if (n < 0)
			return refuse(u, raw, kind, target, "target cannot be read");
		text[n] = '\0';
		const char *why = symlink_problem(name, text);
		if (why)
			return refuse(u, raw, "hard link to a symbolic link", text, why);
	}
	la.archive_entry_set_hardlink(e, u->link.data);
	return 0;
}

/* ------------------------------------------------------------------ entries */

/* Copy the entry's data, counting every byte the file will span. */
static int copy_data(struct unpack *u, const char *raw, const char *name, unsigned long long claimed)
{
	unsigned long long extent = claimed;
	for (;;) {
		if (stopped(u))
			return -1;
		const void *block;
		size_t size;
		la_int64_t offset;
		int r = la.archive_read_data_block(u->in, &block, &size, &offset);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN)
			return bad_archive(u);
		/* a sparse file's holes count: copied elsewhere they become bytes */
		unsigned long long end = (unsigned long long)(offset < 0 ? 0 : offset) + size;
		if (end > extent) {
			if (end > u->max_bytes - u->bytes)
				return too_many_bytes(u);
			extent = end;
		}
		if (size == 0)
			continue;
		/* a failed write(2), a full disk included, is only ARCHIVE_WARN here */
		if (la.archive_write_data_block(u->out, block, size, offset) < ARCHIVE_OK)
			return write_failed(u, raw, name);
	}
	u->bytes += extent;
	return 0;
}

static int unpack_entry(struct unpack *u, struct archive_entry *e)
{
	const char *pathname = la.archive_entry_pathname(e);
	if (!pathname || !*pathname)
		return refuse(u, "", NULL, NULL, "empty name");
	/* a copy: rewriting the entry's pathname below reuses its memory */
	buf_reset(&u->name);
	buf_adds(&u->name, pathname);
	const char *raw = u->name.data;
	if (raw[0] == '/')
		return refuse(u, raw, NULL, NULL, "absolute path");
	const char *name = strip_dot(raw);
	if (has_dotdot(name))
		return refuse(u, raw, NULL, NULL, "\"..\" in the path");
	size_t len;
	const char *rest = name;
	if (!next_component(&rest, &len))
		return 0; /* "." or "./": the archive's root, which dest_dir already is */

	const char *hard = la.archive_entry_hardlink(e);
	switch (la.archive_entry_filetype(e)) {
	case AE_IFREG:
	case AE_IFDIR:
		break;
	case AE_IFLNK: {
		const char *target = la.archive_entry_symlink(e);
		const char *why = symlink_problem(name, target);
		if (why)
			return refuse(u, raw, "symbolic link", target ? target : "", why);
		break;
	}
	case AE_IFCHR: return refuse(u, raw, NULL, NULL, "character device");
	case AE_IFBLK: return refuse(u, raw, NULL, NULL, "block device");
	case AE_IFIFO: return refuse(u, raw, NULL, NULL, "FIFO");
	case AE_IFSOCK: return refuse(u, raw, NULL, NULL, "socket");
	default:
		if (!hard)
			return refuse(u, raw, NULL, NULL, "unknown file type");
	}
	if (hard && check_hardlink(u, e, raw, name, hard) < 0)
		return -1;

	/* what the header claims is refused before anything is written */
	unsigned long long claimed = 0;
	if (la.archive_entry_filetype(e) == AE_IFREG && la.archive_entry_size_is_set(e) &&
	    la.archive_entry_size(e) > 0)
		claimed = (unsigned long long)la.archive_entry_size(e);
	if (claimed > u->max_bytes - u->bytes)
		return too_many_bytes(u);

	buf_reset(&u->path);
	buf_adds(&u->path, u->root);
	buf_addc(&u->path, '/');
	buf_adds(&u->path, name);
	la.archive_entry_set_pathname(e, u->path.data);
	int r = la.archive_write_header(u->out, e);
	if (r < ARCHIVE_WARN)
		return write_failed(u, raw, name);
	if (r == ARCHIVE_WARN)
		write_warned(u, name);
	if (copy_data(u, raw, name, claimed) < 0)
		return -1;
	r = la.archive_write_finish_entry(u->out);
	if (r < ARCHIVE_WARN)
		return write_failed(u, raw, name);
	if (r == ARCHIVE_WARN)
		write_warned(u, name);
	return 0;
}

static int unpack_all(struct unpack *u)
{
	if (la.archive_read_open(u->in, u, NULL, read_source, NULL) != ARCHIVE_OK)
		return bad_archive(u);
	for (;;) {
		if (stopped(u))
			return -1;
		struct archive_entry *e;
		int r = la.archive_read_next_header(u->in, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN)
			return bad_archive(u);
		if (++u->files > u->max_files)
			return log_fail(SMSHIM_EXIT_DATA,
					"%s: more than %llu files unpacked: refused (" SMSHIM_ENV_CODE_MAX_FILES
					" raises the limit)",
					u->src->name, u->max_files);
		if (unpack_entry(u, e) < 0)
			return -1;
	}
	if (u->bytes_in == 0) /* an empty input is no archive, whatever libarchive's version says */
		return bad_archive(u);
	/* directories get their modes and times last, once nothing more goes in */
	if (la.archive_write_close(u->out) != ARCHIVE_OK) {
		int e = la.archive_errno(u->out);
		char *why = one_line(e > 0 ? strerror(e) : la.archive_error_string(u->out));
		int rc = log_fail(SMSHIM_EXIT_CANTCREAT, "%s: %s", u->dest, why);
		free(why);
		return rc;
	}
	return 0;
}

int extract_archive(struct extract_source *src, const char *dest_dir,
		    const struct extract_limits *limits)
{
	if (load_libarchive() < 0)
		return -1;
	struct unpack u = {.src = src, .dest = dest_dir};
	u.max_bytes = limits && limits->max_bytes ? limits->max_bytes : SMSHIM_CODE_MAX_BYTES_DEFAULT;
	u.max_files = limits && limits->max_files ? limits->max_files : SMSHIM_CODE_MAX_FILES_DEFAULT;
	/*
	 * Canonical, so that libarchive's symlink guard, which checks every
	 * component of the path it is given, does not trip over a link above
	 * dest_dir (a base directory under /var/run, say).
	 */
	u.root = realpath(dest_dir, NULL);
	if (!u.root)
		return log_fail(SMSHIM_EXIT_CANTCREAT, "%s: %s", dest_dir, strerror(errno));
	u.in = la.archive_read_new();
	u.out = la.archive_write_disk_new();
	int rc;
	if (!u.in || !u.out) {
		rc = log_fail(SMSHIM_EXIT_SOFTWARE, "out of memory");
	} else if (la.archive_read_support_filter_all(u.in) < ARCHIVE_WARN ||
		   la.archive_read_support_format_tar(u.in) < ARCHIVE_WARN ||
		   la.archive_write_disk_set_options(u.out, WRITE_FLAGS) < ARCHIVE_WARN) {
		char *why = one_line(la.archive_error_string(u.in));
		rc = log_fail(SMSHIM_EXIT_SOFTWARE, "libarchive: %s", why);
		free(why);
	} else {
		rc = unpack_all(&u);
	}
	if (u.out)
		la.archive_write_free(u.out);
	if (u.in)
		la.archive_read_free(u.in);
	buf_free(&u.name);
	buf_free(&u.path);
	buf_free(&u.link);
	free(u.root);
	return rc;
}

/* ------------------------------------------------------------ local files */

struct file_source {
	int fd;
	const char *path;
	char block[64 * 1024];
};

static ssize_t read_file(void *ctx, const void **block)
{
	struct file_source *f = ctx;
	for (;;) {
		ssize_t n = read(f->fd, f->block, sizeof f->block);
		if (n >= 0) {
			*block = f->block;
			return n;
		}
		if (errno != EINTR)
			return log_fail(SMSHIM_EXIT_NOINPUT, "%s: cannot read: %s", f->path, strerror(errno));
	}
}

int extract_file_open(struct extract_source *src, const char *path)
{
	memset(src, 0, sizeof *src);
	src->name = path;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return log_fail(SMSHIM_EXIT_NOINPUT, "%s: cannot open: %s", path, strerror(errno));
	struct file_source *f = xmalloc(sizeof *f);
	f->fd = fd;
	f->path = path;
	src->read = read_file;
	src->ctx = f;
	return 0;
}

void extract_file_close(struct extract_source *src)
{
	struct file_source *f = src->ctx;
	if (!f)
		return;
	close(f->fd);
	free(f);
	src->ctx = NULL;
}
