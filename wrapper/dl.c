/* dl.c - load a shared library on first use. */
#include "dl.h"

#include <dlfcn.h>

#include "log.h"
#include "smshim.h"

int dl_load(const char *what, const char *package, const char *const *sonames,
	    const struct dl_symbol *symbols, size_t count)
{
	void *lib = NULL;
	const char *tried = sonames[0];
	for (size_t i = 0; sonames[i] && !lib; i++)
		lib = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		return log_fail(SMSHIM_EXIT_UNAVAILABLE,
				"%s is needed here but cannot be loaded (%s); install %s", what,
				dlerror() ? dlerror() : tried, package);
	for (size_t i = 0; i < count; i++) {
		*symbols[i].slot = dlsym(lib, symbols[i].name);
		if (!*symbols[i].slot)
			return log_fail(SMSHIM_EXIT_UNAVAILABLE, "%s has no %s: install %s", what,
					symbols[i].name, package);
	}
	return 0; /* the library stays loaded for the life of the process */
}
