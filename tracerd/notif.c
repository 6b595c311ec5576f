/* One intercepted call: RECV, evaluate for the target, create when the
 * policy allows, write the record, then SEND. The record reaches the log
 * before the answer, and if it cannot, the answer is EPERM. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "../common/compat.h"
#include "audit.h"
#include "call.h"
#include "creds.h"
#include "emulate.h"
#include "fdutil.h"
#include "hooks.h"
#include "inflight.h"
#include "log.h"
#include "notif.h"
#include "policy.h"
#include "roots.h"
#include "stats.h"
#include "resolve.h"
#include "target.h"
#include "tidcache.h"
#include "tracerd.h"

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
	x->verdict = (struct verdict){ DECISION_ERROR, EPERM, "not evaluated" };
	x->created = false;
	x->formatted = 0;
	x->claim = 0;
}

/* The record's view of the results. */
static struct audit_rec record_of(const struct notif_ctx *x)
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

/* Is the judged parent inside a root? tracerd's own judgement, so it is
 * made with tracerd's credentials even while the thread acts as the target. */
static int within(const struct resolve_out *out)
{
	const struct creds *t = creds_suspend(&daemon_cfg.self_creds);
	int r = roots_within(out->parentfd);

	return creds_resume(t) < 0 ? -EPERM : r;
}

/* The probe and the creation act on the judged parent: as the target,
 * with its namespace's capabilities only where they count there. */
static int on_parent(const struct resolve_out *out)
{
	return creds_for_dir(out->parentfd) < 0 ? -EPERM : 0;
}

/* The slot says DECIDED before anything is created: a call found there
 * after a crash is handled again from the start. */
static void decided(struct notif_ctx *x)
{
	if (x->slot) {
		x->slot->err = x->verdict.err;
		inflight_set(x->slot, INFLIGHT_DECIDED);
	}
}

/* The notification into the slot, RECEIVED (plain stores: no syscall). */
static void received(struct notif_ctx *x, uint64_t owner)
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
static void created(struct notif_ctx *x)
{
	struct audit_rec rec;
	int n;

	if (!x->slot || !x->created)
		return;
	rec = record_of(x);
	n = audit_record(&rec, x->line, AUDIT_LINE_MAX);
	if (n < 0)
		return;	/* record() says so */
	x->formatted = n;
	x->slot->line_len = (uint32_t)n;
	x->slot->err = 0;
	inflight_set(x->slot, INFLIGHT_CREATED);
}

/* Room for the record first (once the directory exists, its record must
 * be writable), then the creation on the judged parent. */
static void create(struct notif_ctx *x, int procfd)
{
	struct audit_rec rec = record_of(x);
	int r;

	x->claim = audit_record_bound(&rec);
	r = audit_claim(x->claim);
	if (r < 0) {
		x->claim = 0;
		policy_error(&x->verdict, EPERM, r == -ENOENT ? "the audit log cannot be written" :
			     "no room for the record in the audit log");
		return;
	}
	decided(x);
	if (x->slot && !x->res.have_cwd)
		target_cwd(procfd, &x->facts);	/* the record is complete once created */
	hook_pause(HOOK_BEFORE_CREATE, x->path.path);
	r = on_parent(&x->res);
	if (r == 0)
		r = emulate_mkdir(x->res.parentfd, x->res.last, x->call.mode, x->facts.umask);
	x->verdict.decision = DECISION_EMULATED;
	x->verdict.err = -r;
	x->created = r == 0;
	created(x);
	hook_pause(HOOK_AFTER_CREATE, x->path.path);
}

/* Resolve, ask the policy what it needs, create or answer, acting as the
 * target (itself or adopted). */
static void decide(struct notif_ctx *x, int procfd)
{
	const struct call *c = &x->call;
	const struct target_facts *t = &x->facts;
	struct resolve_in in = {
		.procfd = procfd, .nstgid = t->nstgid, .nspid = t->nspid,
		.nslevels = t->nslevels, .self_rootfd = daemon_cfg.self_rootfd,
		.self_root = daemon_cfg.self_root, .self = &daemon_cfg.self_creds,
		.scratch = &x->tbuf, .arena = x->arena, .path = x->path.path,
		.dirfd = c->kind == SYSCALLS_MKDIRAT ? c->dirfd : AT_FDCWD,
	};
	struct policy_facts f = { .within = POLICY_UNKNOWN, .probe = POLICY_UNKNOWN };

	f.resolve = resolve_parent(&in, &x->res);
	f.deny = x->res.deny;
	f.type = x->res.type;
	for (;;) {
		switch (policy_decide(&f, &x->verdict)) {
		case POLICY_NEED_WITHIN:
			f.within = within(&x->res);
			continue;
		case POLICY_NEED_PROBE:
			f.probe = on_parent(&x->res);
			if (f.probe == 0)
				f.probe = emulate_probe(x->res.parentfd, x->res.last);
			continue;
		case POLICY_CREATE:
			create(x, procfd);
			return;
		case POLICY_ANSWER:
			return;
		}
	}
}

/* The target's fds and status. Fresh fds are trusted once NOTIF_ID_VALID
 * confirms the thread is still ours; kept fds whose reads fail belonged
 * to an earlier holder of the tid: forget them and open anew. */
static int read_status(const struct call *c, int listener, uint64_t owner, struct tid_fds *f,
		       struct target_facts *t, struct target_buf *tb)
{
	int r = target_status(f->status, t, tb);

	if (r < 0 && !f->fresh) {
		tidcache_put(f, true);
		r = tidcache_get(c->tid, owner, f);
		if (r < 0) {
			f->proc = -1;
			return r;
		}
		if (!target_valid(listener, c->id))
			return -ESRCH;
		r = target_status(f->status, t, tb);
	}
	/* capabilities count only relative to the target's user namespace */
	if (r >= 0 && t->creds.cap_eff)
		r = target_userns(f->proc, daemon_cfg.self_userns, &t->creds, tb);
	return r;
}

