/* The supervisors written in the bench, one notification at a time:
 * - floor: process_vm_readv (one read up to the page boundary, more only
 *   without a NUL), NOTIF_ID_VALID, the policy (a string prefix), mkdir
 *   when allowed, one write(2) of a log line, SEND; SYNC_WAKE_UP set on
 *   the listener. The least a real supervisor with an audit log does.
 * - seed: the same, but the path comes from open/lseek/read/close of
 *   /proc/PID/mem per call (as the seed does) and without SYNC_WAKE_UP. */
#ifndef NOTIF_BENCH_SERVE_H
#define NOTIF_BENCH_SERVE_H

#include <stddef.h>
#include <linux/seccomp.h>

enum serve_kind {
	SERVE_NONE = 0,
	SERVE_FLOOR,
	SERVE_SEED,
};

struct serve {
	enum serve_kind kind;
	int logfd;
	const char *prefix;	/* the allowed directory */
	size_t prefix_len;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	size_t req_size, resp_size;
	unsigned long calls;
};

/* Open the log (O_APPEND) and size the buffers. 0 or -errno. */
int serve_init(struct serve *s, enum serve_kind kind, const char *log, const char *prefix);

/* In the child: our filter (shim/filter.c) with NEW_LISTENER and
 * WAIT_KILLABLE_RECV, the listener sent over sock. 0 or -errno. */
int serve_attach(int sock);

/* In the supervisor: per-listener set-up (SYNC_WAKE_UP for the floor). */
int serve_listener(struct serve *s, int lfd);

/* One RECV ... SEND. 0 (also when the target went away) or -errno. */
int serve_one(struct serve *s, int lfd);

#endif
