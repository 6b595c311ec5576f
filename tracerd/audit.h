/* The audit log: one JSON line per attempt or event, each written with one
 * write(2) on an O_APPEND fd under one lock, before the call is answered. */
#ifndef TRACERD_AUDIT_H
#define TRACERD_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "audit_line.h"

#define AUDIT_OUTPUTS_MAX 8	/* the primary and 7 copies (--log) */

/* Open the primary output: PATH (created 0600, parents 0700), "-" for
 * stdout, "journal" or "syslog". A torn last line is cut away; its size
 * is returned in *torn. 0 or -errno. */
int audit_open(const char *path, size_t *torn);
/* A best-effort copy (outputs.h), added at start. 0 or -errno. */
int audit_add_output(const char *spec);
/* The primary and the copies closed. */
void audit_close(void);

/* Built-in rotation of a file primary (before audit_open): max_size 0
 * turns it off; keep rotated files, .1 the newest; max_age_days 0: none
 * removed by age. */
void audit_rotation(long long max_size, unsigned keep, unsigned max_age_days);

/* The outputs, the primary first: each spec as given (a path, "-",
 * "journal", "syslog") and the records it lost since start. How many
 * were filled (at most max). Takes no lock: for `tracerd status`. */
unsigned audit_outputs(const char **specs, unsigned long *lost, unsigned max);

/* Open the log's path again (after an external rotation) and write to the
 * new file from now on; on failure, say so and keep the old one. File
 * copies too. 0 or -errno. */
int audit_reopen(void);

/* Claim room for the record of a creation before creating: 0 when the
 * log has n bytes reserved on disk for it, else -errno (a full
 * filesystem: do not create). */
int audit_claim(size_t n);
/* Give a claim back without writing. */
void audit_unclaim(size_t n);

/* Write one complete line, releasing claim bytes claimed for it (0 for
 * none). On failure the line goes to stderr as `audit-lost: ...` and the
 * loss is counted; the next successful write is preceded by a
 * `lost-records` event. 0 or -errno. */
int audit_write(const char *line, size_t len, size_t claim);

/* Is needle in the last window bytes of the log, the file before its last
 * rotation (.1) included? (false for stdout, a socket, or when it cannot
 * be read.) How recovery avoids writing a record twice. */
bool audit_tail_contains(const char *needle, size_t window);

/* A daemon event: {"ts","event","pid"?,"reason"?}. pid <= 0: omitted. */
int audit_event(const char *event, pid_t pid, const char *reason);

/* An event of one supervised program tree: "attach" is its listener's id
 * (0: unknown, omitted). */
int audit_event_attach(const char *event, pid_t pid, uint64_t attach, const char *reason);

/* The same with members between pid and reason (audit_line.h). */
int audit_event_with(const char *event, pid_t pid, const char *reason,
		     const struct audit_num *nums, size_t n);

#endif
