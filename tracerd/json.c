/* JSON Lines output for the audit log: no allocation, bounded buffers. */
#include <errno.h>
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

/* Bytes copied as they are: printable ASCII other than '"' and '\\'. */
static bool plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

static void put_hex_escape(struct jbuf *j, const char *prefix, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char e[6] = { '\\', 'u', prefix[0], prefix[1], hex[c >> 4], hex[c & 15] };

	put(j, e, sizeof(e));
}

void json_str(struct jbuf *j, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	putc_(j, '"');
	while (i < n) {
		size_t run = i, u;

		while (run < n && plain(s[run]))
			run++;
		if (run > i) {
			put(j, str + i, run - i);
			i = run;
			continue;
		}
		u = json_utf8_len(s + i, n - i);
		if (u == 0) {
			put_hex_escape(j, "dc", s[i]);
			i++;
		} else if (u > 1) {
			put(j, str + i, u);
			i += u;
		} else if (s[i] == '"' || s[i] == '\\') {
			char e[2] = { '\\', (char)s[i] };

			put(j, e, 2);
			i++;
		} else {
			put_hex_escape(j, "00", s[i]);	/* controls and DEL */
			i++;
		}
	}
	putc_(j, '"');
}

static void key(struct jbuf *j, const char *k)
{
	size_t n = strlen(k), i = 0;

	if (!j->first)
		putc_(j, ',');
	j->first = false;
	while (i < n && plain((unsigned char)k[i]))
		i++;
	if (i < n) {
		json_str(j, k, n);
	} else {
		putc_(j, '"');
		put(j, k, n);
		putc_(j, '"');
	}
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
	size_t at = sizeof(num);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do {
		num[--at] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		num[--at] = '-';
	key(j, k);
	put(j, num + at, sizeof(num) - at);
}

void json_key_bool(struct jbuf *j, const char *k, bool v)
{
	key(j, k);
	put(j, v ? "true" : "false", v ? 4 : 5);
}

void json_key_null(struct jbuf *j, const char *k)
{
	key(j, k);
	put(j, "null", 4);
}
