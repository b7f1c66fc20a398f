/*
 * config.h - read the three files under input/config/ into a struct job.
 */
#ifndef SMSHIM_CONFIG_H
#define SMSHIM_CONFIG_H

#include "job.h"

/* $SAGEMAKER_BASE_DIR when it is set (even to ""), else /opt/ml. */
const char *config_base_dir(void);

/* Python's os.path.join(a, b) for two components.  Returns a new string. */
char *config_join(const char *a, const char *b);

/*
 * Fill `job` from the job under base_dir: the paths, the three files
 * (decoded as Python's json module would), the hyperparameters split into
 * the user's and SageMaker's, every value smshim relies on checked.
 * Returns 0, or -1 after log_fail() naming the file and what is wrong, with
 * SMSHIM_EXIT_NOINPUT (missing, unreadable) or SMSHIM_EXIT_DATA (malformed).
 */
int config_load(struct job *job, const char *base_dir);

#endif
