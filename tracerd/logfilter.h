/* The filters of `tracerd log` (logfilter.c), all combined with "and". A
 * filter on a key a line lacks excludes it (an event has no "decision"). */
#ifndef TRACERD_LOGFILTER_H
#define TRACERD_LOGFILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "logrec.h"

struct logfilter {
	bool has_since, has_until, has_pid, has_attach;
	long long since, until;		/* microseconds, both included */
	long long pid, attach;
	const char *decision, *exe, *comm, *err;	/* NULL: any */
	char *under;			/* normalised by logfilter_under (owned) */
	size_t under_len;
	bool events;			/* daemon events too (hidden by default) */
};

/* --under DIR: absolute, kept without "." components, repeated or
 * trailing slashes ("/" stays "/"). 0, -EINVAL (relative), -ENOMEM. */
int logfilter_under(struct logfilter *f, const char *dir);

/* Is path[0..n) DIR or below it, component-wise (/tmp/a is not under
 * /tmp/ab)? dir as logfilter_under keeps it. */
bool logfilter_is_under(const char *dir, size_t dirlen, const char *path, size_t n);

bool logfilter_match(const struct logfilter *f, const struct logrec *r);

void logfilter_free(struct logfilter *f);

#endif
