/* Adoption: the same attach as a handshake's, minus the push (the store
 * has the listener already) and the ack (its program is not waiting for
 * one: its calls wait in the kernel until somebody receives them). */
#include <stdatomic.h>
#include <unistd.h>

#include "../common/wire.h"
#include "adopt.h"
#include "audit.h"
#include "fdstore.h"
#include "hooks.h"
#include "inflight.h"
#include "listener.h"
#include "log.h"
#include "recover.h"

static struct inflight old[ACTIVATION_TABLES];
static unsigned nold;

unsigned adopt_listeners(const struct activation *a)
{
	struct inflight_slot *spare = inflight_cur.hdr ?
		inflight_slot(inflight_cur.hdr->nslots - 1) : NULL;
	unsigned n = 0, orphans = 0;

	for (unsigned i = 0; i < a->nlisteners; i++) {
		const struct adopted *l = &a->listeners[i];
		uint64_t id = 0;
		int st;

		orphans += recover_orphans(old, nold, l->fd, l->id, spare);
		st = listener_attach(l->fd, l->pid, l->id, &id);
		struct audit_num nums[] = {
			{ .key = "adopted", .v = 1, .boolean = true },
			{ .key = "attach", .v = (long long)id },
		};

		if (st != WIRE_OK) {
			log_warn("stored listener %llu of pid %d: %s: its programs are no longer "
				 "supervised", (unsigned long long)l->id, (int)l->pid,
				 wire_status_str((unsigned)st));
			close(l->fd);
			(void)audit_event_attach("lost", l->pid, l->id,
						 "a stored listener could not be adopted");
			continue;
		}
		(void)audit_event_with("attach", l->pid, NULL, nums, 2);
		n++;
	}
	if (orphans)
		log_info("answered EINTR to %u calls the tracerd before had received but not "
			 "kept", orphans);
	return n;
}

void adopt_tables(struct activation *a, unsigned max_threads)
{
	uint64_t gen = 0, next = 0;
	int r;

	for (unsigned i = 0; i < a->ntables; i++) {
		struct inflight *t = &old[nold];

		if (inflight_open(t, a->tables[i]) < 0) {
			log_warn("a passed in-flight table is not one of this version, ignoring");
			continue;
		}
		gen = t->hdr->generation > gen ? t->hdr->generation : gen;
		next = t->hdr->next_listener > next ? t->hdr->next_listener : next;
		nold++;
	}
	a->ntables = 0;
	listener_ids_from(next);
	if (hook_no_inflight())
		return;
	r = inflight_create(&inflight_cur, max_threads + 1, gen + 1);
	if (r == 0)
		r = fdstore_push(inflight_cur.fd, inflight_cur.name);
	if (r < 0)
		log_warn_errno(r, "no in-flight table%s: calls in flight when tracerd dies will "
			       "wait until their programs are interrupted",
			       inflight_cur.hdr ? " in the fd store" : "");
}

void adopt_calls(void)
{
	struct inflight_slot *spare = inflight_cur.hdr ?
		inflight_slot(inflight_cur.hdr->nslots - 1) : NULL;

	for (unsigned i = 0; i < nold; i++) {
		unsigned n = recover_calls(&old[i], spare);

		if (n)
			log_info("finished %u calls that the tracerd before had in flight", n);
		(void)fdstore_remove(old[i].name);
		inflight_close(&old[i]);
	}
	nold = 0;
}
