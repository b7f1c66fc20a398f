/*
 * train.h - `smshim train`: what the toolkit's `train` does for a job
 * (trainer.train and entry_point.run): fetch the code, install its
 * requirements, wait for the hosts, run the entry point under supervision,
 * report success or failure.
 */
#ifndef SMSHIM_TRAIN_H
#define SMSHIM_TRAIN_H

#include <cjson/cJSON.h>

#include "job.h"
#include "settings.h"

/*
 * Run the job.  `args` are the script arguments and `vars` the variables
 * (env.h), both built already.  Returns the exit status of what ran (the
 * entry point's, or SMSHIM_EXIT_INSTALL when installing failed), with
 * output/success or output/failure written; or -1 after log_fail() when
 * smshim failed before (the caller writes output/failure for those).
 */
int train_run(struct job *job, const struct settings *s, const cJSON *args, cJSON *vars);

#endif
