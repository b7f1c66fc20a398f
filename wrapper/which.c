/* which.c - find a program on PATH without starting a process. */
#include "which.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"

static int runnable(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

char *which(const char *name)
{
	if (!name[0])
		return NULL;
	if (strchr(name, '/'))
		return runnable(name) ? xstrdup(name) : NULL;
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *dir = path;; ) {
		const char *end = strchr(dir, ':');
		size_t n = end ? (size_t)(end - dir) : strlen(dir);
		/* an empty entry means the current directory */
		char *prefix = n ? xstrndup(dir, n) : xstrdup(".");
		char *candidate = xconcat(prefix, "/", name, NULL);
		free(prefix);
		if (runnable(candidate))
			return candidate;
		free(candidate);
		if (!end)
			return NULL;
		dir = end + 1;
	}
}
