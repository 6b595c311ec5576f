/* Rows of the table. The columns have fixed widths, so that rows line up
 * also when they come one at a time (--follow); a longer value pushes
 * the rest of its row right rather than being cut. */
#include <stdio.h>
#include <string.h>

#include "logtable.h"
#include "logtime.h"

#define W_PID 7
#define W_COMM 15
#define W_DECISION 8
#define W_ERRNO 12

bool logtable_colour(bool isatty, const char *no_color, const char *term)
{
	if (!isatty || (no_color && no_color[0]))
		return false;
	return !term || strcmp(term, "dumb") != 0;
}

/* An escaped string padded to width w (at least one space after). */
static void cell(struct logbuf *b, const struct logstr *v, size_t w)
{
	size_t n = v->s ? logesc_append(b, v->s, v->n) : (logbuf_put(b, "-", 1), 1);

	logbuf_pad(b, n < w ? w - n + 1 : 1);
}

static void text_cell(struct logbuf *b, const char *s, size_t w)
{
	struct logstr v = { s, strlen(s) };

	cell(b, &v, w);
}

static const char *colour_of(const struct logstr *d)
{
	if (logstr_is(d, "emulated"))
		return "\033[32m";
	if (logstr_is(d, "denied"))
		return "\033[1;31m";
	if (logstr_is(d, "error"))
		return "\033[1;33m";
	return NULL;
}

static void decision_cell(const struct logtable *t, struct logbuf *b, const struct logstr *d)
{
	const char *c = t->colour ? colour_of(d) : NULL;
	size_t n;

	if (!c) {
		cell(b, d, W_DECISION);
		return;
	}
	logbuf_puts(b, c);
	n = logesc_append(b, d->s, d->n);
	logbuf_puts(b, "\033[0m");
	logbuf_pad(b, n < W_DECISION ? W_DECISION - n + 1 : 1);
}

static void path_cells(struct logbuf *b, const struct logrec *r)
{
	if (r->path.s)
		logesc_append(b, r->path.s, r->path.n);
	else
		logbuf_put(b, "-", 1);
	if (r->resolved.s && (!r->path.s || r->path.n != r->resolved.n ||
			      memcmp(r->path.s, r->resolved.s, r->path.n) != 0)) {
		logbuf_puts(b, " -> ");
		logesc_append(b, r->resolved.s, r->resolved.n);
	}
}

/* An event: its name in the path column, then what it counts and says. */
static void event_cells(struct logbuf *b, const struct logrec *r)
{
	char num[64];

	logesc_append(b, r->event.s, r->event.n);
	if (r->has_attach)
		logbuf_put(b, num, (size_t)snprintf(num, sizeof(num), " attach=%lld", r->attach));
	if (r->has_count)
		logbuf_put(b, num, (size_t)snprintf(num, sizeof(num), " count=%lld", r->count));
	if (r->exe.s) {
		logbuf_puts(b, " exe=");
		logesc_append(b, r->exe.s, r->exe.n);
	}
	if (r->reason.s) {
		logbuf_puts(b, ": ");
		logesc_append(b, r->reason.s, r->reason.n);
	}
}

static void header(struct logbuf *b)
{
	text_cell(b, "TIME", 19);
	logbuf_pad(b, W_PID - 3);
	text_cell(b, "PID", 3);
	text_cell(b, "COMM", W_COMM);
	text_cell(b, "DECISION", W_DECISION);
	text_cell(b, "ERRNO", W_ERRNO);
	logbuf_puts(b, "PATH\n");
}

void logtable_row(struct logtable *t, const struct logrec *r, struct logbuf *out)
{
	char when[64], pid[24];
	int n;

	if (!t->header_done)
		header(out);
	t->header_done = true;
	logtime_local(r->ts, when, sizeof(when));
	text_cell(out, when, 19);
	n = r->has_pid ? snprintf(pid, sizeof(pid), "%lld", r->pid) : snprintf(pid, sizeof(pid), "-");
	logbuf_pad(out, n < W_PID ? (size_t)(W_PID - n) : 0);
	text_cell(out, pid, 0);
	if (r->is_event) {
		text_cell(out, "-", W_COMM);
		text_cell(out, "event", W_DECISION);
		text_cell(out, "-", W_ERRNO);
		event_cells(out, r);
	} else {
		cell(out, &r->comm, W_COMM);
		decision_cell(t, out, &r->decision);
		cell(out, &r->err, W_ERRNO);
		path_cells(out, r);
	}
	logbuf_put(out, "\n", 1);
}
