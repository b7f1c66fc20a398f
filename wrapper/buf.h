/*
 * buf.h - growable byte buffers and allocation that cannot return NULL.
 *
 * smshim is short-lived and has nothing useful to do without memory, so an
 * allocation failure is reported once and ends the program with
 * SMSHIM_EXIT_SOFTWARE instead of being threaded through every caller.
 */
#ifndef SMSHIM_BUF_H
#define SMSHIM_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data; /* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
};

/* malloc/realloc/strdup that never return NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/*
 * The concatenation of the strings up to a NULL, as a new string (cheaper
 * than xasprintf, which matters at start-up).
 */
char *xconcat(const char *first, ...) __attribute__((sentinel));
/* A new string from printf-style arguments. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Append bytes, one byte, a C string, or printf output. */
void buf_add(struct buf *b, const void *p, size_t n);
void buf_addc(struct buf *b, char c);
void buf_adds(struct buf *b, const char *s);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);
/* Empty the buffer but keep its memory. */
void buf_reset(struct buf *b);
/* Hand the contents over as a C string (never NULL) and empty the buffer. */
char *buf_detach(struct buf *b);
void buf_free(struct buf *b);

#endif
