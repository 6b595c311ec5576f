/* The audit log: one JSON line per attempt or event, each written with one
 * write(2) on an O_APPEND fd under one lock, before the call is answered. */
#ifndef TRACERD_AUDIT_H
#define TRACERD_AUDIT_H

#include <stddef.h>
#include <sys/types.h>

#include "json.h"

/* the worst case: every string at its limit, every byte escaped as \udcXX */
#define AUDIT_LINE_MAX (160 * 1024)

/* Open (creating 0600, parents 0700) PATH, or "-" for stdout. A torn last
 * line is cut away; its size is returned in *torn. 0 or -errno. */
int audit_open(const char *path, size_t *torn);
void audit_close(void);

/* Write one complete line. On failure the line goes to stderr as
 * `audit-lost: ...` and the loss is counted; the next successful write
 * is preceded by a `lost-records` event. 0 or -errno. */
int audit_write(const char *line, size_t len);

/* Start a line with "ts". */
void audit_begin(struct jbuf *j, char *buf, size_t cap);

/* A daemon event: {"ts","event","pid"?,"reason"?}. pid <= 0: omitted. */
int audit_event(const char *event, pid_t pid, const char *reason);

struct call;
/* Format the record of one call into buf. Its length, or -ENOSPC. */
int audit_record(const struct call *c, char *buf, size_t cap);

#endif
