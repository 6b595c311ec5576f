/* Judging one call for its target: the target's facts and path (read,
 * then confirmed by NOTIF_ID_VALID), the resolution acting as the target,
 * the policy's questions, and the creation on the judged parent when the
 * policy allows. notif.c carries the call around it. */
#include <errno.h>
#include <fcntl.h>

#include "creds.h"
#include "emulate.h"
#include "hooks.h"
#include "log.h"
#include "notif_ctx.h"
#include "predict.h"
#include "rules.h"
#include "stages.h"
#include "tidcache.h"
#include "tracerd.h"

struct exe_arg {
	int procfd, listener;
	uint64_t id;
};

/* The target's executable by identity: /proc/TID/exe followed, trusted
 * only if the call is still pending after the read: once a thread group
 * leader is killed by another thread's execve, its /proc/TID names the
 * exec'd program (or nothing, mid-exec), whose exe= rules must not decide
 * the dead call, nor its unreadable exe pass over a deny with exe=. */
static int target_exe(void *arg, struct ident *out)
{
	const struct exe_arg *a = arg;
	int r = ident_at(a->procfd, "exe", 0, out);

	if (!target_valid(a->listener, a->id))
		return -ECANCELED;	/* read or not: it may be the dead call's */
	return r;
}

/* The nearest rule on the judged parent or an ancestor that applies to
 * the target: tracerd's own judgement, made with tracerd's credentials
 * even while the thread acts as the target. The target's executable is
 * known by identity, read only when a directory met has a rule with
 * exe=. 1 a rule allows creating, 0 none does, -errno. */
static int within(struct notif_ctx *x, int procfd, int listener, struct policy_facts *f)
{
	const struct creds *t = creds_suspend(&daemon_cfg.self_creds);
	struct exe_arg a = { .procfd = procfd, .listener = listener, .id = x->call.id };
	struct rule_match m;
	int r = rules_match(x->policy, x->res.parentfd, target_exe, &a, &m);

	if (creds_resume(t) < 0)
		return -EPERM;
	x->verdict.policy = x->policy;
	x->verdict.rule = m.rule;
	if (r == 1 && m.rule->action == POLICY_DENY)
		f->deny_err = m.rule->err;
	return r == 1 ? m.rule->action != POLICY_DENY : r;
}

/* The probe and the creation act on the judged parent: as the target,
 * with its namespace's capabilities only where they count there. */
static int on_parent(const struct resolve_out *out)
{
	return creds_for_dir(out->parentfd) < 0 ? -EPERM : 0;
}

/* Room for the record first (once the directory exists, its record must
 * be writable), then the creation on the judged parent. */
static void create(struct notif_ctx *x, int procfd)
{
	struct audit_rec rec = keep_record_of(x);
	int r;

	x->claim = audit_record_bound(&rec);
	r = audit_claim(x->claim);
	if (r < 0) {
		x->claim = 0;
		policy_error(&x->verdict, EPERM, r == -ENOENT ? "the audit log cannot be written" :
			     "no room for the record in the audit log");
		return;
	}
	STAGE_MARK(STAGE_RECORD);
	keep_decided(x);
	if (x->slot && !x->res.have_cwd)
		target_cwd(procfd, &x->facts);	/* the record is complete once created */
	STAGE_MARK(STAGE_FACTS);
	hook_pause(HOOK_BEFORE_CREATE, x->path.path);
	r = on_parent(&x->res);
	if (r == 0)
		r = emulate_mkdir(x->res.parentfd, x->res.last, x->call.mode, x->facts.umask);
	x->verdict.decision = DECISION_EMULATED;
	x->verdict.err = -r;
	x->created = r == 0;
	STAGE_MARK(STAGE_CREATE);
	keep_created(x);
	STAGE_MARK(STAGE_RECORD);
	hook_pause(HOOK_AFTER_CREATE, x->path.path);
}

/* Resolve, ask the policy what it needs, create or answer, acting as the
 * target (itself or adopted). */
static void decide(struct notif_ctx *x, int procfd, int listener)
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
	struct policy_facts f = { .within = POLICY_UNKNOWN, .probe = POLICY_UNKNOWN,
				  .predict = POLICY_UNKNOWN };

	f.resolve = resolve_parent(&in, &x->res);
	STAGE_MARK(STAGE_RESOLVE);
	f.deny = x->res.deny;
	f.type = x->res.type;
	for (;;) {
		switch (policy_decide(&f, &x->verdict)) {
		case POLICY_NEED_WITHIN:
			STAGE_MARK(STAGE_POLICY);
			f.within = within(x, procfd, listener, &f);
			STAGE_MARK(STAGE_ANCESTRY);
			continue;
		case POLICY_NEED_PROBE:
			STAGE_MARK(STAGE_POLICY);
			f.probe = on_parent(&x->res);
			if (f.probe == 0)
				f.probe = emulate_probe(x->res.parentfd, x->res.last);
			STAGE_MARK(STAGE_PROBE);
			continue;
		case POLICY_NEED_PREDICT:	/* no prediction without the target's power */
			STAGE_MARK(STAGE_POLICY);
			f.predict = on_parent(&x->res) < 0 ? 0 :
				    predict_create(x->res.parentfd);
			STAGE_MARK(STAGE_PROBE);
			continue;
		case POLICY_CREATE:
			STAGE_MARK(STAGE_POLICY);
			create(x, procfd);
			return;
		case POLICY_ANSWER:
			STAGE_MARK(STAGE_POLICY);
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
static void as_target(struct notif_ctx *x, int procfd, int listener, bool same)
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
	STAGE_MARK(STAGE_FACTS);
	decide(x, procfd, listener);
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
		STAGE_MARK(STAGE_FACTS);
		r = target_read_path(c->tid, c->path_ptr, &x->path);
		STAGE_MARK(STAGE_PATH);
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
		as_target(x, f->proc, listener, same);
	}
	STAGE_MARK(STAGE_OTHER);
	if (t->ok && !x->res.have_cwd)
		target_cwd(f->proc, t);
	STAGE_MARK(STAGE_FACTS);
}

void judge_call(struct notif_ctx *x, int listener, uint64_t owner)
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
	STAGE_MARK(STAGE_FACTS);
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

