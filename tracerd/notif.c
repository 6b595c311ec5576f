/* One intercepted call: RECV, kept in the in-flight slot, judged
 * (judge.c: evaluated for the target, created when the policy allows),
 * recorded, then SEND. The record reaches the log before the answer, and
 * if it cannot, the answer is EPERM. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fdutil.h"
#include "hooks.h"
#include "log.h"
#include "notif.h"
#include "rules.h"
#include "notif_ctx.h"
#include "stats.h"
#include "stages.h"
#include "tracerd.h"

struct notif_ctx *notif_ctx_new(struct inflight_slot *slot)
{
	struct notif_ctx *x = calloc(1, sizeof(*x) + (slot ? 0 : AUDIT_LINE_MAX));

	if (!x)
		return NULL;
	x->slot = slot;
	x->line = slot ? slot->line : x->own;
	x->req = calloc(1, daemon_cfg.notif_size);
	x->resp = calloc(1, daemon_cfg.resp_size);
	x->arena = resolve_arena_new();
	if (!x->req || !x->resp || !x->arena) {
		notif_ctx_free(x);
		return NULL;
	}
	return x;
}

void notif_ctx_free(struct notif_ctx *x)
{
	if (!x)
		return;
	free(x->req);
	free(x->resp);
	resolve_arena_free(x->arena);
	target_buf_free(&x->tbuf);
	free(x);
}

static void call_init(struct call *c, const struct seccomp_notif *req, uint64_t owner,
		      bool recovered)
{
	c->id = req->id;
	c->listener = owner;
	c->recovered = recovered;
	c->tid = (pid_t)req->pid;
	c->arch = req->data.arch;
	c->nr = (uint32_t)req->data.nr;
	c->kind = syscalls_classify(c->arch, c->nr);
	if (c->kind == SYSCALLS_MKDIRAT) {
		c->dirfd = (int)(uint32_t)req->data.args[0];
		c->path_ptr = syscalls_arg(c->arch, req->data.args[1]);
		c->mode = (unsigned)req->data.args[2];
	} else {
		c->dirfd = 0;
		c->path_ptr = syscalls_arg(c->arch, req->data.args[0]);
		c->mode = (unsigned)req->data.args[1];
	}
}

/* Nothing found yet: every stage's result unknown, the answer failing
 * closed until decided. */
static void results_init(struct notif_ctx *x)
{
	x->facts.tgid = 0;
	x->facts.nslevels = 0;
	x->facts.creds.fsuid = (uid_t)-1;
	x->facts.ok = x->facts.have_cwd = false;
	x->path.ok = false;
	x->res.parentfd = -1;
	x->res.deny = NULL;
	x->res.have_resolved = x->res.have_cwd = false;
	x->verdict = (struct verdict){ .decision = DECISION_ERROR, .err = EPERM,
				       .reason = "not evaluated" };
	x->created = false;
	x->formatted = 0;
	x->claim = 0;
}

/* A record that could not be written: the directory made for it is
 * removed again. When that fails too (the target's other thread put a
 * file in it), the directory exists: the answer is the truth, 0, and the
 * loss is on stderr and counted. Returns whether it stays. */
static bool unrecorded(const struct notif_ctx *x)
{
	if (!x->created || unlinkat(x->res.parentfd, x->res.last, AT_REMOVEDIR) == 0)
		return false;
	log_error_errno(-errno, "a directory made for pid %d exists without its record "
			"(it could not be removed)", (int)x->call.tid);
	return true;
}

/* The record, before the answer: no record, no directory, no success.
 * The in-flight slot says CREATED (with the record) once the directory
 * exists, RECORDED (with the answer) once the record is in the log. */
static void record(struct notif_ctx *x)
{
	struct audit_rec rec = keep_record_of(x);
	struct inflight_slot *s = x->slot;
	int n = x->formatted ? x->formatted : audit_record(&rec, x->line, AUDIT_LINE_MAX);

	if (n < 0) {
		log_error("a record did not fit in %d bytes: call of pid %d answered EPERM",
			  AUDIT_LINE_MAX, (int)x->call.tid);
		audit_unclaim(x->claim);
	}
	if ((n < 0 || audit_write(x->line, (size_t)n, x->claim) < 0) && !unrecorded(x))
		x->verdict.err = EPERM;
	if (s) {
		s->err = x->verdict.err;
		inflight_set(s, INFLIGHT_RECORDED);
	}
}

pid_t notif_tid(const struct notif_ctx *x)
{
	return (pid_t)x->req->pid;
}

int notif_recv(struct notif_ctx *x, int listener)
{
	memset(x->req, 0, daemon_cfg.notif_size);
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, x->req) < 0)
		return (errno == ENOENT || errno == EINTR) ? 0 : -errno;
	return 1;
}

/* The answer, and the slot free again. */
static void send(struct notif_ctx *x, int listener)
{
	memset(x->resp, 0, daemon_cfg.resp_size);
	x->resp->id = x->call.id;
	x->resp->error = x->verdict.err ? -x->verdict.err : 0;
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, x->resp) < 0 && errno == ENOENT) {
		stats_add(&stats.lost, 1);
		(void)audit_event_attach("lost", x->facts.tgid > 0 ? x->facts.tgid : x->call.tid,
					 x->call.listener,
					 "target interrupted or killed before the answer");
	}
	inflight_set(x->slot, INFLIGHT_FREE);
}

void notif_answer(struct notif_ctx *x, int listener, uint64_t owner)
{
	const char *path;

	STAGE_START();
	hook_pause(HOOK_BEFORE_KEEP, NULL);
	keep_received(x, owner);
	call_init(&x->call, x->req, owner, x->recovering);
	results_init(x);
	hook_pause(HOOK_AFTER_RECV, NULL);
	x->policy = rules_get();
	STAGE_MARK(STAGE_OTHER);
	judge_call(x, listener, owner);
	if (!x->created)
		keep_decided(x);
	STAGE_MARK(STAGE_OTHER);
	record(x);
	STAGE_MARK(STAGE_RECORD);
	rules_put(x->policy);
	x->policy = NULL;
	stats_add(&stats.decided[x->verdict.decision], 1);
	path = x->path.ok ? x->path.path : NULL;
	hook_pause(HOOK_AFTER_RECORD, path);
	fdutil_replace(&x->res.parentfd, -1);
	hook_pause(HOOK_BEFORE_SEND, path);
	STAGE_MARK(STAGE_OTHER);
	send(x, listener);
	STAGE_MARK(STAGE_ANSWER);
	STAGE_END(x->created ? STAGE_CREATED : x->verdict.decision == DECISION_DENIED ?
		  STAGE_REFUSED : STAGE_ELSE);
}

static void take(struct notif_ctx *x, const void *notif, size_t len)
{
	memset(x->req, 0, daemon_cfg.notif_size);
	memcpy(x->req, notif, len < daemon_cfg.notif_size ? len : daemon_cfg.notif_size);
}

void notif_recover(struct notif_ctx *x, int listener, uint64_t owner, const void *notif,
		   size_t len)
{
	take(x, notif, len);
	x->recovering = true;
	notif_answer(x, listener, owner);
	x->recovering = false;
}

void notif_interrupted(struct notif_ctx *x, int listener, uint64_t owner, const void *notif,
		       size_t len)
{
	take(x, notif, len);
	call_init(&x->call, x->req, owner, true);
	results_init(x);
	policy_error(&x->verdict, EINTR, "received by a tracerd that died before keeping it");
	record(x);
	stats_add(&stats.decided[x->verdict.decision], 1);
	send(x, listener);
}
