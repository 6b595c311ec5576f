/* The journal's native-protocol payload for one audit line (journal.h).
 *
 * Each member becomes NOTIF_<KEY> by one rule, so keys added by later
 * issues need nothing here. A value goes as NAME=VALUE\n when it is
 * printable UTF-8 without a newline, else in the protocol's binary-safe
 * form, NAME\n + little-endian 64-bit length + bytes + \n: journald would
 * take most bytes as text, but a reader of `journalctl -o json` then gets
 * exact bytes (an array of numbers) instead of mangled text. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "journal_fmt.h"
#include "jread.h"
#include "json.h"

#define PREFIX "NOTIF_"
#define NAME_MAX_LEN (sizeof(PREFIX) - 1 + JR_KEY_MAX)
#define BIN_OVERHEAD 10		/* '\n' + 8-byte length + '\n' */

struct out {
	char *buf;
	size_t len, cap;
};

/* What the one-line summary is made of: raw JSON text, quotes stripped. */
enum { S_DECISION, S_SYSCALL, S_PATH, S_ERRNO, S_COMM, S_PID, S_EVENT, S_REASON, S_N };
static const char *const summary_key[S_N] = {
	"decision", "syscall", "path", "errno", "comm", "pid", "event", "reason",
};
struct slice {
	const char *p;
	size_t n;
};
struct summary {
	struct slice v[S_N];
};

size_t journal_cap(size_t len)
{
	/* Decoded values are never longer than their JSON text; names and
	 * framing add at most 47 bytes to each of the 64 members; the
	 * summary repeats raw text of the line. */
	return 2 * len + 4096;
}

/* NOTIF_ + key upper-cased, '-' as '_'. A key with other bytes is not one
 * of ours and would make a field journald drops: 0 (skip it). */
static size_t field_name(const char *key, char *name)
{
	size_t n = sizeof(PREFIX) - 1;

	memcpy(name, PREFIX, n);
	if (!*key)
		return 0;
	for (const char *k = key; *k; k++) {
		char c = *k;

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		else if (c == '-')
			c = '_';
		else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
			return 0;
		name[n++] = c;
	}
	return n;
}

/* Printable UTF-8 without control bytes (so no newline)? */
static bool is_text(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t k;

		if (s[i] < 0x20 || s[i] == 0x7f)
			return false;
		k = s[i] < 0x80 ? 1 : json_utf8_len(s + i, n - i);
		if (!k)
			return false;
		i += k;
	}
	return true;
}

/* The value sits at o->buf + at (room for the binary header before it
 * was left at field start): lay out the field around it. */
static void frame(struct out *o, const char *name, size_t nn, size_t at, size_t vn)
{
	char *f = o->buf + o->len;
	uint64_t le = vn;

	memcpy(f, name, nn);
	if (is_text((const unsigned char *)o->buf + at, vn)) {
		f[nn] = '=';
		memmove(f + nn + 1, o->buf + at, vn);
		o->len += nn + 1 + vn;
	} else {
		f[nn] = '\n';
		for (int i = 0; i < 8; i++, le >>= 8)
			f[nn + 1 + i] = (char)(le & 0xff);
		o->len += nn + 9 + vn;
	}
	o->buf[o->len++] = '\n';
}

/* One field whose value is bytes v[0..vn). */
static int put_field(struct out *o, const char *name, size_t nn, const char *v, size_t vn)
{
	size_t at = o->len + nn + 9;

	if (o->cap - o->len < nn + BIN_OVERHEAD + vn)
		return -ENOSPC;
	memcpy(o->buf + at, v, vn);
	frame(o, name, nn, at, vn);
	return 0;
}

/* One field from a member: strings decoded, integers and booleans as
 * their text, null left out. */
static int put_member(struct out *o, const struct jr_member *m)
{
	char name[NAME_MAX_LEN];
	size_t nn = field_name(m->key, name), at, room, vn;

	if (!nn || m->kind == JR_NULL)
		return 0;
	if (m->kind != JR_STRING)
		return put_field(o, name, nn, m->raw, m->rawlen);
	at = o->len + nn + 9;
	if (o->cap - o->len < nn + BIN_OVERHEAD + 1)
		return -ENOSPC;
	room = o->cap - at - 1;		/* the final '\n' */
	vn = jr_string(m, o->buf + at, room);
	if (vn >= room)
		return -ENOSPC;
	frame(o, name, nn, at, vn);
	return 0;
}

