/* extract.c - placeholder until the libarchive extraction lands. */
#include "extract.h"

#include "log.h"
#include "smshim.h"

int extract_archive(struct extract_source *src, const char *dest_dir,
		    const struct extract_limits *limits)
{
	(void)dest_dir;
	(void)limits;
	return log_fail(SMSHIM_EXIT_SOFTWARE, "%s: unpacking archives is not implemented yet", src->name);
}

int extract_file_open(struct extract_source *src, const char *path)
{
	src->name = path;
	return log_fail(SMSHIM_EXIT_SOFTWARE, "%s: unpacking archives is not implemented yet", path);
}

void extract_file_close(struct extract_source *src)
{
	(void)src;
}
