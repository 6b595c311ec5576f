/* Replaying logged calls against a policy file, by path: each record's
 * resolved parent against the rules' directories as loaded now (realpath
 * at load; a rule skipped by if-exists by its path as written). The
 * daemon decides on identities: a directory removed and made again, or
 * reached through a bind mount, is another one there and the same here. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "policylog.h"
#include "policypath.h"
#include "whatif.h"

struct whatif {
	FILE *out;
	const struct policyset *p;
	unsigned long calls, changed;
};

static bool better(const struct rule *r, const struct rule *best, unsigned depth, unsigned best_depth)
{
	if (!best || depth > best_depth)
		return true;
	return depth == best_depth && r->exe && !best->exe;
}

const struct rule *whatif_rule(const struct policyset *p, const char *resolved, const char *exe)
{
	char parent[2 * PATH_MAX];
	const struct rule *best = NULL;
	unsigned best_depth = 0;

	snprintf(parent, sizeof(parent), "%s", resolved);
	policypath_parent(parent);
	for (unsigned i = 0; i < p->n; i++) {
		const struct rule *r = &p->rules[i];
		unsigned d = policypath_depth(r->path);

		if (!policypath_under(r->path, parent))
			continue;
		if (r->exe && (!exe || strcmp(r->exe, exe) != 0))
			continue;
		if (better(r, best, d, best_depth)) {
			best = r;
			best_depth = d;
		}
	}
	return best;
}

/* "emulated" or "denied ENAME" */
static void outcome(char *buf, size_t cap, bool created, const char *err)
{
	snprintf(buf, cap, created ? "emulated" : "denied %s", err);
}

static int replay(const struct policylog_rec *rec, void *ctx)
{
	struct whatif *w = ctx;
	const struct rule *r;
	char was[32], now[32];
	bool created;

	if (rec->kind == PL_OTHER)
		return 0;	/* the kernel's answer, whatever the policy */
	w->calls++;
	r = whatif_rule(w->p, rec->resolved, rec->exe);
	created = r && r->action != POLICY_DENY;
	outcome(was, sizeof(was), rec->kind == PL_CREATED, rec->err);
	outcome(now, sizeof(now), created, policy_errno_name(r ? r->err : EPERM));
	if (strcmp(was, now) == 0)
		return 0;
	w->changed++;
	policypath_show(w->out, rec->resolved);
	fprintf(w->out, ": %s -> %s", was, now);
	if (r)
		fprintf(w->out, " (%s:%u)\n", w->p->file, r->line);
	else
		fputs(" (no rule)\n", w->out);
	return 0;
}

int whatif_run(FILE *out, const struct policyset *p, char *const *logs, unsigned n,
	       unsigned *bad)
{
	struct whatif w = { .out = out, .p = p };
	struct policylog_stats st = { 0 };
	int k;

	fprintf(out, "# what-if %s: replayed by path, not by identity (the logged paths against "
		"the rules' directories as they resolve now)\n", p->file);
	for (unsigned i = 0; i < p->n; i++)
		if (p->rules[i].skipped)
			fprintf(out, "# %s:%u: no such directory now; replayed by its path as "
				"written\n", p->file, p->rules[i].line);
	k = policylog_read(logs, n, replay, &w, &st, bad);
	if (k < 0)
		return k;
	fprintf(out, "%lu of %lu calls would change\n", w.changed, w.calls);
	if (st.skipped)
		fprintf(stderr, "tracerd: %lu lines of the logs are not records, ignoring\n",
			st.skipped);
	return 0;
}
