/*
 * dns.h - wait until every host of the job resolves (toolkit
 * entry_point._dns_lookup): on SageMaker the other hosts' names appear in
 * DNS a little after the container starts.
 */
#ifndef SMSHIM_DNS_H
#define SMSHIM_DNS_H

#include "job.h"
#include "settings.h"

/*
 * Resolve each host in resourceconfig.json's "hosts", retrying with
 * exponential backoff (0.1 s doubling, at most 30 s between tries) for up
 * to SMSHIM_DNS_TIMEOUT seconds in all.  Skipped with SMSHIM_SKIP_DNS_WAIT=1
 * or SM_STUDIO_LOCAL_MODE=true, and for a job whose only host is this one.
 * Returns 0, or -1 after log_fail() (SMSHIM_EXIT_UNAVAILABLE, or 128+N when
 * a stop signal cut the wait short).
 */
int dns_wait(const struct job *job, const struct settings *s);

#endif
