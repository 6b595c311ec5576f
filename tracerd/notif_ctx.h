/* The context of one call, shared by the two files that handle it:
 * notif.c (RECV, the record, SEND), keep.c (the in-flight slot) and
 * judge.c (the target's facts, the resolution, the decision, the
 * creation). Nothing else sees it (notif.h keeps it opaque). */
#ifndef TRACERD_NOTIF_CTX_H
#define TRACERD_NOTIF_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/compat.h"
#include "audit.h"
#include "call.h"
#include "inflight.h"
#include "policy.h"
#include "resolve.h"
#include "target.h"

/* One answering thread's buffers, allocated once, and what each stage
 * found for the call in hand: only this file sees them all, each stage
 * gets its part. */
struct notif_ctx {
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	struct call call;		/* the notification, decoded */
	struct target_facts facts;
	struct target_path path;
	struct resolve_out res;		/* the judged parent, open until answered */
	struct verdict verdict;
	struct rules *policy;		/* the version deciding this call, held */
	bool created;			/* tracerd made the directory */
	size_t claim;			/* room claimed in the log for the record */
	struct target_buf tbuf;		/* status text, groups, id maps */
	struct resolve_arena *arena;	/* the resolution's large state */
	struct inflight_slot *slot;	/* this thread's, in the in-flight table */
	bool recovering;		/* the call is one a tracerd gone had */
	int formatted;			/* the record's length, once in line */
	char *line;			/* the record: in the slot, or own[] */
	char own[];			/* AUDIT_LINE_MAX without a slot */
};

/* judge.c: everything between RECV and the record. The calls that cannot
 * be evaluated are told why, the others evaluated with the target's fds,
 * acting as the target; the directory created when the policy allows. */
void judge_call(struct notif_ctx *x, int listener, uint64_t owner);

/* keep.c: the slot says RECEIVED (the notification of listener owner),
 * DECIDED (x's answer, nothing created yet), or CREATED with the record
 * formatted in it; and the record's view of x. */
void keep_received(struct notif_ctx *x, uint64_t owner);
void keep_decided(struct notif_ctx *x);
void keep_created(struct notif_ctx *x);
struct audit_rec keep_record_of(const struct notif_ctx *x);

#endif
