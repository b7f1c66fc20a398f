/*
 * dl.h - load a shared library on first use.
 *
 * libcurl and libarchive pull in some forty libraries between them; linked
 * normally they would add about 14 ms to every smshim start, including the
 * many that never fetch or unpack anything.  They are opened with dlopen()
 * when a job first needs them instead.
 */
#ifndef SMSHIM_DL_H
#define SMSHIM_DL_H

#include <stddef.h>

struct dl_symbol {
	const char *name;
	void **slot; /* where the address goes */
};

/*
 * Open the first library of `sonames` (a NULL-terminated list) that loads,
 * and look up every symbol into its slot.  `what` names the library in
 * messages ("libarchive").  Returns 0, or -1 after log_fail() with
 * SMSHIM_EXIT_UNAVAILABLE saying which library or symbol is missing and
 * which Debian package provides it (`package`).
 */
int dl_load(const char *what, const char *package, const char *const *sonames,
	    const struct dl_symbol *symbols, size_t count);

#endif