/* What the path read says; same: whether tracerd has the target's
 * credentials. A target tracerd cannot read because its credentials
 * differ is told so. */
static bool path_verdict(struct verdict *v, int r, bool same)
{
	if (r == -EFAULT)
		policy_error(v, EFAULT, "path unreadable");
	else if (r == -ENAMETOOLONG)
		policy_error(v, ENAMETOOLONG, "no NUL within PATH_MAX");
	else if (r < 0)
		policy_error(v, EPERM, !same ? "credentials" : daemon_cfg.yama ?
			     "yama" : "target memory unreadable");
	return r == 0;
}

/* The cwd of a call that is not resolved from it is a fact for the record,
 * read before a creation so that the room claimed for the record counts
 * it; a relative mkdir's cwd comes from the very fd it is resolved from. */
static void cwd_fact(struct notif_ctx *x, int procfd)
{
	const struct call *c = &x->call;

	if (x->path.path[0] == '/' || (c->kind == SYSCALLS_MKDIRAT && c->dirfd != AT_FDCWD))
		target_cwd(procfd, &x->facts);
}

/* Decide as the target: as itself when tracerd has its credentials
 * (same), else with them adopted, when tracerd can. */
static void as_target(struct notif_ctx *x, int procfd, bool same)
{
	if (!same && !daemon_cfg.adopt) {
		policy_error(&x->verdict, EPERM, "credentials");
		return;
	}
	if (!same && creds_adopt(&x->facts.creds) < 0) {
		creds_restore(&daemon_cfg.self_creds);	/* a partial switch */
		policy_error(&x->verdict, EPERM, "credentials");
		return;
	}
	cwd_fact(x, procfd);
	decide(x, procfd);
	if (!same)
		creds_restore(&daemon_cfg.self_creds);
}

/* The target's facts and path, then the decision. Every read of the
 * target is trusted only once NOTIF_ID_VALID confirmed the thread is
 * still ours: the status and facts through fds opened before the check,
 * the path read by tid before it. */
static void evaluate(struct notif_ctx *x, int listener, uint64_t owner, struct tid_fds *f)
{
	const struct call *c = &x->call;
	struct target_facts *t = &x->facts;
	bool same;
	int r = read_status(c, listener, owner, f, t, &x->tbuf);

	if (r >= 0) {
		target_read_facts(f->proc, t);
		r = target_read_path(c->tid, c->path_ptr, &x->path);
	}
	same = creds_equal(&t->creds, &daemon_cfg.self_creds);
	if (!target_valid(listener, c->id)) {
		x->path.ok = t->ok = false;
		policy_error(&x->verdict, EPERM, "target vanished");
	} else if (!t->ok) {
		policy_error(&x->verdict, EPERM, "target's /proc unreadable");
	} else if (!path_verdict(&x->verdict, r, same)) {
		/* answered */
	} else if (x->path.path[0] == '\0') {
		x->verdict.decision = DECISION_EMULATED;
		x->verdict.err = ENOENT;
	} else {
		as_target(x, f->proc, same);
	}
	if (t->ok && !x->res.have_cwd)
		target_cwd(f->proc, t);
}

/* Everything between RECV and the record: the calls that cannot be
 * evaluated are told why, the others evaluated with the target's fds. */
static void answer(struct notif_ctx *x, int listener, uint64_t owner)
{
	const struct call *c = &x->call;
	struct tid_fds f;
	int r;

	if (c->kind == SYSCALLS_OTHER) {
		policy_error(&x->verdict, ENOSYS, "syscall not in the table");
		return;
	}
	if (c->tid == 0) {
		policy_error(&x->verdict, EPERM, "target not visible in tracerd's pid namespace");
		return;
	}
	r = tidcache_get(c->tid, owner, &f);
	if (r == -EMFILE || r == -ENFILE) {
		policy_error(&x->verdict, EPERM, "tracerd is out of file descriptors or memory");
		return;
	}
	if (r < 0) {
		policy_error(&x->verdict, EPERM, "target vanished");
		return;
	}
	evaluate(x, listener, owner, &f);
	if (f.proc >= 0)
		tidcache_put(&f, false);
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
	struct audit_rec rec = record_of(x);
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
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, x->resp) < 0 && errno == ENOENT)
		(void)audit_event_attach("lost", x->facts.tgid > 0 ? x->facts.tgid : x->call.tid,
					 x->call.listener,
					 "target interrupted or killed before the answer");
	inflight_set(x->slot, INFLIGHT_FREE);
}

void notif_answer(struct notif_ctx *x, int listener, uint64_t owner)
{
	const char *path;

	hook_pause(HOOK_BEFORE_KEEP, NULL);
	received(x, owner);
	call_init(&x->call, x->req, owner, x->recovering);
	results_init(x);
	hook_pause(HOOK_AFTER_RECV, NULL);
	answer(x, listener, owner);
	if (!x->created)
		decided(x);
	record(x);
	stats_add(&stats.decided[x->verdict.decision], 1);
	path = x->path.ok ? x->path.path : NULL;
	hook_pause(HOOK_AFTER_RECORD, path);
	fdutil_replace(&x->res.parentfd, -1);
	hook_pause(HOOK_BEFORE_SEND, path);
	send(x, listener);
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

int notif_handle(struct notif_ctx *x, int listener, uint64_t owner)
{
	int r = notif_recv(x, listener);

	if (r > 0)
		notif_answer(x, listener, owner);
	return r;
}
