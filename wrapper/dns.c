/* dns.c - wait until every host of the job resolves. */
#include "dns.h"

#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "log.h"
#include "signals.h"
#include "smshim.h"

#define FIRST_WAIT_MS 100
#define MAX_WAIT_MS 30000

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int resolves(const char *host)
{
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_INET; /* gethostbyname: IPv4 */
	int rc = getaddrinfo(host, NULL, &hints, &res);
	if (res)
		freeaddrinfo(res);
	return rc == 0;
}

int dns_wait(const struct job *job, const struct settings *s)
{
	const cJSON *hosts = job->hosts;
	if (s->skip_dns_wait)
		return 0;
	/* one host, and it is this one: there is nobody to wait for */
	if (!hosts->child->next && strcmp(hosts->child->valuestring, job->current_host) == 0)
		return 0;
	long long deadline = now_ms() + s->dns_timeout_s * 1000;
	for (const cJSON *h = hosts->child; h; h = h->next) {
		long wait = FIRST_WAIT_MS;
		int logged = 0;
		while (!resolves(h->valuestring)) {
			if (now_ms() >= deadline)
				return log_fail(SMSHIM_EXIT_UNAVAILABLE,
						"host %s did not resolve within %lld s (%s)", h->valuestring,
						s->dns_timeout_s, SMSHIM_ENV_DNS_TIMEOUT);
			if (!logged++)
				log_info("waiting for host %s to resolve", h->valuestring);
			long left = (long)(deadline - now_ms());
			int sig = signals_sleep_ms(wait < left ? wait : left);
			if (sig)
				return signals_stopped(sig, "waiting for host", h->valuestring);
			wait = wait * 2 > MAX_WAIT_MS ? MAX_WAIT_MS : wait * 2;
		}
	}
	return 0;
}
