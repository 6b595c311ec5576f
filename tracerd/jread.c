/* Reading back a line json.c wrote (jread.h): RFC 8259 restricted to a
 * flat object. Nothing is allocated; the input is never read past its end. */
#include <errno.h>
#include <string.h>

#include "jread.h"
#include "json.h"

struct in {
	const unsigned char *p, *end;
};

/* The destination of a string: a buffer, or nothing (validate only). */
struct out {
	char *buf;
	size_t cap, len;
	bool cut;
	bool count;	/* also count the bytes decoded, kept or not */
	size_t total;
};

static void ws(struct in *in)
{
	while (in->p < in->end && (*in->p == ' ' || *in->p == '\t' || *in->p == '\n' ||
				   *in->p == '\r'))
		in->p++;
}

static void put(struct out *o, unsigned char c)
{
	o->total += o->count;
	if (!o->buf)
		return;
	if (o->len + 1 < o->cap)
		o->buf[o->len++] = (char)c;
	else
		o->cut = true;
}

static void put_utf8(struct out *o, unsigned cp)
{
	if (cp < 0x80) {
		put(o, (unsigned char)cp);
	} else if (cp < 0x800) {
		put(o, (unsigned char)(0xc0 | cp >> 6));
		put(o, (unsigned char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		put(o, (unsigned char)(0xe0 | cp >> 12));
		put(o, (unsigned char)(0x80 | (cp >> 6 & 0x3f)));
		put(o, (unsigned char)(0x80 | (cp & 0x3f)));
	} else {
		put(o, (unsigned char)(0xf0 | cp >> 18));
		put(o, (unsigned char)(0x80 | (cp >> 12 & 0x3f)));
		put(o, (unsigned char)(0x80 | (cp >> 6 & 0x3f)));
		put(o, (unsigned char)(0x80 | (cp & 0x3f)));
	}
}

/* Four hex digits after "\u"; -1 when they are not. */
static long hex4(struct in *in)
{
	long v = 0;

	if (in->end - in->p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		unsigned char c = *in->p++;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v |= (c | 0x20) - 'a' + 10;
		else
			return -1;
	}
	return v;
}

/* After "\u": a code point, a surrogate pair, or \udcXX (XX >= 0x80) for
 * the raw byte XX. 0 or -1. */
static int unicode(struct in *in, struct out *o)
{
	long u = hex4(in), lo;

	if (u < 0)
		return -1;
	if (u >= 0xdc80 && u <= 0xdcff) {
		put(o, (unsigned char)(u & 0xff));
		return 0;
	}
	if (u >= 0xdc00 && u <= 0xdfff)
		return -1;	/* a lone low surrogate */
	if (u < 0xd800 || u > 0xdbff) {
		put_utf8(o, (unsigned)u);
		return 0;
	}
	if (in->end - in->p < 2 || in->p[0] != '\\' || in->p[1] != 'u')
		return -1;
	in->p += 2;
	lo = hex4(in);
	if (lo < 0xdc00 || lo > 0xdfff)
		return -1;
	put_utf8(o, 0x10000 + (unsigned)((u - 0xd800) << 10 | (lo - 0xdc00)));
	return 0;
}

static int escape(struct in *in, struct out *o)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k;

	if (in->p >= in->end)
		return -1;
	if (*in->p == 'u') {
		in->p++;
		return unicode(in, o);
	}
	k = memchr(from, *in->p, sizeof(from) - 1);
	if (!k)
		return -1;
	in->p++;
	put(o, (unsigned char)to[k - from]);
	return 0;
}

/* A string from its opening quote; decoded into o (NUL-terminated when
 * o has a buffer). 0 or -1. */
static int string(struct in *in, struct out *o)
{
	if (in->p >= in->end || *in->p != '"')
		return -1;
	in->p++;
	while (in->p < in->end) {
		unsigned char c = *in->p;
		size_t u;

		if (c == '"') {
			in->p++;
			if (o->buf)
				o->buf[o->len] = 0;
			return 0;
		}
		if (c == '\\') {
			in->p++;
			if (escape(in, o) < 0)
				return -1;
			continue;
		}
		if (c < 0x20)
			return -1;
		u = json_utf8_len(in->p, (size_t)(in->end - in->p));	/* tracerd's */
		if (!u)
			return -1;
		while (u--)
			put(o, *in->p++);
	}
	return -1;
}

/* -?(0|[1-9][0-9]*), into *v (saturated: no key read as a number needs
 * more than 63 bits). 0 or -1. */
static int integer(struct in *in, long long *v)
{
	bool neg = in->p < in->end && *in->p == '-';
	unsigned long long acc = 0;
	const unsigned char *start;

	in->p += neg;
	start = in->p;
	while (in->p < in->end && *in->p >= '0' && *in->p <= '9') {
		if (acc < (1ULL << 62))
			acc = acc * 10 + (unsigned)(*in->p - '0');
		in->p++;
	}
	if (in->p == start || (*start == '0' && in->p - start > 1))
		return -1;
	if (in->p < in->end && (*in->p == '.' || *in->p == 'e' || *in->p == 'E'))
		return -1;	/* tracerd writes no fraction */
	*v = neg ? -(long long)acc : (long long)acc;
	return 0;
}

static int word(struct in *in, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(in->end - in->p) < n || memcmp(in->p, w, n) != 0)
		return -1;
	in->p += n;
	return 0;
}

