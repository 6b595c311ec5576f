/* The audit log: one JSON line per attempt or event, each written with one
 * write(2) on an O_APPEND fd under one lock, before the call is answered. */
#ifndef TRACERD_AUDIT_H
#define TRACERD_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "json.h"

/* the worst case: every string at its limit, every byte escaped as \udcXX */
#define AUDIT_LINE_MAX (160 * 1024)

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

/* Start a line with "ts". */
void audit_begin(struct jbuf *j, char *buf, size_t cap);

/* A daemon event: {"ts","event","pid"?,"reason"?}. pid <= 0: omitted. */
int audit_event(const char *event, pid_t pid, const char *reason);

/* An event of one supervised program tree: "attach" is its listener's id
 * (0: unknown, omitted). */
int audit_event_attach(const char *event, pid_t pid, uint64_t attach, const char *reason);

/* The same with members between pid and reason: numbers, or true/false. */
struct audit_num {
	const char *key;
	long long v;
	bool boolean;
};
int audit_event_with(const char *event, pid_t pid, const char *reason,
		     const struct audit_num *nums, size_t n);

struct call;
struct target_facts;
struct verdict;

/* What the record of one call is made of: what each stage found, read
 * only (a NULL string: that stage did not find it). */
struct audit_rec {
	const struct call *call;		/* the notification */
	const struct target_facts *target;	/* pid, uid; exe, comm, cwd when ok */
	const char *cwd;			/* the cwd used or read */
	const char *path;			/* as given; NULL: unreadable */
	const char *resolved;			/* NULL: unresolved */
	const struct verdict *verdict;
};

/* A call's key in its record: "attach":L,"notif":"N" (N a decimal
 * string: JSON readers lose 64-bit integers). Recovery looks for it. */
void audit_call_key(struct jbuf *j, uint64_t listener, uint64_t id);

/* At least the length of the call's record as it will be, once decided. */
size_t audit_record_bound(const struct audit_rec *r);

/* Format the record of one call into buf. Its length, or -ENOSPC. */
int audit_record(const struct audit_rec *r, char *buf, size_t cap);

#endif
