/* `tracerd log -f` (logfollow.c): the log as it grows, like tail -F,
 * across its rotation (renamed away, a new file at its path), its
 * re-creation and its truncation, until SIGINT or SIGTERM. */
#ifndef TRACERD_LOGFOLLOW_H
#define TRACERD_LOGFOLLOW_H

#include <stddef.h>

#include "logread.h"

/* Called with each line (its '\n' included, or a torn rest without), and
 * to flush what it printed once no more lines are there for now. */
struct logfollow_sink {
	void (*line)(void *ctx, const char *line, size_t n);
	void (*flush)(void *ctx);
	void *ctx;
};

/* Follow path, reading on from r (which has read path's file up to its
 * end, or has no fd when path could not be opened). Returns when
 * interrupted: 0, or -errno when the wait itself failed. */
int logfollow_run(const char *path, struct logread *r, const struct logfollow_sink *s);

#endif
