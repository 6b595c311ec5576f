/* The summary: counts per decision, per program, per denied parent
 * directory, per error reason, and the daemon's events. A program's
 * "created" is an emulated call that succeeded, "failed" one where the
 * kernel's own errno came back (EEXIST, ...). */
#include <stdlib.h>
#include <string.h>

#include "logesc.h"
#include "logsummary.h"
#include "logtime.h"

#define TOP_DIRS 10

static void bump(struct logsummary *s, struct logcount *c, const struct logstr *key, int which)
{
	static const char unknown[] = "(unknown)";
	struct logcount_ent *e = key->s ? logcount_get(c, key->s, key->n)
					: logcount_get(c, unknown, sizeof(unknown) - 1);

	if (!e) {
		s->failed = true;
		return;
	}
	e->v[which]++;
	e->total++;
}

static void add_event(struct logsummary *s, const struct logrec *r)
{
	unsigned long count = r->has_count && r->count > 0 ? (unsigned long)r->count : 0;

	s->events++;
	if (logstr_is(&r->event, "start"))
		s->starts++;
	else if (logstr_is(&r->event, "stop"))
		s->stops++;
	else if (logstr_is(&r->event, "attach"))
		s->attaches++;
	else if (logstr_is(&r->event, "reject") || logstr_is(&r->event, "reject-summary"))
		s->rejects += r->has_count ? count : 1;
	else if (logstr_is(&r->event, "lost"))
		s->lost++;
	else if (logstr_is(&r->event, "lost-records")) {
		s->lost_events++;
		s->lost_records += count;
	}
}

/* The parent of a resolved path: up to its last '/', "/" for a child of
 * the root. */
static struct logstr parent(const struct logstr *p)
{
	struct logstr d = *p;

	while (d.n > 0 && d.s[d.n - 1] != '/')
		d.n--;
	if (d.n > 1)
		d.n--;
	return d;
}

static int kind(const struct logrec *r)
{
	if (logstr_is(&r->decision, "emulated"))
		return r->err.s ? LS_FAILED : LS_CREATED;
	if (logstr_is(&r->decision, "denied"))
		return LS_DENIED;
	if (logstr_is(&r->decision, "error"))
		return LS_ERROR;
	return -1;
}

void logsummary_add(struct logsummary *s, const struct logrec *r)
{
	int k;

	if (s->records + s->events == 0 || r->ts < s->first)
		s->first = r->ts;
	if (s->records + s->events == 0 || r->ts > s->last)
		s->last = r->ts;
	if (r->is_event) {
		add_event(s, r);
		return;
	}
	s->records++;
	k = kind(r);
	if (k < 0) {
		s->other++;
		return;
	}
	s->n[k]++;
	bump(s, &s->exes, &r->exe, k);
	if (k == LS_DENIED && r->resolved.s && r->resolved.n > 0) {
		struct logstr d = parent(&r->resolved);

		if (d.n > 0)
			bump(s, &s->dirs, &d, 0);
	}
	if (k == LS_ERROR)
		bump(s, &s->reasons, &r->reason, 0);
}

/* "  N  KEY" lines, at most max of them, the key escaped. */
static void ranked(const struct logcount *c, size_t max, struct logbuf *b)
{
	struct logcount_ent **v = logcount_sorted(c);
	char num[32];

	for (size_t i = 0; v && i < c->n && i < max; i++) {
		logbuf_put(b, num, (size_t)snprintf(num, sizeof(num), "  %8lu  ", v[i]->total));
		logesc_append(b, v[i]->key, v[i]->klen);
		logbuf_put(b, "\n", 1);
	}
	free(v);
}

static void programs(const struct logcount *c, struct logbuf *b)
{
	struct logcount_ent **v = logcount_sorted(c);
	char num[96];

	logbuf_puts(b, "Programs:\n   CREATED    FAILED    DENIED     ERROR  EXE\n");
	for (size_t i = 0; v && i < c->n; i++) {
		logbuf_put(b, num, (size_t)snprintf(num, sizeof(num), "  %8lu  %8lu  %8lu  %8lu  ",
						    v[i]->v[LS_CREATED], v[i]->v[LS_FAILED],
						    v[i]->v[LS_DENIED], v[i]->v[LS_ERROR]));
		logesc_append(b, v[i]->key, v[i]->klen);
		logbuf_put(b, "\n", 1);
	}
	free(v);
}

static void heading(const struct logsummary *s, FILE *out)
{
	char a[64], z[64];

	fprintf(out, "Selection: %lu records, %lu events\n", s->records, s->events);
	if (s->records + s->events) {
		logtime_local(s->first, a, sizeof(a));
		logtime_local(s->last, z, sizeof(z));
		fprintf(out, "First: %s\nLast: %s\n", a, z);
	}
	fprintf(out, "Decisions:\n  emulated  %lu (created %lu, failed %lu)\n  denied    %lu\n"
		     "  error     %lu\n", s->n[LS_CREATED] + s->n[LS_FAILED], s->n[LS_CREATED],
		s->n[LS_FAILED], s->n[LS_DENIED], s->n[LS_ERROR]);
	if (s->other)
		fprintf(out, "  other     %lu\n", s->other);
}

void logsummary_print(const struct logsummary *s, FILE *out)
{
	struct logbuf b = { 0 };

	heading(s, out);
	programs(&s->exes, &b);
	logbuf_puts(&b, "Most denied parent directories:\n");
	ranked(&s->dirs, TOP_DIRS, &b);
	logbuf_puts(&b, "Errors by reason:\n");
	ranked(&s->reasons, (size_t)-1, &b);
	if (b.p)
		fputs(b.p, out);
	fprintf(out, "Daemon events:\n  start %lu  stop %lu  attach %lu  rejects %lu  lost %lu"
		     "  lost-records %lu (%lu records)\n", s->starts, s->stops, s->attaches,
		s->rejects, s->lost, s->lost_events, s->lost_records);
	logbuf_free(&b);
}

void logsummary_free(struct logsummary *s)
{
	logcount_free(&s->exes);
	logcount_free(&s->dirs);
	logcount_free(&s->reasons);
}
