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
#include "creds.h"
#include "emulate.h"
#include "hooks.h"
#include "log.h"
#include "notif.h"
#include "policy.h"
#include "roots.h"
#include "resolve.h"
#include "target.h"
#include "tidcache.h"
#include "tracerd.h"

struct notif_ctx *notif_ctx_new(void)
{
	struct notif_ctx *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	x->req = calloc(1, daemon_cfg.notif_size);
	x->resp = calloc(1, daemon_cfg.resp_size);
	if (!x->req || !x->resp) {
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
	target_buf_free(&x->tbuf);
	free(x);
}

static void call_init(struct call *c, const struct seccomp_notif *req)
{
	c->id = req->id;
	c->tid = (pid_t)req->pid;
	c->arch = req->data.arch;
	c->nr = (uint32_t)req->data.nr;
	c->kind = syscalls_classify(c->arch, c->nr);
	c->tgid = 0;
	c->ns_tgid = c->ns_tid = -1;
	c->fsuid = (uid_t)-1;
	c->path_ok = false;
	c->have_facts = false;
	c->have_resolved = false;
	c->decision = DECISION_ERROR;	/* fail closed until decided */
	c->err = EPERM;
	c->reason = "not evaluated";
	c->created = false;
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

/* Resolve, ask the policy what it needs, create or answer, acting as the
 * target (itself or adopted). */
static void decide(struct call *c, int procfd, struct resolve_out *out, struct target_buf *tb)
{
	struct resolve_in in = {
		.procfd = procfd, .nstgid = c->nstgid, .nspid = c->nspid,
		.nslevels = c->nslevels, .self_rootfd = daemon_cfg.self_rootfd,
		.self_root = daemon_cfg.self_root, .self = &daemon_cfg.self_creds,
		.scratch = tb,
	};
	struct policy_facts f = { .within = POLICY_UNKNOWN, .probe = POLICY_UNKNOWN };
	int r;

	f.resolve = resolve_parent(&in, c, out);
	f.deny = out->deny;
	f.type = out->type;
	for (;;) {
		switch (policy_decide(&f, c)) {
		case POLICY_NEED_WITHIN:
			f.within = within(out);
			continue;
		case POLICY_NEED_PROBE:
			f.probe = on_parent(out);
			if (f.probe == 0)
				f.probe = emulate_probe(out->parentfd, out->last);
			continue;
		case POLICY_CREATE:
			/* room for the record first: once the directory
			 * exists, its record must be writable */
			out->claim = audit_record_bound(c);
			r = audit_claim(out->claim);
			if (r < 0) {
				out->claim = 0;
				policy_error(c, EPERM, r == -ENOENT ? "the audit log cannot be written" :
					     "no room for the record in the audit log");
				break;
			}
			hook_pause(HOOK_BEFORE_CREATE, c->path);
			r = on_parent(out);
			if (r == 0)
				r = emulate_mkdir(out->parentfd, out->last, c->mode, c->umask);
			c->decision = DECISION_EMULATED;
			c->err = -r;
			c->created = r == 0;
			hook_pause(HOOK_AFTER_CREATE, c->path);
			break;
		case POLICY_ANSWER:
			break;
		}
		break;
	}
}

/* The target's fds and status. Fresh fds are trusted once NOTIF_ID_VALID
 * confirms the thread is still ours; kept fds whose reads fail belonged
 * to an earlier holder of the tid: forget them and open anew. */
static int read_status(struct call *c, int listener, uint64_t owner, struct tid_fds *f,
		       struct creds *cr, struct target_buf *tb)
{
	int r = target_status(f->status, c, cr, tb);

	if (r < 0 && !f->fresh) {
		tidcache_put(f, true);
		r = tidcache_get(c->tid, owner, f);
		if (r < 0) {
			f->proc = -1;
			return r;
		}
		if (!target_valid(listener, c->id))
			return -ESRCH;
		r = target_status(f->status, c, cr, tb);
	}
	/* capabilities count only relative to the target's user namespace */
	if (r >= 0 && cr->cap_eff)
		r = target_userns(f->proc, daemon_cfg.self_userns, cr, tb);
	return r;
}

/* What the path read says; creds: whether tracerd can act as the target.
 * A target tracerd cannot read because its credentials differ is told so. */
static bool path_verdict(struct call *c, int r, bool creds)
{
	if (r == -EFAULT)
		policy_error(c, EFAULT, "path unreadable");
	else if (r == -ENAMETOOLONG)
		policy_error(c, ENAMETOOLONG, "no NUL within PATH_MAX");
	else if (r < 0)
		policy_error(c, EPERM, !creds ? "credentials" : daemon_cfg.yama ?
			     "yama" : "target memory unreadable");
	return r == 0;
}

/* The cwd of a call that is not resolved from it is a fact for the record,
 * read before a creation so that the room claimed for the record counts
 * it; a relative mkdir's cwd comes from the very fd it is resolved from. */
static void cwd_fact(struct call *c, int procfd)
{
	if (c->path[0] == '/' || (c->kind == SYSCALLS_MKDIRAT && c->dirfd != AT_FDCWD))
		target_cwd(procfd, c);
}

/* Everything between RECV and the record. Every read of the target is
 * trusted only once NOTIF_ID_VALID confirmed the thread is still ours:
 * the status and facts through fds opened before the check, the path
 * read by tid before it. */
static void evaluate(struct call *c, int listener, uint64_t owner, struct resolve_out *out,
		     struct target_buf *tb)
{
	struct tid_fds f;
	struct creds cr;
	bool creds;
	int r;

	if (c->kind == SYSCALLS_OTHER)
		return policy_error(c, ENOSYS, "syscall not in the table");
	if (c->tid == 0)
		return policy_error(c, EPERM, "target not visible in tracerd's pid namespace");
	r = tidcache_get(c->tid, owner, &f);
	if (r == -EMFILE || r == -ENFILE)
		return policy_error(c, EPERM, "tracerd is out of file descriptors or memory");
	if (r < 0)
		return policy_error(c, EPERM, "target vanished");
	r = read_status(c, listener, owner, &f, &cr, tb);
	if (r >= 0) {
		target_facts(f.proc, c);
		r = target_read_path(c);
	}
	creds = creds_equal(&cr, &daemon_cfg.self_creds);
	if (!target_valid(listener, c->id)) {
		c->path_ok = c->have_facts = false;
		policy_error(c, EPERM, "target vanished");
	} else if (!c->have_facts) {
		policy_error(c, EPERM, "target's /proc unreadable");
	} else if (!path_verdict(c, r, creds)) {
		/* answered */
	} else if (c->path[0] == '\0') {
		c->decision = DECISION_EMULATED;
		c->err = ENOENT;
	} else if (creds) {
		cwd_fact(c, f.proc);
		decide(c, f.proc, out, tb);
	} else if (!daemon_cfg.adopt) {
		policy_error(c, EPERM, "credentials");
	} else if (creds_adopt(&cr) < 0) {
		creds_restore(&daemon_cfg.self_creds);	/* a partial switch */
		policy_error(c, EPERM, "credentials");
	} else {
		cwd_fact(c, f.proc);
		decide(c, f.proc, out, tb);
		creds_restore(&daemon_cfg.self_creds);
	}
	if (c->have_facts)
		target_cwd(f.proc, c);
	if (f.proc >= 0)
		tidcache_put(&f, false);
}

/* A record that could not be written: the directory made for it is
 * removed again. When that fails too (the target's other thread put a
 * file in it), the directory exists: the answer is the truth, 0, and the
 * loss is on stderr and counted. Returns whether it stays. */
static bool unrecorded(const struct call *c, const struct resolve_out *out)
{
	if (!c->created || unlinkat(out->parentfd, out->last, AT_REMOVEDIR) == 0)
		return false;
	log_error_errno(-errno, "a directory made for pid %d exists without its record "
			"(it could not be removed)", (int)c->tid);
	return true;
}

int notif_recv(struct notif_ctx *x, int listener)
{
	memset(x->req, 0, daemon_cfg.notif_size);
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, x->req) < 0)
		return (errno == ENOENT || errno == EINTR) ? 0 : -errno;
	return 1;
}

