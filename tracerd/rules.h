/* The policy in force: a rule set (policyfile.h) from --policy FILE, the
 * default policy file, or the --allow roots (/tmp without any), with its
 * generation (1 at start, +1 at each successful reload). A call takes the
 * policy in force once (rules_get) and is decided by that one version to
 * its end (rules_put); a reload swaps the pointer under a lock held only
 * for the swap, so no call waits for a reload's parsing or opening. */
#ifndef TRACERD_RULES_H
#define TRACERD_RULES_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ident.h"
#include "policyfile.h"

struct rules {
	struct policyset *set;
	uint64_t gen;
	const char *source;	/* the file, or NULL for --allow / the default */
	bool has_exe;		/* some rule has exe=: the target's exe identity is needed */
	atomic_uint refs;
};

/* The first policy: from file (NULL: the roots dirs[0..n), each an allow
 * rule named "--allow:I", or "/tmp" named "default:1" when n is 0).
 * Errors are said on stderr. 0 or -errno. */
int rules_init(const char *file, const char *const *dirs, unsigned n);

/* The policy in force, held until rules_put (never NULL after init). */
struct rules *rules_get(void);
void rules_put(struct rules *r);

/* What the ancestry walk found: the nearest directory (the parent itself
 * or an ancestor) with a rule that applies to the target, or none. */
struct rule_match {
	const struct rule *rule;	/* NULL: no rule on any ancestor */
	unsigned depth;			/* levels above the parent (0: the parent) */
};

/* The target's executable, by identity, read only when a directory met
 * has a rule with exe=: exe(arg, out) 0 or -errno (then only rules
 * without exe= apply), or -ECANCELED: the call is gone, the match fails. */
typedef int rules_exe_fn(void *arg, struct ident *out);

/* Walk up from the directory fd (as resolve_within does) to the nearest
 * rule of r that applies to the target. 1 with m->rule set, 0 when no
 * rule matched, -errno as resolve_within (-ENOENT: fd was deleted), or
 * -ECANCELED from exe. */
int rules_match(const struct rules *r, int fd, rules_exe_fn *exe, void *arg,
		struct rule_match *m);

/* "FILE:LINE" of a rule into buf (the name given for --allow/default). */
void rules_name(const struct rules *r, const struct rule *rule, char *buf, size_t cap);

/* Reload from the file the daemon was started with (or the default
 * policy file): 1 replaced (the new generation in *gen), 0 nothing to
 * reload (--allow, or no default file then and now), -EINVAL with the
 * first error in why (the old policy stays). Called by one thread at a
 * time (the main loop, on SIGHUP). */
int rules_reload(uint64_t *gen, unsigned *nrules, char *why, size_t cap);

/* Free the policy and forget the file (the unit tests' reset; the daemon
 * keeps its policy to the end: a late call may still take it). */
void rules_free_all(void);

#endif
