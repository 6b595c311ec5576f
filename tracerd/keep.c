/* Keeping a call in the in-flight table as it goes (plain stores, no
 * syscall), and the record's view of the call: what a tracerd started
 * after a crash finds (recover.c). */
#include <string.h>

#include "notif_ctx.h"

/* The record's view of the results. */
struct audit_rec keep_record_of(const struct notif_ctx *x)
{
	return (struct audit_rec){
		.call = &x->call,
		.target = &x->facts,
		.cwd = x->res.have_cwd ? x->res.cwd : x->facts.cwd,
		.path = x->path.ok ? x->path.path : NULL,
		.resolved = x->res.have_resolved ? x->res.resolved : NULL,
		.verdict = &x->verdict,
	};
}

/* The slot says DECIDED before anything is created: a call found there
 * after a crash is handled again from the start. */
void keep_decided(struct notif_ctx *x)
{
	if (x->slot) {
		x->slot->err = x->verdict.err;
		inflight_set(x->slot, INFLIGHT_DECIDED);
	}
}

/* The notification into the slot, RECEIVED (plain stores: no syscall). */
void keep_received(struct notif_ctx *x, uint64_t owner)
{
	struct inflight_slot *s = x->slot;

	if (!s)
		return;
	s->listener = owner;
	s->notif_len = (uint32_t)sizeof(struct seccomp_notif);
	memcpy(s->notif, x->req, sizeof(struct seccomp_notif));
	inflight_set(s, INFLIGHT_RECEIVED);
}

/* With an in-flight table, the record is formatted the moment the
 * directory exists, and the slot says CREATED with it: a tracerd started
 * after a crash writes it and answers 0, whenever the crash came. */
void keep_created(struct notif_ctx *x)
{
	struct audit_rec rec;
	int n;

	if (!x->slot || !x->created)
		return;
	rec = keep_record_of(x);
	n = audit_record(&rec, x->line, AUDIT_LINE_MAX);
	if (n < 0)
		return;	/* record() says so */
	x->formatted = n;
	x->slot->line_len = (uint32_t)n;
	x->slot->err = 0;
	inflight_set(x->slot, INFLIGHT_CREATED);
}
