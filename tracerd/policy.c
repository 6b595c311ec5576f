/* What the target is told, decided on the real parent's identity only.
 * `emulated` is the kernel's own answer: everything the kernel would fail
 * before its create step is answered the same wherever the path points
 * (ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, EACCES on search, EEXIST, and
 * predict.c's EROFS, EPERM of an immutable parent, EACCES on write).
 * Outside the roots (no rule allows it), anything that would reach the
 * filesystem is EPERM, or the errno of the rule that denies it. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

const char *decision_name(enum decision d)
{
	switch (d) {
	case DECISION_EMULATED:
		return "emulated";
	case DECISION_DENIED:
		return "denied";
	case DECISION_ERROR:
		return "error";
	}
	return "error";
}

void policy_error(struct verdict *v, int err, const char *reason)
{
	v->decision = DECISION_ERROR;
	v->err = err;
	v->reason = reason;
}

static enum policy_step answer(struct verdict *v, enum decision d, int err, const char *reason)
{
	v->decision = d;
	v->err = err;
	v->reason = reason;
	return POLICY_ANSWER;
}

/* Errors of tracerd's own resources, never the kernel's answer to the
 * target (a native mkdir does not fail with EMFILE). */
static bool tracerd_short(int r)
{
	return r == -EMFILE || r == -ENFILE || r == -ENOMEM;
}

enum policy_step policy_decide(const struct policy_facts *f, struct verdict *v)
{
	if (f->deny)
		return answer(v, DECISION_DENIED, EPERM, f->deny);
	if (f->resolve == -EPERM)
		return answer(v, DECISION_ERROR, EPERM, "cannot resolve as the target");
	if (tracerd_short(f->resolve) || tracerd_short(f->within) || tracerd_short(f->probe))
		return answer(v, DECISION_ERROR, EPERM, "tracerd is out of file descriptors or memory");
	if (f->resolve == -E2BIG)	/* tracerd's bound, not the kernel's */
		return answer(v, DECISION_ERROR, EPERM, "path walk longer than 4096 components");
	if (f->resolve < 0)
		return answer(v, DECISION_EMULATED, -f->resolve, NULL);
	if (f->type == LAST_DOT)
		return answer(v, DECISION_EMULATED, EEXIST, NULL);
	if (f->within == POLICY_UNKNOWN)
		return POLICY_NEED_WITHIN;
	if (f->within == 1)
		return POLICY_CREATE;
	if (f->within == -ENOENT) {	/* a deleted parent: no create step anywhere */
		if (f->probe == POLICY_UNKNOWN)
			return POLICY_NEED_PROBE;	/* the lookup's errno comes first */
		return answer(v, DECISION_EMULATED, f->probe < 0 ? -f->probe : ENOENT, NULL);
	}
	if (f->within == -ELOOP)	/* tracerd's bound: an error, not a judgement */
		return answer(v, DECISION_ERROR, EPERM, "parent deeper than 4096 levels");
	/* refused, or not known to be allowed (an ancestry tracerd cannot
	 * walk): the kernel's own refusals come first, wherever it is */
	if (f->probe == POLICY_UNKNOWN)
		return POLICY_NEED_PROBE;
	if (f->probe < 0)
		return answer(v, DECISION_EMULATED, -f->probe, NULL);
	if (f->predict == POLICY_UNKNOWN)
		return POLICY_NEED_PREDICT;
	if (f->predict < 0)
		return answer(v, DECISION_EMULATED, -f->predict, NULL);
	if (f->within < 0)
		return answer(v, DECISION_DENIED, EPERM,
			      f->within == -EACCES ? "parent's ancestry not searchable" :
						    "cannot check the parent's ancestry");
	if (f->deny_err)
		return answer(v, DECISION_DENIED, f->deny_err, "denied by the policy");
	return answer(v, DECISION_DENIED, EPERM, "outside the allowed roots");
}
