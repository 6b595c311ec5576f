/* JSON Lines output for the audit log: no allocation, bounded buffers. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "json.h"

static void put(struct jbuf *j, const char *s, size_t n)
{
	if (j->full || n > j->cap - j->len) {
		j->full = true;
		return;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
}

static void putc_(struct jbuf *j, char c)
{
	put(j, &c, 1);
}

void json_begin(struct jbuf *j, char *buf, size_t cap)
{
	j->buf = buf;
	j->cap = cap;
	j->len = 0;
	j->full = false;
	j->first = true;
	putc_(j, '{');
}

int json_end(struct jbuf *j)
{
	put(j, "}\n", 2);
	return j->full ? -ENOSPC : (int)j->len;
}

size_t json_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	unsigned lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (len > n)
		return 0;
	/* the second byte's range excludes overlongs, surrogates and > U+10FFFF */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

void json_str(struct jbuf *j, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	char esc[8];
	size_t i = 0;

	putc_(j, '"');
	while (i < n) {
		size_t u = json_utf8_len(s + i, n - i);

		if (u == 0) {
			snprintf(esc, sizeof(esc), "\\udc%02x", s[i]);
			put(j, esc, 6);
			i++;
		} else if (u > 1) {
			put(j, (const char *)s + i, u);
			i += u;
		} else if (s[i] == '"' || s[i] == '\\') {
			char e[2] = { '\\', (char)s[i] };

			put(j, e, 2);
			i++;
		} else if (s[i] < 0x20 || s[i] == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", s[i]);
			put(j, esc, 6);
			i++;
		} else {
			putc_(j, (char)s[i]);
			i++;
		}
	}
	putc_(j, '"');
}

static void key(struct jbuf *j, const char *k)
{
	if (!j->first)
		putc_(j, ',');
	j->first = false;
	json_str(j, k, strlen(k));
	putc_(j, ':');
}

void json_key_str(struct jbuf *j, const char *k, const char *s, size_t n)
{
	key(j, k);
	json_str(j, s, n);
}

void json_key_cstr(struct jbuf *j, const char *k, const char *s)
{
	if (!s) {
		json_key_null(j, k);
		return;
	}
	json_key_str(j, k, s, strlen(s));
}

void json_key_int(struct jbuf *j, const char *k, long long v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%lld", v);

	key(j, k);
	put(j, num, (size_t)n);
}

void json_key_null(struct jbuf *j, const char *k)
{
	key(j, k);
	put(j, "null", 4);
}
