/* One notification, from RECV to SEND: notif.c calls the stages in order
 * (target, resolve, policy, emulate, record) and owns the answer. */
#ifndef TRACERD_NOTIF_H
#define TRACERD_NOTIF_H

#include <stdint.h>

/* The buffers of one answering thread, allocated once (the resolution's
 * arena among them), and the results of the call in hand. */
struct notif_ctx;

struct notif_ctx *notif_ctx_new(void);
void notif_ctx_free(struct notif_ctx *x);

/* Wait for one notification of the listener. 1 when one came, 0 for the
 * normal ENOENT/EINTR of RECV, or -errno. */
int notif_recv(struct notif_ctx *x, int listener);

/* Evaluate, record and answer the notification notif_recv took; owner is
 * the listener's unique id. */
void notif_answer(struct notif_ctx *x, int listener, uint64_t owner);

/* Both: 1 when a call was answered, 0 when none came, or -errno. */
int notif_handle(struct notif_ctx *x, int listener, uint64_t owner);

#endif