enum { JR_FIRST, JR_MORE, JR_DONE, JR_BAD };

/* Any value but an object or array, into *m (a string only checked). */
static int value(struct in *in, struct jr_member *m)
{
	struct out none = { 0 };

	m->raw = (const char *)in->p;
	m->v = 0;
	if (in->p >= in->end)
		return -1;
	switch (*in->p) {
	case '"':
		m->kind = JR_STRING;
		return string(in, &none);
	case 'n':
		m->kind = JR_NULL;
		return word(in, "null");
	case 't':
		m->kind = JR_BOOL;
		m->v = 1;
		return word(in, "true");
	case 'f':
		m->kind = JR_BOOL;
		return word(in, "false");
	default:
		m->kind = JR_INT;
		return integer(in, &m->v);
	}
}

int jr_begin(struct jr_line *l, const char *line, size_t n)
{
	struct in in = { (const unsigned char *)line, (const unsigned char *)line + n };

	l->nkeys = 0;
	l->state = JR_BAD;
	ws(&in);
	if (in.p >= in.end || *in.p++ != '{')
		return -EINVAL;
	ws(&in);
	l->p = in.p;
	l->end = in.end;
	l->state = JR_FIRST;
	return 0;
}

/* After the last member: '}' and nothing but white space. */
static int close_object(struct jr_line *l, struct in *in)
{
	in->p++;
	ws(in);
	l->p = in->p;
	l->state = in->p == in->end ? JR_DONE : JR_BAD;
	return l->state == JR_DONE ? 0 : -EINVAL;
}

/* A key, unique in the line, and its colon, into m. 0 or -1. */
static int key(struct jr_line *l, struct in *in, struct jr_member *m)
{
	char k[JR_KEY_MAX] = "";
	struct out ko = { .buf = k, .cap = sizeof(k) };

	if (string(in, &ko) < 0 || ko.cut || l->nkeys == JR_KEYS_MAX || strlen(k) != ko.len)
		return -1;
	for (unsigned i = 0; i < l->nkeys; i++)
		if (strcmp(l->keys[i], k) == 0)
			return -1;
	memcpy(l->keys[l->nkeys++], k, sizeof(k));
	memcpy(m->key, k, sizeof(k));
	ws(in);
	if (in->p >= in->end || *in->p++ != ':')
		return -1;
	ws(in);
	return 0;
}

int jr_next(struct jr_line *l, struct jr_member *m)
{
	struct in in = { l->p, l->end };

	if (l->state == JR_DONE)
		return 0;
	if (l->state == JR_BAD)
		return -EINVAL;
	if (in.p < in.end && *in.p == '}' && l->state == JR_FIRST)
		return close_object(l, &in);
	if (l->state == JR_MORE) {
		if (in.p < in.end && *in.p == '}')
			return close_object(l, &in);
		if (in.p >= in.end || *in.p++ != ',')
			goto bad;
		ws(&in);
	}
	if (key(l, &in, m) < 0 || value(&in, m) < 0)
		goto bad;
	m->rawlen = (size_t)((const char *)in.p - m->raw);
	ws(&in);
	l->p = in.p;
	l->state = JR_MORE;
	return 1;
bad:
	l->state = JR_BAD;
	return -EINVAL;
}

size_t jr_string(const struct jr_member *m, char *buf, size_t cap)
{
	struct in in = { (const unsigned char *)m->raw, (const unsigned char *)m->raw + m->rawlen };
	struct out o = { .buf = cap ? buf : NULL, .cap = cap, .count = true };

	if (cap)
		buf[0] = '\0';
	if (m->kind != JR_STRING || string(&in, &o) < 0)
		return 0;
	return o.total;
}

bool jr_valid(const char *line, size_t n)
{
	struct jr_line l;
	struct jr_member m;
	int r;

	if (jr_begin(&l, line, n) < 0)
		return false;
	while ((r = jr_next(&l, &m)) == 1)
		;
	return r == 0;
}
