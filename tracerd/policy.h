/* The decision table: a pure function of what resolution found. */
#ifndef TRACERD_POLICY_H
#define TRACERD_POLICY_H

#include "resolve.h"

enum decision {
	DECISION_EMULATED,	/* the kernel's own answer */
	DECISION_DENIED,	/* outside the allowed roots: EPERM */
	DECISION_ERROR,		/* could not be evaluated */
};

struct rules;
struct rule;

/* What the target is told, and why. */
struct verdict {
	enum decision decision;
	int err;		/* 0 or a positive errno answered */
	const char *reason;	/* on denied and error */
	const struct rules *policy;	/* the version asked (NULL: none was) */
	const struct rule *rule;	/* the rule that decided, or NULL */
};

const char *decision_name(enum decision d);

#define POLICY_UNKNOWN 2	/* within/probe/predict not computed yet */

struct policy_facts {
	int resolve;		/* 0, or -errno from resolve_parent */
	const char *deny;	/* resolution refused a magic link */
	enum last_type type;
	int within;		/* 1 a rule allows creating, 0 none does (no rule,
				 * or rule denies), -errno, or POLICY_UNKNOWN */
	int deny_err;		/* the denying rule's errno, 0: none matched */
	int probe;		/* outside: 0 absent, -EEXIST, -errno or POLICY_UNKNOWN */
	int predict;		/* refused, absent: predict_create's 0 or -errno
				 * (EACCES, EROFS, EPERM), or POLICY_UNKNOWN */
};

enum policy_step {
	POLICY_ANSWER,		/* *v is final */
	POLICY_NEED_WITHIN,	/* compute facts.within, call again */
	POLICY_NEED_PROBE,	/* compute facts.probe, call again */
	POLICY_NEED_PREDICT,	/* compute facts.predict, call again */
	POLICY_CREATE,		/* create; the answer is mkdirat's errno */
};

/* The next step for what is known so far; *v is written only with
 * POLICY_ANSWER. */
enum policy_step policy_decide(const struct policy_facts *f, struct verdict *v);

/* An `error` decision: tracerd could not evaluate the call. */
void policy_error(struct verdict *v, int err, const char *reason);

#endif
