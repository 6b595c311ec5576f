/* One notification, from RECV to SEND. */
#ifndef TRACERD_NOTIF_H
#define TRACERD_NOTIF_H

#include <linux/seccomp.h>
#include <stdint.h>

#include "audit.h"
#include "call.h"
#include "resolve.h"
#include "target.h"

/* The buffers of one answering thread, allocated once. */
struct notif_ctx {
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	struct call call;
	struct resolve_out out;	/* the judged parent, open until answered */
	struct target_buf tbuf;	/* status text, groups, id maps */
	char line[AUDIT_LINE_MAX];
};

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
