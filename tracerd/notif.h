/* One notification, from RECV to SEND: notif.c calls the stages in order
 * (target, resolve, policy, emulate, record) and owns the answer. */
#ifndef TRACERD_NOTIF_H
#define TRACERD_NOTIF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The buffers of one answering thread, allocated once (the resolution's
 * arena among them), and the results of the call in hand. */
struct notif_ctx;
struct inflight_slot;

/* slot: the thread's in the in-flight table (NULL: none), where the
 * record is formatted too. */
struct notif_ctx *notif_ctx_new(struct inflight_slot *slot);
void notif_ctx_free(struct notif_ctx *x);

/* Wait for one notification of the listener. 1 when one came, 0 for the
 * normal ENOENT/EINTR of RECV, or -errno. */
int notif_recv(struct notif_ctx *x, int listener);

/* The thread that made the call notif_recv took. */
pid_t notif_tid(const struct notif_ctx *x);

/* Evaluate, record and answer the notification notif_recv took; owner is
 * the listener's unique id. */
void notif_answer(struct notif_ctx *x, int listener, uint64_t owner);

/* Answer again a call a tracerd gone had received (its raw notification,
 * len bytes): handled from the start, its record "recovered":true. */
void notif_recover(struct notif_ctx *x, int listener, uint64_t owner, const void *notif,
		   size_t len);

/* A call a tracerd gone had received but not kept (in no slot): answered
 * EINTR, its record "path":null, "recovered":true. */
void notif_interrupted(struct notif_ctx *x, int listener, uint64_t owner, const void *notif,
		       size_t len);

#endif
