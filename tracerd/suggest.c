/* The fewest allow rules for the created calls of the logs.
 *
 * Each created call's parent is lifted to its anchor: the nearest
 * ancestor the log does not show being created (it existed before the
 * call). "/", the home and the home's ancestors are barriers: a rule
 * there would blanket the whole home, so it is written only when an
 * anchor is that very directory (a mkdir ~/x) and then covers all below.
 * Any other rule covering an anchor lies between the anchor and its top,
 * the shallowest non-barrier ancestor: anchors with different tops share
 * no rule, so one rule per top is the fewest, and it goes on the deepest
 * directory holding all that top's anchors. */
#include <errno.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "policyfile.h"
#include "policylog.h"
#include "policypath.h"
#include "suggest.h"

struct node {
	char *path;
	char *dir;		/* a group's rule directory */
	unsigned long count;
	char err[16];		/* a denial's errno */
};

struct suggest {
	void *created, *parents, *denied, *anchors, *groups, *rules;
	const char *home;
	unsigned long ncreated, ndenied;
	int err;
};

static int cmp(const void *a, const void *b)
{
	return strcmp(((const struct node *)a)->path, ((const struct node *)b)->path);
}

/* The node for path in *tree, made when missing; NULL on ENOMEM. */
static struct node *get(void **tree, const char *path)
{
	struct node key = { .path = (char *)(uintptr_t)path }, *n, **slot;

	slot = tfind(&key, tree, cmp);
	if (slot)
		return *slot;
	n = calloc(1, sizeof(*n));
	if (!n || !(n->path = strdup(path)) || !(slot = tsearch(n, tree, cmp))) {
		if (n)
			free(n->path);
		free(n);
		return NULL;
	}
	return n;
}

static bool has(void *const *tree, const char *path)
{
	struct node key = { .path = (char *)(uintptr_t)path };

	return tfind(&key, tree, cmp) != NULL;
}

static void node_free(void *p)
{
	struct node *n = p;

	free(n->path);
	free(n->dir);
	free(n);
}

static int take(const struct policylog_rec *r, void *ctx)
{
	struct suggest *s = ctx;
	char parent[2 * PATH_MAX];
	struct node *n;

	if (r->kind == PL_OTHER)
		return 0;
	snprintf(parent, sizeof(parent), "%s", r->resolved);
	policypath_parent(parent);
	if (r->kind == PL_CREATED) {
		s->ncreated++;
		if (!get(&s->created, r->resolved) || !(n = get(&s->parents, parent)))
			return -ENOMEM;
		n->count++;
		return 0;
	}
	s->ndenied++;
	if (!(n = get(&s->denied, parent)))
		return -ENOMEM;
	if (!n->count++)
		snprintf(n->err, sizeof(n->err), "%s", r->err);
	return 0;
}

static bool barrier(const struct suggest *s, const char *dir)
{
	return strcmp(dir, "/") == 0 || (s->home && policypath_under(dir, s->home));
}

/* twalk has no context argument: the suggestion being built */
static struct suggest *cur;

static void anchor_one(const void *nodep, VISIT which, int depth)
{
	const struct node *p = *(struct node *const *)nodep;
	char a[2 * PATH_MAX];
	struct node *n;

	(void)depth;
	if ((which != postorder && which != leaf) || cur->err)
		return;
	snprintf(a, sizeof(a), "%s", p->path);
	while (strcmp(a, "/") != 0 && has(&cur->created, a))
		policypath_parent(a);
	if (!(n = get(&cur->anchors, a)))
		cur->err = -ENOMEM;
	else
		n->count += p->count;
}

/* The rule covering anchor a: the shallowest barrier anchor above it,
 * else its top's group. */
static struct node *group_of(struct suggest *s, const char *a, bool *fresh)
{
	char top[2 * PATH_MAX];
	size_t i = 0;
	struct node *n;

	*fresh = false;
	if (has(&s->anchors, "/"))
		return get(&s->groups, "/");
	for (;;) {
		i += strcspn(a + i + 1, "/") + 1;
		snprintf(top, sizeof(top), "%.*s", (int)i, a);
		if (!top[1])
			snprintf(top, sizeof(top), "/");
		if (barrier(s, top) && has(&s->anchors, top))
			return get(&s->groups, top);
		if (!barrier(s, top) || !a[i])
			break;
	}
	n = get(&s->groups, top);
	if (n && !n->dir) {
		*fresh = true;
		n->dir = strdup(a);
	}
	return n;
}

static void group_one(const void *nodep, VISIT which, int depth)
{
	const struct node *a = *(struct node *const *)nodep;
	struct node *g;
	bool fresh;

	(void)depth;
	if ((which != postorder && which != leaf) || cur->err)
		return;
	g = group_of(cur, a->path, &fresh);
	if (!g || (fresh && !g->dir)) {
		cur->err = -ENOMEM;
		return;
	}
	if (g->dir)
		policypath_common(g->dir, a->path);
	g->count += a->count;
}