void notif_answer(struct notif_ctx *x, int listener, uint64_t owner)
{
	struct call *c = &x->call;
	int n;

	call_init(c, x->req);
	x->out.parentfd = -1;
	x->out.claim = 0;
	hook_pause(HOOK_AFTER_RECV, NULL);
	evaluate(c, listener, owner, &x->out, &x->tbuf);
	n = audit_record(c, x->line, sizeof(x->line));
	if (n < 0) {
		log_error("a record did not fit in %zu bytes: call of pid %d answered EPERM",
			  sizeof(x->line), (int)c->tid);
		audit_unclaim(x->out.claim);
	}
	if ((n < 0 || audit_write(x->line, (size_t)n, x->out.claim) < 0) && !unrecorded(c, &x->out))
		c->err = EPERM;	/* no record, no directory, no success */
	hook_pause(HOOK_AFTER_RECORD, c->path_ok ? c->path : NULL);
	if (x->out.parentfd >= 0)
		close(x->out.parentfd);
	hook_pause(HOOK_BEFORE_SEND, c->path_ok ? c->path : NULL);
	memset(x->resp, 0, daemon_cfg.resp_size);
	x->resp->id = c->id;
	x->resp->error = c->err ? -c->err : 0;
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, x->resp) < 0 && errno == ENOENT)
		(void)audit_event("lost", c->tgid > 0 ? c->tgid : c->tid,
				  "target interrupted or killed before the answer");
}

int notif_handle(struct notif_ctx *x, int listener, uint64_t owner)
{
	int r = notif_recv(x, listener);

	if (r > 0)
		notif_answer(x, listener, owner);
	return r;
}
