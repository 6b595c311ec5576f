/* Recovery of the calls in flight when tracerd died. A slot says how far
 * its call got:
 *   RECEIVED, DECIDED  nothing created: handled again from the start (the
 *                      new daemon decides), unless a DECIDED call's record
 *                      is in the log already: then its answer is sent;
 *   CREATED            the directory exists, the record is in the slot:
 *                      written (unless the log has it) and 0 answered;
 *   RECORDED           the answer in the slot is sent, no second record.
 * A call whose notification is no longer pending (its thread was
 * interrupted or killed meanwhile) is skipped: NOTIF_ID_VALID says so.
 * Windows that cannot be told apart, accepted: killed between the mkdir
 * and the slot's CREATED, the call is handled again and answers EEXIST.
 * Killed between RECV and the slot's RECEIVED, the call is in no slot:
 * before its listener is adopted (nobody here has received anything on
 * it), a listener that polls writable has a received call pending, and
 * the ids around the last one the table saw for it (ids grow by one per
 * listener) are tried with NOTIF_ID_VALID; such a call is answered EINTR,
 * its record with a null path (recover_orphans). */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "../common/compat.h"
#include "audit.h"
#include "emulate.h"
#include "listener.h"
#include "log.h"
#include "notif.h"
#include "pool.h"
#include "recover.h"
#include "tracerd.h"

#define TAIL_WINDOW (1024 * 1024)	/* how far back the log is searched */

struct job {
	const struct inflight *t;
	struct inflight_slot *slot;
	struct notif_ctx *x;
	unsigned done;
};

static int send_answer(int fd, uint64_t id, int err)
{
	struct seccomp_notif_resp *resp = calloc(1, daemon_cfg.resp_size);
	int r;

	if (!resp)
		return -ENOMEM;
	resp->id = id;
	resp->error = err ? -err : 0;
	r = ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 ? -errno : 0;
	free(resp);
	return r;
}

/* The record a dead tracerd formatted for a directory it made, written
 * with "recovered":true (into buf, its length: the line without its
 * closing "}\n", then the member). */
static void write_created(struct job *j, const struct inflight_slot *s, char *buf)
{
	static const char tail[] = ",\"recovered\":true}\n";
	size_t n = s->line_len;

	if (n < 2 || n > AUDIT_LINE_MAX || s->line[n - 1] != '\n' || s->line[n - 2] != '}')
		return;
	memcpy(buf, s->line, n - 2);
	if (n - 2 + sizeof(tail) > AUDIT_LINE_MAX)
		return;
	memcpy(buf + n - 2, tail, sizeof(tail) - 1);
	(void)audit_write(buf, n - 2 + sizeof(tail) - 1, 0);
	(void)j;
}

/* One slot's call on its listener's fd. */
static void finish(struct job *j, const struct inflight_slot *s, int fd, uint64_t id)
{
	uint32_t st = atomic_load(&s->state);
	char key[96];
	bool logged;

	snprintf(key, sizeof(key), "\"attach\":%" PRIu64 ",\"notif\":\"%" PRIu64 "\"",
		 s->listener, id);
	logged = st != INFLIGHT_RECEIVED && audit_tail_contains(key, TAIL_WINDOW);
	if (st == INFLIGHT_RECEIVED || (st == INFLIGHT_DECIDED && !logged)) {
		notif_recover(j->x, fd, s->listener, s->notif, s->notif_len);
	} else if (st == INFLIGHT_CREATED) {
		if (!logged)
			write_created(j, s, j->slot->line);
		(void)send_answer(fd, id, 0);
	} else {
		(void)send_answer(fd, id, s->err);
	}
	j->done++;
}

static void *run(void *arg)
{
	struct job *j = arg;
	int r = emulate_thread_init();

	if (r < 0) {
		log_error_errno(r, "recovery: no fs context of its own; calls in flight not recovered");
		return NULL;
	}
	for (unsigned i = 0; i < j->t->hdr->nslots; i++) {
		const struct inflight_slot *s = &j->t->slots[i];
		struct seccomp_notif n;
		struct listener *l;

		if (atomic_load(&s->state) == INFLIGHT_FREE || s->notif_len < sizeof(n) ||
		    s->notif_len > INFLIGHT_NOTIF_MAX)
			continue;
		memcpy(&n, s->notif, sizeof(n));
		pool_lock();
		l = listener_find(s->listener);
		if (l && !listener_get(l))
			l = NULL;
		pool_unlock();
		if (!l)
			continue;	/* its programs are gone: no listener to answer on */
		if (ioctl(l->it.fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &n.id) == 0)
			finish(j, s, l->it.fd, n.id);
		pool_lock();
		l = listener_put(l);
		pool_unlock();
		listener_free(l);
	}
	return NULL;
}

#define ORPHAN_SPAN 64	/* ids tried either side of the last one seen */

/* Does a table keep this call in a slot not FREE (recovered after), and
 * the highest id any slot saw on the listener? */
static bool kept(const struct inflight *t, unsigned nt, uint64_t lid, uint64_t id,
		 uint64_t *last)
{
	bool k = false;

	for (unsigned i = 0; i < nt; i++)
		for (unsigned j = 0; j < t[i].hdr->nslots; j++) {
			const struct inflight_slot *s = &t[i].slots[j];
			struct seccomp_notif n;

			if (s->listener != lid || s->notif_len < sizeof(n))
				continue;
			memcpy(&n, s->notif, sizeof(n));
			*last = n.id > *last ? n.id : *last;
			k |= n.id == id && atomic_load(&s->state) != INFLIGHT_FREE;
		}
	return k;
}

unsigned recover_orphans(const struct inflight *t, unsigned nt, int fd, uint64_t lid,
			 struct inflight_slot *slot)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	struct seccomp_notif n = { 0 };
	struct notif_ctx *x;
	uint64_t last = 0;
	unsigned done = 0;

	(void)kept(t, nt, lid, 0, &last);
	if (!last || poll(&p, 1, 0) != 1 || !(p.revents & POLLOUT))
		return 0;	/* nothing seen, or no received call pending */
	x = notif_ctx_new(slot);
	if (!x)
		return 0;
	for (uint64_t id = last > ORPHAN_SPAN ? last - ORPHAN_SPAN : 1;
	     id <= last + ORPHAN_SPAN; id++) {
		if (kept(t, nt, lid, id, &last) ||
		    ioctl(fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) < 0)
			continue;
		n.id = id;	/* its arguments are lost with the dead tracerd */
		notif_interrupted(x, fd, lid, &n, sizeof(n));
		done++;
	}
	notif_ctx_free(x);
	return done;
}

unsigned recover_calls(const struct inflight *t, struct inflight_slot *slot)
{
	struct job j = { .t = t, .slot = slot, .x = notif_ctx_new(slot) };
	pthread_t th;

	if (!j.x)
		return 0;
	if (pthread_create(&th, NULL, run, &j) == 0)
		pthread_join(th, NULL);
	notif_ctx_free(j.x);
	return j.done;
}
