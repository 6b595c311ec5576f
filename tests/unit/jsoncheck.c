/* A strict JSON (RFC 8259) checker for the tests, written independently of
 * tracerd/json.c: raw bytes in strings must be valid UTF-8, control bytes
 * must be escaped. Strings decode with \udcXX mapped back to byte XX
 * (surrogateescape), so a test can check the round trip. */
#include <string.h>

#include "jsoncheck.h"

struct jp {
	const unsigned char *s;
	size_t n, i;
	int depth;
};

/* Length of a valid UTF-8 sequence at p (by code point ranges), or 0. */
size_t jc_utf8_len(const unsigned char *p, size_t n)
{
	uint32_t cp;
	size_t len;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[k] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
		return 0;	/* overlong */
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static void ws(struct jp *p)
{
	while (p->i < p->n && strchr(" \t\r\n", p->s[p->i]) && p->s[p->i])
		p->i++;
}

static int lit(struct jp *p, const char *w)
{
	size_t l = strlen(w);

	if (p->n - p->i < l || memcmp(p->s + p->i, w, l) != 0)
		return -1;
	p->i += l;
	return 0;
}

static int hex4(struct jp *p, uint32_t *v)
{
	*v = 0;
	if (p->n - p->i < 4)
		return -1;
	for (int k = 0; k < 4; k++) {
		unsigned char c = p->s[p->i++];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			*v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			*v |= c - 'A' + 10;
		else
			return -1;
	}
	return 0;
}

static void emit(struct jc_str *o, const void *b, size_t n)
{
	if (!o)
		return;
	if (n > sizeof(o->buf) - o->len) {
		o->overflow = 1;
		return;
	}
	memcpy(o->buf + o->len, b, n);
	o->len += n;
}

static void emit_cp(struct jc_str *o, uint32_t cp)
{
	unsigned char b[4];

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		emit(o, b, 1);
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | cp >> 6);
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		emit(o, b, 2);
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | cp >> 12);
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		emit(o, b, 3);
	} else {
		b[0] = (unsigned char)(0xf0 | cp >> 18);
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		emit(o, b, 4);
	}
}

static int escape(struct jp *p, struct jc_str *o)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;
	uint32_t cp, lo;

	if (p->i >= p->n)
		return -1;
	if (p->s[p->i] != 'u') {
		e = memchr(from, p->s[p->i], sizeof(from) - 1);
		if (!e)
			return -1;
		p->i++;
		emit(o, &to[e - from], 1);
		return 0;
	}
	p->i++;
	if (hex4(p, &cp) < 0)
		return -1;
	if (cp >= 0xdc80 && cp <= 0xdcff) {	/* surrogateescape: one byte */
		unsigned char b = (unsigned char)(cp & 0xff);

		emit(o, &b, 1);
		return 0;
	}
	if (cp >= 0xd800 && cp <= 0xdbff && p->n - p->i >= 6 &&
	    p->s[p->i] == '\\' && p->s[p->i + 1] == 'u') {
		size_t save = p->i;

		p->i += 2;
		if (hex4(p, &lo) == 0 && lo >= 0xdc00 && lo <= 0xdfff) {
			emit_cp(o, 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00));
			return 0;
		}
		p->i = save;
	}
	if (o)
		o->lone_surrogate |= cp >= 0xd800 && cp <= 0xdfff;
	emit_cp(o, cp);
	return 0;
}

static int string(struct jp *p, struct jc_str *o)
{
	if (o)
		memset(o, 0, sizeof(*o));
	if (p->i >= p->n || p->s[p->i] != '"')
		return -1;
	p->i++;
	while (p->i < p->n) {
		unsigned char c = p->s[p->i];
		size_t u;

		if (c == '"') {
			p->i++;
			return 0;
		}
		if (c == '\\') {
			p->i++;
			if (escape(p, o) < 0)
				return -1;
			continue;
		}
		if (c < 0x20)
			return -1;
		u = jc_utf8_len(p->s + p->i, p->n - p->i);
		if (u == 0)
			return -1;
		emit(o, p->s + p->i, u);
		p->i += u;
	}
	return -1;
}

static int digits(struct jp *p)
{
	size_t start = p->i;

	while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
		p->i++;
	return p->i > start ? 0 : -1;
}

static int number(struct jp *p)
{
	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	if (p->i < p->n && p->s[p->i] == '0')
		p->i++;
	else if (digits(p) < 0)
		return -1;
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		if (digits(p) < 0)
			return -1;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (digits(p) < 0)
			return -1;
	}
	return 0;
}

static int value(struct jp *p);

/* Members or elements up to the closing bracket. */
static int members(struct jp *p, char close, int object)
{
	p->i++;
	ws(p);
	if (p->i < p->n && p->s[p->i] == close) {
		p->i++;
		return 0;
	}
	for (;;) {
		ws(p);
		if (object) {
			if (string(p, NULL) < 0)
				return -1;
			ws(p);
			if (p->i >= p->n || p->s[p->i++] != ':')
				return -1;
		}
		if (value(p) < 0)
			return -1;
		ws(p);
		if (p->i >= p->n)
			return -1;
		if (p->s[p->i] == close) {
			p->i++;
			return 0;
		}
		if (p->s[p->i++] != ',')
			return -1;
	}
}

static int value(struct jp *p)
{
	int r;

	ws(p);
	if (p->i >= p->n || ++p->depth > 64)
		return -1;
	switch (p->s[p->i]) {
	case '{':
		r = members(p, '}', 1);
		break;
	case '[':
		r = members(p, ']', 0);
		break;
	case '"':
		r = string(p, NULL);
		break;
	case 't':
		r = lit(p, "true");
		break;
	case 'f':
		r = lit(p, "false");
		break;
	case 'n':
		r = lit(p, "null");
		break;
	default:
		r = number(p);
	}
	p->depth--;
	return r;
}

int jc_valid(const char *s, size_t n)
{
	struct jp p = { (const unsigned char *)s, n, 0, 0 };

	if (value(&p) < 0)
		return 0;
	ws(&p);
	return p.i == n;
}

int jc_string(const char *s, size_t n, struct jc_str *out)
{
	struct jp p = { (const unsigned char *)s, n, 0, 0 };

	if (string(&p, out) < 0 || p.i != n || out->overflow)
		return -1;
	return 0;
}

/* Find "key": in a flat object and decode its string value. */
int jc_member(const char *line, size_t n, const char *key, struct jc_str *out)
{
	struct jp p = { (const unsigned char *)line, n, 0, 0 };
	struct jc_str k;

	ws(&p);
	if (p.i >= n || line[p.i++] != '{')
		return -1;
	for (;;) {
		ws(&p);
		if (string(&p, &k) < 0)
			return -1;
		ws(&p);
		if (p.i >= n || line[p.i++] != ':')
			return -1;
		ws(&p);
		if (k.len == strlen(key) && memcmp(k.buf, key, k.len) == 0) {
			size_t start = p.i;

			if (p.i < n && line[p.i] == '"')
				return string(&p, out) < 0 ? -1 : 0;
			if (value(&p) < 0)
				return -1;
			/* any other value: its text */
			memset(out, 0, sizeof(*out));
			emit(out, line + start, p.i - start);
			return start + 4 == p.i && memcmp(line + start, "null", 4) == 0 ? 1 : 2;
		}
		if (value(&p) < 0)
			return -1;
		ws(&p);
		if (p.i >= n || line[p.i++] != ',')
			return -1;
	}
}
