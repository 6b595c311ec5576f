/* `tracerd log --summary` (logsummary.c): the aureport view of the
 * selected lines. */
#ifndef TRACERD_LOGSUMMARY_H
#define TRACERD_LOGSUMMARY_H

#include <stdbool.h>
#include <stdio.h>

#include "logcount.h"
#include "logrec.h"

enum { LS_CREATED, LS_FAILED, LS_DENIED, LS_ERROR };	/* a program's counters */

struct logsummary {
	unsigned long records, events, other;	/* other: a decision none of ours */
	unsigned long n[LOGCOUNT_V];		/* by LS_* */
	struct logcount exes, dirs, reasons;
	unsigned long starts, stops, attaches, rejects, lost, lost_events, lost_records;
	long long first, last;
	bool failed;				/* out of memory: counts incomplete */
};

/* Count one selected line. */
void logsummary_add(struct logsummary *s, const struct logrec *r);

/* Print the summary (the ten directories with most denials). */
void logsummary_print(const struct logsummary *s, FILE *out);

void logsummary_free(struct logsummary *s);

#endif
