/*
 * fuzz.h - what every fuzz target shares: libFuzzer's two entry points,
 * declared (the project builds with -Wmissing-prototypes), and the set-up
 * of smshim's pieces for fuzzing.
 */
#ifndef SMSHIM_FUZZ_H
#define SMSHIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "log.h"
#include "pyjson.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* cJSON allocating with xmalloc, and no log line: failures are expected. */
static inline void fuzz_setup(void)
{
	pyjson_init();
	log_set_level(LOG_OFF);
}

#endif
