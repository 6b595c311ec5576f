/* --summary: what one run did, counted from its records in the audit log. */
#ifndef NOTIF_RUN_SUMMARY_H
#define NOTIF_RUN_SUMMARY_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "jsonl.h"

#define SUMMARY_DIRS 256	/* distinct denied parents counted; more go to "other" */
#define SUMMARY_REASONS 32
#define SUMMARY_TOP 5

struct summary_count {
	char name[JSONL_LONG];
	unsigned long n;
};

struct summary {
	uint64_t id;		/* the attach id of the run */
	pid_t pid;		/* the program's pid, as the attach event has it */
	bool attached;		/* the attach event was found */
	bool detached;		/* and then its detach */
	unsigned long records, created, failed, denied, errors, bad_lines;
	struct summary_count dirs[SUMMARY_DIRS];
	unsigned ndirs;
	unsigned long dirs_other;
	struct summary_count reasons[SUMMARY_REASONS];
	unsigned nreasons;
};

/* Where the tracerd listening as server_pid writes: its --log, else the
 * default (as tracerd works it out). "-": its stdout. 0, or -ENOENT. */
int summary_find_log(pid_t server_pid, char out[PATH_MAX]);

/* Count the run's records: those after the last attach event of id with
 * pid (ids start again with each fresh tracerd) that carry "attach":id,
 * up to its detach. Lines that do not parse are counted in bad_lines.
 * 0 or -errno. */
int summary_read(const char *log, struct summary *s);

/* Feed one line (the unit the reader and the fuzzer share). */
void summary_line(struct summary *s, const char *line, size_t n);

/* The block on f. */
void summary_print(FILE *f, const struct summary *s, const char *log);

#endif
