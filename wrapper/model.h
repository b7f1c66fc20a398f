/*
 * model.h - the toolkit's Environment properties for a job: what
 * SM_TRAINING_ENV shows and every SM_* variable is made from
 * (environment.py, the Environment class and its properties).
 */
#ifndef SMSHIM_MODEL_H
#define SMSHIM_MODEL_H

#include "hardware.h"
#include "job.h"

/*
 * Build job->model: an object with the 37 properties, in sorted order of
 * nothing in particular (printers sort).  It holds references into the
 * job's trees, so it must be freed before them (job_free does).
 * Returns 0, or -1 after log_fail().
 */
int model_build(struct job *job, const struct hardware *hw);

/* Python's bool(value) for a decoded JSON value. */
int model_truthy(const cJSON *value);

/* A node that stands for `item` without copying it (free it before item). */
cJSON *model_ref(const cJSON *item);

#endif
