/* Shared pieces of the benchmark programs: the clock, the latency
 * histogram and the result record a throughput worker leaves behind. */
#ifndef NOTIF_BENCH_H
#define NOTIF_BENCH_H

#include <stdint.h>
#include <time.h>

/* Log-linear buckets: exact below 64 ns, then 32 steps per power of two
 * (about 3 % wide), up to ~34 s. */
#define HIST_BUCKETS 1024

struct tp_result {
	uint64_t calls;		/* timed mkdir calls */
	uint64_t errors;	/* calls that did not return 0 */
	uint64_t elapsed_ns;	/* the worker's own run time */
	uint32_t hist[HIST_BUCKETS];
};

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* A timed loop is cut into blocks; a run reports the median block, so a
 * burst of other load on the machine moves it less than a plain mean. */
#define BLOCKS 20

/* The median of v[0..n) (sorts v). */
double bench_median(double *v, unsigned n);

unsigned hist_bucket(uint64_t ns);
/* The middle of a bucket's range, in ns. */
double hist_value(unsigned bucket);
/* The value below which a fraction q of the counted calls fall. */
double hist_quantile(const uint32_t *hist, double q);

/* Replace every "%i" in s by i; returns a malloc'ed string. */
char *bench_subst(const char *s, unsigned i);

/* VmRSS of pid in KiB and its number of open fds; -1 when unreadable. */
long bench_rss_kib(int pid);
long bench_fd_count(int pid);

#endif
