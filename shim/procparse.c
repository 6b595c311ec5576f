/* The parsers of autostart's text (issue 17), apart from the reading, so
 * that unit tests and a fuzzer reach them (tests/unit/test_procparse.c,
 * tests/fuzz/fuzz_procparse.c). They read nothing beyond buf[0..len). */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "procparse.h"

/* The line in buf[0..len): up to the first NUL or newline. The callers
 * used to see a line as a C string, so a NUL ends it. */
static size_t line_len(const char *buf, size_t len)
{
	size_t n = 0;

	while (n < len && buf[n] != '\0' && buf[n] != '\n')
		n++;
	return n;
}

static int is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');	/* isspace(3), C locale */
}

static int digit_of(char c, unsigned base)
{
	unsigned v;

	if (c >= '0' && c <= '9')
		v = (unsigned)(c - '0');
	else if (c >= 'a' && c <= 'z')
		v = (unsigned)(c - 'a') + 10;
	else if (c >= 'A' && c <= 'Z')
		v = (unsigned)(c - 'A') + 10;
	else
		return -1;
	return v < base ? (int)v : -1;
}

/* strtoul(s, &end, base) (base 10 or 16) on s[0..len), as glibc does it
 * in the C locale: white space, a sign, base 16's "0x", digits; ULONG_MAX
 * when the digits overflow, else negated after a '-'. *ret, and the
 * bytes taken (end - s): 0 when nothing is converted. */
static size_t scan_ul(const char *s, size_t len, unsigned base, unsigned long *ret)
{
	size_t i = 0, start;
	unsigned long v = 0;
	int neg = 0, over = 0, d;

	*ret = 0;
	while (i < len && is_space(s[i]))
		i++;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	if (base == 16 && i + 1 < len && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X'))
		i += 2;
	start = i;
	for (; i < len && (d = digit_of(s[i], base)) >= 0; i++) {
		if (v > (ULONG_MAX - (unsigned long)d) / base)
			over = 1;
		else
			v = v * base + (unsigned long)d;
	}
	if (i == start)	/* "0x" and no hex digit: 0, ending at the 'x' */
		return base == 16 && start >= 2 && (s[start - 1] | 0x20) == 'x' &&
		       s[start - 2] == '0' ? start - 1 : 0;
	*ret = over ? ULONG_MAX : neg ? -v : v;
	return i;
}

int procparse_passwd_line(const char *buf, size_t len, struct procparse_pw *ret)
{
	size_t f[7] = { 0 }, n = 1;
	unsigned long uid;

	len = line_len(buf, len);
	for (size_t i = 0; i < len && n < 7; i++)
		if (buf[i] == ':')
			f[n++] = i + 1;
	if (n < 7 || buf[f[2]] == ':')	/* f[2] < f[6] <= len */
		return -EINVAL;
	(void)scan_ul(buf + f[2], len - f[2], 10, &uid);
	ret->uid = uid;
	ret->user = buf;
	ret->user_len = f[1] - 1;
	ret->home = buf + f[5];
	ret->home_len = f[6] - 1 - f[5];
	return 0;
}

int procparse_maps_line(const char *buf, size_t len, struct procparse_map *ret)
{
	const char *slash;
	unsigned long lo, hi = 0;
	size_t end;

	len = line_len(buf, len);
	slash = len > 0 ? memchr(buf, '/', len) : NULL;
	if (!slash)
		return -ENOENT;
	end = scan_ul(buf, len, 16, &lo);	/* stops at the '/' at the latest */
	if (end < len)
		(void)scan_ul(buf + end + 1, len - end - 1, 16, &hi);
	ret->lo = (uintptr_t)lo;
	ret->hi = (uintptr_t)hi;
	ret->path = slash;
	ret->path_len = len - (size_t)(slash - buf);
	return 0;
}

int procparse_uid_map_line(const char *buf, size_t len, struct procparse_extent *ret)
{
	unsigned long v[3] = { 0, 0, 0 };
	size_t pos = 0, took;
	int n = 0;

	len = line_len(buf, len);
	while (n < 3 && (took = scan_ul(buf + pos, len - pos, 10, &v[n])) > 0) {
		pos += took;
		n++;
	}
	ret->first = v[0];
	ret->lower = v[1];
	ret->count = v[2];
	return n;
}

/* "Num: RefCount Protocol Flags Type St Inode" (runs of spaces between,
 * the inode padded), then one space and the path, abstract when it
 * starts with '@'. The path field alone decides: a file path that merely
 * contains " @NAME" (another user can bind one) is no abstract name. */
int procparse_unix_line(const char *buf, size_t len, struct procparse_unix *ret)
{
	size_t i = 0, flags = 0, flags_len = 0;

	len = line_len(buf, len);
	for (int k = 0; k < 7; k++) {
		size_t start;

		while (i < len && buf[i] == ' ')
			i++;
		if (i >= len)
			return -ENOENT;
		for (start = i; i < len && buf[i] != ' '; i++)
			;
		if (k == 3) {
			flags = start;
			flags_len = i - start;
		}
	}
	if (i + 1 >= len || buf[i] != ' ' || buf[i + 1] != '@')
		return -ENOENT;
	ret->listening = flags_len == 8 && memcmp(buf + flags, "00010000", 8) == 0;
	ret->name = buf + i + 2;
	ret->name_len = len - i - 2;
	return 0;
}

int procparse_idle(const char *buf, size_t len, unsigned long *ret_secs)
{
	unsigned long v = 0;

	if (len == 0 || len > 8)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(buf[i] - '0');
	}
	if (v > PROCPARSE_IDLE_MAX)
		return -EINVAL;
	*ret_secs = v;
	return 0;
}

int procparse_printable(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			return 0;
	return 1;
}
