/* tracerd policy what-if: the logged calls replayed against a policy
 * file, by path (the log has paths, not identities). */
#ifndef TRACERD_WHATIF_H
#define TRACERD_WHATIF_H

#include <stdio.h>

#include "policyfile.h"

/* The calls of logs[0..n-1] whose decision p would change, and a count
 * line, to out. 0, or -errno with *bad the log that could not be read. */
int whatif_run(FILE *out, const struct policyset *p, char *const *logs, unsigned n,
	       unsigned *bad);

/* The rule of p that decides, by path, a call creating resolved by the
 * program exe (NULL: unknown): the deepest rule directory holding the
 * parent, one whose exe= is exe over one without; NULL for none. */
const struct rule *whatif_rule(const struct policyset *p, const char *resolved, const char *exe);

#endif
