/* The status answer's lines into a status_view. */
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
	return v->roots && v->outputs && v->progs ? 0 : -EINVAL;
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
	return 0;
}

void statusread_free(struct status_view *v)
{
	free(v->version.s);
	free(v->started.s);
	free(v->socket.s);
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
