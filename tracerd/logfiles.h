/* Which files `tracerd log` reads when none is named (logfiles.c): the
 * user's default log and its rotated siblings, oldest first, as
 * logrotate and tracerd's rotation name them (audit.jsonl.1 the newest
 * rotated one): audit.jsonl.N ... audit.jsonl.2 audit.jsonl.1 audit.jsonl. */
#ifndef TRACERD_LOGFILES_H
#define TRACERD_LOGFILES_H

#include <stddef.h>

struct logfiles {
	char **path;		/* malloc'd, the live log last */
	size_t n;
};

/* The siblings of the log at path that exist, then path itself (whether
 * it exists or not). 0, or -ENOMEM. */
int logfiles_of(const char *path, struct logfiles *ret);

void logfiles_free(struct logfiles *f);

#endif