/* Keep the raw text of the members the summary names. */
static void note(struct summary *s, const struct jr_member *m)
{
	struct slice v = { m->raw, m->rawlen };

	if (m->kind == JR_NULL)
		return;
	if (m->kind == JR_STRING && v.n >= 2) {
		v.p++;
		v.n -= 2;
	}
	for (size_t i = 0; i < S_N; i++)
		if (!strcmp(m->key, summary_key[i]))
			s->v[i] = v;
}

static void add(struct out *o, const char *s, size_t n)
{
	if (o->len > o->cap)
		return;		/* overflowed already */
	if (o->cap - o->len >= n) {
		memcpy(o->buf + o->len, s, n);
		o->len += n;
	} else {
		o->len = o->cap + 1;
	}
}

#define ADD(o, lit) add(o, lit, sizeof(lit) - 1)

/* A member's text, or dflt when the line has none. */
static void add_or(struct out *o, const struct summary *s, int i, const char *dflt)
{
	if (s->v[i].p)
		add(o, s->v[i].p, s->v[i].n);
	else
		add(o, dflt, strlen(dflt));
}

static void summarize_event(struct out *o, const struct summary *s)
{
	ADD(o, "tracerd ");
	add_or(o, s, S_EVENT, "");
	if (s->v[S_PID].p) {
		ADD(o, " pid ");
		add_or(o, s, S_PID, "");
	}
	if (s->v[S_REASON].p) {
		ADD(o, ": ");
		add_or(o, s, S_REASON, "");
	}
}

/* "denied mkdir /home/u/x (EPERM) by mkdir[1234]" or "tracerd start",
 * from JSON text: escaped, so always one line. */
static void summarize(struct out *o, const struct summary *s)
{
	if (!s->v[S_DECISION].p && s->v[S_EVENT].p) {
		summarize_event(o, s);
		return;
	}
	add_or(o, s, S_DECISION, "record");
	ADD(o, " ");
	add_or(o, s, S_SYSCALL, "mkdir");
	ADD(o, " ");
	add_or(o, s, S_PATH, "?");
	if (s->v[S_ERRNO].p) {
		ADD(o, " (");
		add_or(o, s, S_ERRNO, "");
		ADD(o, ")");
	}
	ADD(o, " by ");
	add_or(o, s, S_COMM, "?");
	ADD(o, "[");
	add_or(o, s, S_PID, "?");
	ADD(o, "]");
}

/* MESSAGE=, PRIORITY= and SYSLOG_IDENTIFIER= after the members. The
 * summary is built past the end of the payload, then framed in place. */
static int put_fixed(struct out *o, const struct summary *s, int prio)
{
	static const char ident[] = "SYSLOG_IDENTIFIER=tracerd\n";
	char pri[] = "PRIORITY=6\n";
	struct out m;
	size_t at = o->len + 7 + 9;

	if (o->cap - o->len < 7 + BIN_OVERHEAD)
		return -ENOSPC;
	m = (struct out){ .buf = o->buf, .len = at, .cap = o->cap - 1 };
	summarize(&m, s);
	if (m.len > m.cap)
		return -ENOSPC;
	frame(o, "MESSAGE", 7, at, m.len - at);
	pri[9] = (char)('0' + prio);
	if (o->cap - o->len < sizeof(pri) - 1 + sizeof(ident) - 1)
		return -ENOSPC;
	ADD(o, pri);
	ADD(o, ident);
	return 0;
}

static int prio_of(const struct summary *s)
{
	const struct slice *d = &s->v[S_DECISION];

	if (d->p && d->n == 6 && !memcmp(d->p, "denied", 6))
		return 5;
	if (d->p && d->n == 5 && !memcmp(d->p, "error", 5))
		return 4;
	return 6;
}

ssize_t journal_encode(const char *line, size_t len, char *buf, size_t cap)
{
	struct out o = { .buf = buf, .cap = cap };
	struct summary s = { 0 };
	struct jr_line l;
	struct jr_member m;
	int r;

	if (jr_begin(&l, line, len) < 0)
		return -EINVAL;
	while ((r = jr_next(&l, &m)) > 0) {
		note(&s, &m);
		if (put_member(&o, &m) < 0)
			return -ENOSPC;
	}
	if (r < 0)
		return -EINVAL;
	r = put_fixed(&o, &s, prio_of(&s));
	return r < 0 ? r : (ssize_t)o.len;
}

int journal_priority(const char *line, size_t len)
{
	struct summary s = { 0 };
	struct jr_line l;
	struct jr_member m;

	if (jr_begin(&l, line, len) < 0)
		return 6;
	while (jr_next(&l, &m) > 0)
		note(&s, &m);
	return prio_of(&s);
}
