/* One audit record, parsed strictly by tracerd's reader (jread.c): the
 * members the summary wants are kept. */
#include <errno.h>
#include <string.h>

#include "../tracerd/jread.h"
#include "jsonl.h"

struct want {
	const char *key;
	char *buf;		/* a string's destination, or NULL */
	size_t cap;
	bool *has;
};

/* Where the value of key goes: a string buffer, or (buf NULL) a flag for
 * the integers and for keys only looked for. */
static const struct want *wanted(struct jsonl_rec *r, const char *key, struct want *w)
{
	const struct want table[] = {
		{ "event", r->event, sizeof(r->event), &r->has_event },
		{ "decision", r->decision, sizeof(r->decision), &r->has_decision },
		{ "errno", r->err, sizeof(r->err), &r->has_errno },
		{ "reason", r->reason, sizeof(r->reason), &r->has_reason },
		{ "resolved", r->resolved, sizeof(r->resolved), &r->has_resolved },
		{ "path", r->path, sizeof(r->path), &r->has_path },
		{ "syscall", NULL, 0, &r->has_syscall },
		{ "attach", NULL, 0, &r->has_attach },
		{ "pid", NULL, 0, &r->has_pid },
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].key, key) == 0) {
			*w = table[i];
			return w;
		}
	return NULL;
}

/* Store one member's value; a wanted key with a value of the wrong type
 * (an "attach" that is a string) is refused. */
static int store(struct jsonl_rec *r, const struct want *w, const struct jr_member *m)
{
	if (m->kind == JR_NULL)
		return 0;	/* absent, as far as the summary goes */
	if (w->buf ? m->kind != JR_STRING : (strcmp(w->key, "syscall") != 0 && m->kind != JR_INT))
		return -1;
	if (w->buf) {
		if (jr_string(m, w->buf, w->cap) >= w->cap)
			r->truncated = true;
	} else if (strcmp(w->key, "attach") == 0) {
		if (m->v < 0)
			return -1;
		r->attach = (uint64_t)m->v;
	} else if (strcmp(w->key, "pid") == 0) {
		r->pid = m->v;
	}
	*w->has = true;
	return 0;
}

int jsonl_parse(const char *line, size_t n, struct jsonl_rec *r)
{
	struct jr_line l;
	struct jr_member m;
	struct want w;
	int k;

	memset(r, 0, sizeof(*r));
	if (jr_begin(&l, line, n) < 0)
		return -EINVAL;
	while ((k = jr_next(&l, &m)) == 1)
		if (wanted(r, m.key, &w) && store(r, &w, &m) < 0)
			return -EINVAL;
	return k == 0 ? 0 : -EINVAL;
}
