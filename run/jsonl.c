/* One audit record, parsed strictly: RFC 8259 grammar restricted to a flat
 * object, UTF-8 checked, every escape decoded, duplicate keys refused.
 * Nothing is allocated; the input is never read past n. */
#include <errno.h>
#include <string.h>

#include "../tracerd/json.h"
#include "jsonl.h"

struct in {
	const unsigned char *p, *end;
};

/* The destination of a string: a buffer, or nothing (validate only). */
struct out {
	char *buf;
	size_t cap, len;
	bool cut;
};

static void ws(struct in *in)
{
	while (in->p < in->end && (*in->p == ' ' || *in->p == '\t' || *in->p == '\n' ||
				   *in->p == '\r'))
		in->p++;
}

static void put(struct out *o, unsigned char c)
{
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

enum kind { K_STRING, K_INT, K_NULL, K_BOOL };

/* Any value but an object or array; its kind in *k, a string into o, an
 * integer into *v. 0 or -1. */
static int value(struct in *in, struct out *o, long long *v, enum kind *k)
{
	if (in->p >= in->end)
		return -1;
	switch (*in->p) {
	case '"':
		*k = K_STRING;
		return string(in, o);
	case 'n':
		*k = K_NULL;
		return word(in, "null");
	case 't':
		*k = K_BOOL;
		return word(in, "true");
	case 'f':
		*k = K_BOOL;
		return word(in, "false");
	default:
		*k = K_INT;
		return integer(in, v);
	}
}

#define KEYS_MAX 64	/* a record has about 20 */
#define KEY_LEN 32	/* longer keys are none of ours, compared by prefix */

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
static int store(struct jsonl_rec *r, const struct want *w, enum kind k, long long v)
{
	if (k == K_NULL)
		return 0;	/* absent, as far as the summary goes */
	if (w->buf ? k != K_STRING : (strcmp(w->key, "syscall") != 0 && k != K_INT))
		return -1;
	if (strcmp(w->key, "attach") == 0) {
		if (v < 0)
			return -1;
		r->attach = (uint64_t)v;
	} else if (strcmp(w->key, "pid") == 0) {
		r->pid = v;
	}
	*w->has = true;
	return 0;
}

static int member(struct in *in, struct jsonl_rec *r, char keys[][KEY_LEN], unsigned *nkeys)
{
	char key[KEY_LEN] = "";
	struct out ko = { .buf = key, .cap = sizeof(key) };
	struct want w;
	const struct want *pw;
	struct out vo = { 0 };
	long long v = 0;
	enum kind k;

	if (string(in, &ko) < 0 || *nkeys == KEYS_MAX)
		return -1;
	for (unsigned i = 0; i < *nkeys; i++)
		if (strcmp(keys[i], key) == 0 && !ko.cut)
			return -1;	/* a duplicate key */
	memcpy(keys[(*nkeys)++], key, sizeof(key));
	ws(in);
	if (in->p >= in->end || *in->p++ != ':')
		return -1;
	ws(in);
	pw = ko.cut ? NULL : wanted(r, key, &w);
	if (pw && pw->buf)
		vo = (struct out){ .buf = pw->buf, .cap = pw->cap };
	if (value(in, &vo, &v, &k) < 0)
		return -1;
	r->truncated |= vo.cut;
	return pw ? store(r, pw, k, v) : 0;
}

int jsonl_parse(const char *line, size_t n, struct jsonl_rec *r)
{
	struct in in = { (const unsigned char *)line, (const unsigned char *)line + n };
	char keys[KEYS_MAX][KEY_LEN];
	unsigned nkeys = 0;

	memset(r, 0, sizeof(*r));
	ws(&in);
	if (in.p >= in.end || *in.p++ != '{')
		return -EINVAL;
	ws(&in);
	if (in.p < in.end && *in.p == '}') {
		in.p++;
	} else {
		for (;;) {
			if (member(&in, r, keys, &nkeys) < 0)
				return -EINVAL;
			ws(&in);
			if (in.p < in.end && *in.p == ',') {
				in.p++;
				ws(&in);
				continue;
			}
			if (in.p < in.end && *in.p == '}') {
				in.p++;
				break;
			}
			return -EINVAL;
		}
	}
	ws(&in);
	return in.p == in.end ? 0 : -EINVAL;
}
