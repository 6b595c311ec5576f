/* Escaping for the table of `tracerd log`, and the buffer it fills. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "logesc.h"

void logbuf_put(struct logbuf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->cap - b->len < n + 1) {
		size_t cap = (b->len + n + 1) * 2;
		char *p = realloc(b->p, cap);

		if (!p) {
			b->failed = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void logbuf_puts(struct logbuf *b, const char *s)
{
	logbuf_put(b, s, strlen(s));
}

void logbuf_pad(struct logbuf *b, size_t n)
{
	static const char sp[] = "                ";

	for (; n > 0; n -= n < 16 ? n : 16)
		logbuf_put(b, sp, n < 16 ? n : 16);
}

void logbuf_free(struct logbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static unsigned decode(const unsigned char *s, size_t k)
{
	static const unsigned char lead[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	unsigned c = s[0] & lead[k];

	for (size_t i = 1; i < k; i++)
		c = c << 6 | (s[i] & 0x3f);
	return c;
}

/* Characters that are not controls in C0 terms but still move or hide
 * text on a terminal: C1, the line and paragraph separators, the
 * bidirectional embeddings, overrides and isolates (CVE-2021-42574). */
static int needs_escape(unsigned c)
{
	return (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029 ||
	       (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
	       c == 0x200e || c == 0x200f || c == 0x061c;
}

/* One byte below 0x80 (or a byte that starts no UTF-8). */
static void byte(struct logbuf *b, unsigned char c, int raw_ok)
{
	char e[8];

	if (c == '\\')
		logbuf_put(b, "\\\\", 2);
	else if (c == '\n')
		logbuf_put(b, "\\n", 2);
	else if (c == '\t')
		logbuf_put(b, "\\t", 2);
	else if (c == '\r')
		logbuf_put(b, "\\r", 2);
	else if (raw_ok && c >= 0x20 && c < 0x7f)
		logbuf_put(b, (const char *)&c, 1);
	else
		logbuf_put(b, e, (size_t)snprintf(e, sizeof(e), "\\x%02x", c));
}

size_t logesc_append(struct logbuf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, chars = 0, k;
	char e[12];

	while (i < n) {
		size_t before = b->len;

		k = json_utf8_len(u + i, n - i);
		if (k <= 1) {
			byte(b, u[i], k == 1);
			i++;
		} else if (needs_escape(decode(u + i, k))) {
			logbuf_put(b, e, (size_t)snprintf(e, sizeof(e), "\\u%04x", decode(u + i, k)));
			i += k;
		} else {
			logbuf_put(b, s + i, k);
			i += k;
			chars++;
			continue;
		}
		chars += b->len - before;	/* an escape is ASCII: one column a byte */
	}
	return chars;
}
