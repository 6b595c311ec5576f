/* Histogram, argument substitution and /proc readings for the bench. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double bench_median(double *v, unsigned n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

unsigned hist_bucket(uint64_t ns)
{
	unsigned e, b;

	if (ns < 64)
		return (unsigned)ns;
	e = 63 - (unsigned)__builtin_clzll(ns);
	b = 64 + (e - 6) * 32 + (unsigned)((ns >> (e - 5)) & 31);
	return b < HIST_BUCKETS ? b : HIST_BUCKETS - 1;
}

double hist_value(unsigned bucket)
{
	unsigned e, sub;
	double lo;

	if (bucket < 64)
		return bucket;
	e = 6 + (bucket - 64) / 32;
	sub = (bucket - 64) % 32;
	lo = (double)((uint64_t)(32 + sub) << (e - 5));
	/* a bucket is 2^(e-5) wide */
	return lo + (double)(1ULL << (e - 5)) / 2;
}

double hist_quantile(const uint32_t *hist, double q)
{
	uint64_t total = 0, seen = 0, want;

	for (unsigned b = 0; b < HIST_BUCKETS; b++)
		total += hist[b];
	if (!total)
		return 0;
	want = (uint64_t)(q * (double)total);
	if (want >= total)
		want = total - 1;
	for (unsigned b = 0; b < HIST_BUCKETS; b++) {
		seen += hist[b];
		if (seen > want)
			return hist_value(b);
	}
	return hist_value(HIST_BUCKETS - 1);
}

char *bench_subst(const char *s, unsigned i)
{
	char num[16];
	size_t n = 0, numlen = (size_t)snprintf(num, sizeof(num), "%u", i);
	char *out = malloc(strlen(s) * (numlen + 1) + 1);

	if (!out)
		return NULL;
	for (; *s; s++) {
		if (s[0] == '%' && s[1] == 'i') {
			memcpy(out + n, num, numlen);
			n += numlen;
			s++;
		} else {
			out[n++] = *s;
		}
	}
	out[n] = '\0';
	return out;
}

long bench_rss_kib(int pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

long bench_fd_count(int pid)
{
	char path[64];
	struct dirent *d;
	long n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}
