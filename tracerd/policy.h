/* The decision table: a pure function of what resolution found. */
#ifndef TRACERD_POLICY_H
#define TRACERD_POLICY_H

#include "call.h"
#include "resolve.h"

#define POLICY_UNKNOWN 2	/* within/probe not computed yet */

struct policy_facts {
	int resolve;		/* 0, or -errno from resolve_parent */
	const char *deny;	/* resolution refused a magic link */
	enum last_type type;
	int within;		/* resolve_within: 1, 0, -errno or POLICY_UNKNOWN */
	int probe;		/* outside: 0 absent, -EEXIST, -errno or POLICY_UNKNOWN */
};

enum policy_step {
	POLICY_ANSWER,		/* c->decision/err/reason are final */
	POLICY_NEED_WITHIN,	/* compute facts.within, call again */
	POLICY_NEED_PROBE,	/* compute facts.probe, call again */
	POLICY_CREATE,		/* create; the answer is mkdirat's errno */
};

enum policy_step policy_decide(const struct policy_facts *f, struct call *c);

/* An `error` decision: tracerd could not evaluate the call. */
void policy_error(struct call *c, int err, const char *reason);

#endif
