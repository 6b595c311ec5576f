/* The status answer's lines into a status_view. A line of a kind not
 * known here (a newer tracerd's) is skipped whole, and a header key not
 * known is ignored: so this reader takes a newer answer, and the policy
 * keys and rule lines (issue 19) were added the same way, with no new
 * wire version (an older reader skips them). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jread.h"
#include "statusread.h"

const char *const status_int_keys[ST_NINT] = {
	"pid", "uptime_ms", "threads", "busy", "parked", "stalled", "programs",
	"listed", "emulated", "denied", "error", "lost", "lost_records",
};

/* A string or null member, decoded into fresh memory. 0 or -EINVAL. */
static int take_str(const struct jr_member *m, struct sstr *out)
{
	size_t n;

	if (m->kind == JR_NULL)
		return 0;
	if (m->kind != JR_STRING)
		return -EINVAL;
	n = jr_string(m, NULL, 0);
	free(out->s);
	out->s = malloc(n + 1);
	if (!out->s)
		return -EINVAL;
	out->n = jr_string(m, out->s, n + 1);
	return 0;
}

static int take_int(const struct jr_member *m, long long *out)
{
	if (m->kind != JR_INT || m->v < 0)
		return -EINVAL;
	*out = m->v;
	return 0;
}

/* A header member: 0, -EINVAL for a known key of the wrong kind. */
static int header_member(const struct jr_member *m, struct status_view *v, unsigned *seen)
{
	for (unsigned i = 0; i < ST_NINT; i++) {
		if (strcmp(m->key, status_int_keys[i]) == 0) {
			*seen |= 1U << i;
			return take_int(m, &v->n[i]);
		}
	}
	if (strcmp(m->key, "version") == 0)
		return take_str(m, &v->version);
	if (strcmp(m->key, "started") == 0)
		return take_str(m, &v->started);
	if (strcmp(m->key, "socket") == 0)
		return take_str(m, &v->socket);
	if (strcmp(m->key, "policy_gen") == 0) {
		v->has_policy = true;
		return take_int(m, &v->policy_gen);
	}
	if (strcmp(m->key, "rules") == 0)
		return take_int(m, &v->rules_total);
	if (strcmp(m->key, "policy") == 0)
		return take_str(m, &v->policy);
	if (strcmp(m->key, "tracerd") == 0)
		return m->kind == JR_STRING && m->rawlen == 8 && memcmp(m->raw, "\"status\"", 8) == 0 ?
			       0 : -EINVAL;
	return 0;	/* a newer tracerd's key */
}

static int header(const char *line, size_t n, struct status_view *v)
{
	struct jr_line l;
	struct jr_member m;
	unsigned seen = 0;
	int r;

	if (jr_begin(&l, line, n) < 0 || jr_next(&l, &m) != 1 || strcmp(m.key, "tracerd") != 0)
		return -EINVAL;
	do {
		if (header_member(&m, v, &seen) < 0)
			return -EINVAL;
	} while ((r = jr_next(&l, &m)) == 1);
	return r == 0 && seen == (1U << ST_NINT) - 1 ? 0 : -EINVAL;
}

static int output_member(const struct jr_member *m, struct status_output *o)
{
	if (strcmp(m->key, "output") == 0)
		return take_str(m, &o->spec);
	if (strcmp(m->key, "lost_records") == 0)
		return take_int(m, &o->lost_records);
	return 0;
}

static int prog_member(const struct jr_member *m, struct status_prog *p)
{
	if (strcmp(m->key, "attach") == 0)
		return take_int(m, &p->attach);
	if (strcmp(m->key, "pid") == 0)
		return take_int(m, &p->pid);
	if (strcmp(m->key, "calls") == 0)
		return take_int(m, &p->calls);
	if (strcmp(m->key, "exe") == 0)
		return take_str(m, &p->exe);
	if (strcmp(m->key, "since") == 0)
		return take_str(m, &p->since);
	return 0;
}

static int take_bool(const struct jr_member *m, bool *out)
{
	if (m->kind != JR_BOOL)
		return -EINVAL;
	*out = m->v != 0;
	return 0;
}

