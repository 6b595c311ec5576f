/* Reading one audit line back, with jread's strict member iterator: the
 * line must be valid to its end, and our keys of their kinds. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "jread.h"
#include "logrec.h"
#include "logtime.h"

bool logstr_is(const struct logstr *v, const char *s)
{
	size_t n = strlen(s);

	return v->s && v->n == n && memcmp(v->s, s, n) == 0;
}

static const struct {
	const char *key;
	size_t off;
} strs[] = {
	{ "event", offsetof(struct logrec, event) },
	{ "comm", offsetof(struct logrec, comm) },
	{ "exe", offsetof(struct logrec, exe) },
	{ "decision", offsetof(struct logrec, decision) },
	{ "errno", offsetof(struct logrec, err) },
	{ "path", offsetof(struct logrec, path) },
	{ "resolved", offsetof(struct logrec, resolved) },
	{ "reason", offsetof(struct logrec, reason) },
	{ "ts", 0 },
};

/* A string member decoded into the arena (which holds every string of
 * the line: decoding never lengthens one). */
static int keep_string(struct logrec *r, size_t *used, const struct jr_member *m, struct logstr *v)
{
	size_t room = r->cap - *used, n;

	if (m->kind == JR_NULL)
		return 0;
	if (m->kind != JR_STRING)
		return -EINVAL;
	n = jr_string(m, r->arena + *used, room);
	if (n >= room)
		return -EINVAL;		/* cannot happen: the arena is the line's size */
	v->s = r->arena + *used;
	v->n = n;
	*used += n + 1;
	return 0;
}

static int keep_int(const struct jr_member *m, bool *has, long long *v)
{
	if (m->kind == JR_NULL)
		return 0;
	if (m->kind != JR_INT)
		return -EINVAL;
	*has = true;
	*v = m->v;
	return 0;
}

static int member(struct logrec *r, size_t *used, const struct jr_member *m, struct logstr *ts)
{
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		if (strcmp(m->key, strs[i].key) != 0)
			continue;
		return keep_string(r, used, m,
				   strs[i].off ? (struct logstr *)((char *)r + strs[i].off) : ts);
	}
	if (strcmp(m->key, "pid") == 0)
		return keep_int(m, &r->has_pid, &r->pid);
	if (strcmp(m->key, "attach") == 0)
		return keep_int(m, &r->has_attach, &r->attach);
	if (strcmp(m->key, "count") == 0)
		return keep_int(m, &r->has_count, &r->count);
	return 0;
}

static int reserve(struct logrec *r, size_t n)
{
	char *p;

	if (r->cap >= n)
		return 0;
	p = realloc(r->arena, n);
	if (!p)
		return -ENOMEM;
	r->arena = p;
	r->cap = n;
	return 0;
}

int logrec_parse(struct logrec *r, const char *line, size_t n)
{
	struct jr_line l;
	struct jr_member m;
	struct logstr ts = { 0 };
	size_t used = 0;
	int k;

	/* every string's bytes and its NUL fit in the line's own length */
	if (reserve(r, n + JR_KEYS_MAX + 1) < 0)
		return -ENOMEM;
	memset(r, 0, offsetof(struct logrec, arena));
	if (jr_begin(&l, line, n) < 0)
		return -EINVAL;
	while ((k = jr_next(&l, &m)) > 0)
		if (member(r, &used, &m, &ts) < 0)
			return -EINVAL;
	if (k < 0 || !ts.s || logtime_rfc3339(ts.s, ts.n, &r->ts) < 0)
		return -EINVAL;
	r->is_event = r->event.s != NULL;
	return r->is_event || r->decision.s ? 0 : -EINVAL;
}

void logrec_free(struct logrec *r)
{
	free(r->arena);
	memset(r, 0, sizeof(*r));
}
