/* One notification, from RECV to SEND. */
#ifndef TRACERD_NOTIF_H
#define TRACERD_NOTIF_H

#include <linux/seccomp.h>
#include <stdint.h>

#include "audit.h"
#include "call.h"
#include "resolve.h"

/* The buffers of one answering thread, allocated once. */
struct notif_ctx {
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	struct call call;
	struct resolve_out out;	/* the judged parent, open until answered */
	char line[AUDIT_LINE_MAX];
};

struct notif_ctx *notif_ctx_new(void);
void notif_ctx_free(struct notif_ctx *x);

/* Receive one notification from the listener (owner: its unique id) and
 * answer it. 0 when done
 * (including the normal ENOENT/EINTR of RECV), or -errno from RECV. */
int notif_handle(struct notif_ctx *x, int listener, uint64_t owner);

#endif