/* A rule line's member; *seen gets a bit per required key. */
static int rule_member(const struct jr_member *m, struct status_rule *r, unsigned *seen)
{
	static const char *const keys[] = { "rule", "action", "dir", "skipped", "errno", "exe" };
	struct sstr *strs[] = { &r->name, &r->action, &r->dir, NULL, &r->err, &r->exe };
	unsigned i = 0;

	while (i < 6 && strcmp(m->key, keys[i]) != 0)
		i++;
	if (i == 6)
		return 0;	/* a newer tracerd's key */
	*seen |= 1U << i;
	if (i == 3)
		return take_bool(m, &r->skipped);
	if (i < 3 && m->kind != JR_STRING)
		return -EINVAL;	/* name, action and dir are never null */
	return take_str(m, strs[i]);
}

/* {"rule":NAME,"action","dir","skipped"[,"errno","exe"]} from its first
 * member m on. 0 or -EINVAL. */
static int rule_line(struct jr_line *l, struct jr_member *m, struct status_rule *r)
{
	unsigned seen = 0;
	int k;

	do
		k = rule_member(m, r, &seen);
	while (k == 0 && (k = jr_next(l, m)) == 1);
	return k == 0 && (seen & 0xf) == 0xf ? 0 : -EINVAL;
}

/* One line after the header, by its first key; others are skipped. */
static int item(const char *line, size_t n, struct status_view *v)
{
	struct jr_line l;
	struct jr_member m;
	int r;

	if (jr_begin(&l, line, n) < 0 || jr_next(&l, &m) != 1)
		return -EINVAL;
	if (strcmp(m.key, "root") == 0) {
		r = take_str(&m, &v->roots[v->nroots++]);
		return r < 0 ? r : jr_next(&l, &m) == 0 ? 0 : -EINVAL;
	}
	if (strcmp(m.key, "output") == 0) {
		struct status_output *o = &v->outputs[v->noutputs++];

		do
			r = output_member(&m, o);
		while (r == 0 && (r = jr_next(&l, &m)) == 1);
		return r;
	}
	if (strcmp(m.key, "rule") == 0)
		return rule_line(&l, &m, &v->rules[v->nrules++]);
	if (strcmp(m.key, "attach") == 0) {
		struct status_prog *p = &v->progs[v->nprogs++];

		do
			r = prog_member(&m, p);
		while (r == 0 && (r = jr_next(&l, &m)) == 1);
		return r;
	}
	while ((r = jr_next(&l, &m)) == 1)
		;
	return r;
}

/* Room for lines items of each kind (a line holds at most one). */
static int room(struct status_view *v, size_t lines)
{
	v->roots = calloc(lines, sizeof(*v->roots));
	v->outputs = calloc(lines, sizeof(*v->outputs));
	v->progs = calloc(lines, sizeof(*v->progs));
	v->rules = calloc(lines, sizeof(*v->rules));
	return v->roots && v->outputs && v->progs && v->rules ? 0 : -EINVAL;
}

int statusread_parse(const char *text, size_t n, struct status_view *v, char *err, size_t cap)
{
	const char *p = text, *end = text + n, *nl;
	size_t lines = 0, at = 1;

	memset(v, 0, sizeof(*v));
	for (const char *q = text; q < end; q++)
		lines += *q == '\n';
	if (n == 0 || text[n - 1] != '\n' || room(v, lines) < 0) {
		snprintf(err, cap, "the answer is not whole lines");
		return -EINVAL;
	}
	for (; p < end; p = nl + 1, at++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if ((at == 1 ? header(p, (size_t)(nl - p), v) : item(p, (size_t)(nl - p), v)) < 0) {
			snprintf(err, cap, "line %zu of the answer is not what tracerd sends", at);
			return -EINVAL;
		}
	}
	if (v->rules_total < v->nrules)
		v->rules_total = v->nrules;	/* a count short of the lines: the lines win */
	return 0;
}

void statusread_free(struct status_view *v)
{
	free(v->version.s);
	free(v->started.s);
	free(v->socket.s);
	free(v->policy.s);
	for (unsigned i = 0; v->rules && i < v->nrules; i++) {
		struct status_rule *r = &v->rules[i];

		free(r->name.s);
		free(r->action.s);
		free(r->dir.s);
		free(r->err.s);
		free(r->exe.s);
	}
	free(v->rules);
	for (unsigned i = 0; v->roots && i < v->nroots; i++)
		free(v->roots[i].s);
	for (unsigned i = 0; v->outputs && i < v->noutputs; i++)
		free(v->outputs[i].spec.s);
	for (unsigned i = 0; v->progs && i < v->nprogs; i++) {
		free(v->progs[i].exe.s);
		free(v->progs[i].since.s);
	}
	free(v->roots);
	free(v->outputs);
	free(v->progs);
	memset(v, 0, sizeof(*v));
}
