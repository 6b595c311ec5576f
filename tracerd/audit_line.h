/* The lines of the audit log, formatted (audit_line.c): the timestamp
 * every line starts with, a call's record, a daemon event. audit.c writes
 * them; nothing here writes. */
#ifndef TRACERD_AUDIT_LINE_H
#define TRACERD_AUDIT_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "json.h"

/* The format's version, in every start event ("schema"): raised whenever a
 * key changes meaning (a new key does not raise it). tracerd-audit(5). */
#define AUDIT_SCHEMA 1

/* the worst case: every string at its limit, every byte escaped as \udcXX */
#define AUDIT_LINE_MAX (160 * 1024)

/* Start a line with "ts". */
void audit_begin(struct jbuf *j, char *buf, size_t cap);

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

/* A member of an event between pid and reason: a number, or true/false. */
struct audit_num {
	const char *key;
	long long v;
	bool boolean;
	const char *s;		/* set: a string member instead */
};
/* An event's line into buf (pid <= 0: omitted; reason NULL: omitted):
 * its length, or -ENOSPC. */
int audit_event_line(char *buf, size_t cap, const char *event, pid_t pid, const char *reason,
		     const struct audit_num *nums, size_t n);

#endif