/* A group's rule on its directory, lifted out of the created ones. */
static void rule_one(const void *nodep, VISIT which, int depth)
{
	const struct node *g = *(struct node *const *)nodep;
	char d[2 * PATH_MAX];
	struct node *r;

	(void)depth;
	if ((which != postorder && which != leaf) || cur->err)
		return;
	snprintf(d, sizeof(d), "%s", g->dir ? g->dir : g->path);
	while (strcmp(d, "/") != 0 && has(&cur->created, d))
		policypath_parent(d);
	if (!(r = get(&cur->rules, d)))
		cur->err = -ENOMEM;
	else
		r->count += g->count;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* One rule line with its comment; false when the path cannot be written. */
static bool put_rule(FILE *out, const char *home, const char *action, const char *dir,
		     const char *opt, unsigned long count, const char *what)
{
	bool here = is_dir(dir);

	fprintf(out, "\n# %lu call%s %s", count, count == 1 ? "" : "s", what);
	if (!policypath_writable(dir)) {
		fputs(", not written: white space in ", out);
		policypath_show(out, dir);
		return fputc('\n', out), false;
	}
	fprintf(out, "%s\n%s ", here ? "" : " (the directory is gone now: if-exists)", action);
	policypath_put(out, dir, home);
	fprintf(out, "%s%s\n", opt, here ? "" : " if-exists");
	return true;
}

static FILE *out_file;

static void put_allow(const void *nodep, VISIT which, int depth)
{
	const struct node *r = *(struct node *const *)nodep;

	(void)depth;
	if (which == postorder || which == leaf)
		(void)put_rule(out_file, cur->home, "allow", r->path, "", r->count, "created");
}

/* What a deny on dir would do to the created calls: the anchors beneath
 * it that a rule above it covers would be denied (nearest wins). */
static const char *deny_dir;
static bool deny_clash, rule_above;

static void clash_rule(const void *nodep, VISIT which, int depth)
{
	const struct node *r = *(struct node *const *)nodep;

	(void)depth;
	if ((which == postorder || which == leaf) && policypath_under(r->path, deny_dir)) {
		rule_above = true;
		if (strcmp(r->path, deny_dir) == 0)
			deny_clash = true;
	}
}

static void clash_anchor(const void *nodep, VISIT which, int depth)
{
	const struct node *a = *(struct node *const *)nodep;

	(void)depth;
	if ((which == postorder || which == leaf) && policypath_under(deny_dir, a->path))
		deny_clash = true;
}

static void put_deny(const void *nodep, VISIT which, int depth)
{
	const struct node *d = *(struct node *const *)nodep;
	char opt[32] = "";

	(void)depth;
	if (which != postorder && which != leaf)
		return;
	deny_dir = d->path;
	deny_clash = rule_above = false;
	twalk(cur->rules, clash_rule);
	if (rule_above && !deny_clash)
		twalk(cur->anchors, clash_anchor);
	if (deny_clash) {
		fprintf(out_file, "\n# %lu call%s denied in ", d->count, d->count == 1 ? "" : "s");
		policypath_show(out_file, d->path);
		fputs(", not kept: calls were created there\n", out_file);
		return;
	}
	if (policy_errno_value(d->err) > 0 && strcmp(d->err, "EPERM") != 0)
		snprintf(opt, sizeof(opt), " errno=%s", d->err);
	(void)put_rule(out_file, cur->home, "deny", d->path, opt, d->count, "denied");
}

static void suggest_free(struct suggest *s)
{
	tdestroy(s->created, node_free);
	tdestroy(s->parents, node_free);
	tdestroy(s->denied, node_free);
	tdestroy(s->anchors, node_free);
	tdestroy(s->groups, node_free);
	tdestroy(s->rules, node_free);
}

static void print(FILE *out, struct suggest *s, unsigned n, bool keep_denials)
{
	fprintf(out, "# tracerd policy suggest: %lu created and %lu denied calls in %u log%s\n",
		s->ncreated, s->ndenied, n, n == 1 ? "" : "s");
	out_file = out;
	twalk(s->rules, put_allow);
	if (keep_denials)
		twalk(s->denied, put_deny);
}

int suggest_run(FILE *out, char *const *logs, unsigned n, bool keep_denials, const char *home,
		unsigned *bad)
{
	struct suggest s = { .home = home };
	struct policylog_stats st = { 0 };
	int k = policylog_read(logs, n, take, &s, &st, bad);

	cur = &s;
	if (k == 0) {
		twalk(s.parents, anchor_one);
		twalk(s.anchors, group_one);
		twalk(s.groups, rule_one);
		k = s.err;
	}
	if (k == 0)
		print(out, &s, n, keep_denials);
	if (k == 0 && st.skipped)
		fprintf(stderr, "tracerd: %lu lines of the logs are not records, ignoring\n",
			st.skipped);
	suggest_free(&s);
	cur = NULL;
	return k;
}
