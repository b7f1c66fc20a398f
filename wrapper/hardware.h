/*
 * hardware.h - the CPU, GPU and Neuron core counts the toolkit reports
 * (environment.py num_cpus, num_gpus, num_neurons).
 */
#ifndef SMSHIM_HARDWARE_H
#define SMSHIM_HARDWARE_H

struct hardware {
	long long cpus;
	long long gpus;
	long long neurons;
};

#include "settings.h"

/*
 * Each count is its SMSHIM_NUM_* setting when set, else detected:
 * CPUs online; GPUs listed by `nvidia-smi --list-gpus` (0 when it is not on
 * PATH or fails); Neuron cores 64 on trn2.48xlarge, else the sum of
 * nc_count in `neuron-ls -j` (0 when it is not on PATH or fails).  A
 * program is only started when it is installed and its count not pinned.
 */
void hardware_detect(struct hardware *hw, const struct settings *s, const char *instance_type);

#endif
