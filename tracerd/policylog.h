/* The calls of audit logs, for the offline tools of the policy (suggest,
 * what-if): each record read with jread's strict reader, daemon events
 * and lines that are not records passed over. */
#ifndef TRACERD_POLICYLOG_H
#define TRACERD_POLICYLOG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define POLICYLOG_LINE_MAX (256 * 1024)	/* a longer line is skipped */
#define POLICYLOG_FILES_MAX 1024

enum policylog_kind {
	PL_CREATED,	/* emulated with errno null: the directory was made (or audited) */
	PL_DENIED,	/* refused by the policy */
	PL_OTHER,	/* the kernel's own error, or tracerd's */
};

struct policylog_rec {
	enum policylog_kind kind;
	const char *resolved;	/* the canonical path of the call */
	const char *exe;	/* NULL when the record has none */
	const char *err;	/* the errno's name, "" for null */
	bool audit;		/* "action":"audit" */
};

struct policylog_stats {
	unsigned long records;	/* calls given to the callback */
	unsigned long skipped;	/* lines that are not records of ours */
};

typedef int (*policylog_fn)(const struct policylog_rec *r, void *ctx);

/* Every call recorded in logs[0..n-1], in order, to fn (which returns
 * < 0 to stop). 0, or -errno with *bad the log that could not be read. */
int policylog_read(char *const *logs, unsigned n, policylog_fn fn, void *ctx,
		   struct policylog_stats *st, unsigned *bad);

/* The user's default log (tracerd's options_default_log) preceded by its
 * rotated siblings, oldest first (.N ... .1): *out malloc'd, each entry
 * too. 0, -ENOENT when there is none (path then names where it was
 * looked for), -errno. */
int policylog_defaults(char ***out, unsigned *n, char *path, size_t cap);
void policylog_free_list(char **list, unsigned n);

#endif
