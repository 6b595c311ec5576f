/* The audit log: one JSON line per attempt or event, each written with one
 * write(2) on an O_APPEND fd under one lock, before the call is answered. */
#ifndef TRACERD_AUDIT_H
#define TRACERD_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "audit_line.h"

/* Open (creating 0600, parents 0700) PATH, or "-" for stdout. A torn last
 * line is cut away; its size is returned in *torn. 0 or -errno. */
int audit_open(const char *path, size_t *torn);
void audit_close(void);

/* Open the log's path again (after a rotation) and write to the new file
 * from now on; on failure, say so and keep the old one. 0 or -errno. */
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

/* Is needle in the last window bytes of the log? (false for stdout, or
 * when it cannot be read.) How recovery avoids writing a record twice. */
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
