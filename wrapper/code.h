/*
 * code.h - put the user's code in code/ (toolkit files.download_and_extract).
 */
#ifndef SMSHIM_CODE_H
#define SMSHIM_CODE_H

#include "job.h"
#include "settings.h"

/*
 * Make job->code_dir hold the code named by `source` (the job's
 * sagemaker_submit_directory): a local directory, a local archive (tar,
 * gzip-compressed or not), another local file, or s3://bucket/key.  As the
 * toolkit does, a code/ that already holds files is kept as it is (and the
 * log says so), and a source equal to code/ means nothing to do.
 *
 * The code is written to a temporary directory in the base directory and
 * renamed into place, so a failure leaves code/ as it was.  `hp_region` is
 * the job's sagemaker_region (for S3), or NULL.
 * Returns 0, or -1 after log_fail().
 */
int code_fetch(const struct job *job, const char *source, const char *hp_region,
	       const struct settings *s);

/* Remove a directory tree (no symlink is followed).  Returns 0 or -1 (errno set). */
int code_remove_tree(const char *path);

#endif
