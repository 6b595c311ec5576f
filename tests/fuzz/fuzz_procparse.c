/* Fuzz the text autostart reads (shim/procparse.c): lines of /etc/passwd,
 * /proc/self/maps, /proc/self/uid_map and /proc/net/unix, and
 * NOTIF_AUTOSTART_IDLE. The first byte picks the parser (mod 5: passwd,
 * maps, uid_map, unix, an environment value); the rest is a file, cut
 * into lines at '\n' as autostart's reader does. Each line is parsed from
 * a heap block of exactly its length (ASan: nothing read past len) and
 * again from the rest of the file (a line ends at its newline).
 * Invariants: every field lies within the line, a number written back
 * gives the digits it came from, and every result is the one the code
 * before procparse.c gave (kept below as old_*, strtoul and all, on a
 * NUL-terminated copy): the move changed no behaviour. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "shim/procparse.h"

/* p[0..n) within b[0..len) */
#define WITHIN(p, n, b, len) ((p) >= (b) && (p) <= (b) + (len) && (n) <= (len) - (size_t)((p) - (b)))

static int all_digits(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return n > 0 && i == n;
}

/* A decimal field s[0..n) (digits only, no leading 0 but "0", no
 * overflow) prints back as the same digits. */
static void check_digits(const char *s, size_t n, unsigned long v)
{
	char d[24], *p = d + sizeof(d);

	if (!all_digits(s, n) || n > 19 || (s[0] == '0' && n > 1))
		return;
	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	FUZZ_CHECK((size_t)(d + sizeof(d) - p) == n && memcmp(p, s, n) == 0,
		   "'%.*s' read as %.*s", (int)n, s, (int)(d + sizeof(d) - p), p);
}

/* ---- the code before procparse.c (shim/autostart.c at 9a133c7) ---- */

/* home_of's test of one line: 1 and the fields, or 0. */
static int old_passwd(const char *s, unsigned long *uid, const char *f[7])
{
	int n = 1;

	f[0] = s;
	for (const char *p = s; *p && n < 7; p++)
		if (*p == ':')
			f[n++] = p + 1;
	if (n < 7 || f[2][0] == ':')
		return 0;
	*uid = strtoul(f[2], NULL, 10);
	return 1;
}

static const char *old_maps(const char *s, uintptr_t *lo, uintptr_t *hi)
{
	char *end;

	*lo = strtoul(s, &end, 16);
	*hi = strtoul(end + 1, NULL, 16);	/* s has two NULs: end + 1 is in it */
	return strchr(s, '/');
}

static void old_uid_map(const char *s, unsigned long v[3])
{
	char *end;

	for (int i = 0; i < 3; i++, s = end)
		v[i] = strtoul(s, &end, 10);
}

static int old_idle(const char *v)
{
	size_t n = strlen(v);

	return !(n > 8 || strspn(v, "0123456789") != n || strtoul(v, NULL, 10) > 31536000);
}

static int old_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* ---- one line, three ways: exact block b, the rest of the file r, and
 * the old code on the NUL-terminated copy c ---- */

static void fuzz_passwd(const char *b, size_t len, const char *r, size_t rlen, const char *c)
{
	struct procparse_pw pw, pr;
	const char *f[7];
	unsigned long uid = 0;
	int ok = old_passwd(c, &uid, f);
	int rc = procparse_passwd_line(b, len, &pw);

	FUZZ_CHECK(rc == 0 || rc == -EINVAL, "rc %d", rc);
	FUZZ_CHECK((rc == 0) == ok, "rc %d, old %d", rc, ok);
	FUZZ_CHECK(procparse_passwd_line(r, rlen, &pr) == rc, "the rest of the file");
	if (rc < 0)
		return;
	FUZZ_CHECK(WITHIN(pw.user, pw.user_len, b, len) && WITHIN(pw.home, pw.home_len, b, len),
		   "fields outside the line");
	FUZZ_CHECK(pw.uid == uid, "uid %lu, old %lu", pw.uid, uid);
	FUZZ_CHECK(pw.user_len == (size_t)(f[1] - 1 - f[0]) && pw.home - b == f[5] - c &&
		   pw.home_len == (size_t)(f[6] - 1 - f[5]), "fields differ from the old ones");
	FUZZ_CHECK(memchr(pw.user, ':', pw.user_len) == NULL &&
		   memchr(pw.home, ':', pw.home_len) == NULL, "a colon in a field");
	FUZZ_CHECK(pr.uid == pw.uid && pr.user_len == pw.user_len && pr.home - r == pw.home - b &&
		   pr.home_len == pw.home_len, "the rest of the file");
	check_digits(b + (f[2] - c), (size_t)(f[3] - 1 - f[2]), pw.uid);
}

static void fuzz_maps(const char *b, size_t len, const char *r, size_t rlen, const char *c)
{
	struct procparse_map m, mr;
	uintptr_t lo, hi;
	const char *path = old_maps(c, &lo, &hi);
	int rc = procparse_maps_line(b, len, &m);

	FUZZ_CHECK(rc == 0 || rc == -ENOENT, "rc %d", rc);
	FUZZ_CHECK((rc == 0) == (path != NULL), "rc %d, old path %d", rc, path != NULL);
	FUZZ_CHECK(procparse_maps_line(r, rlen, &mr) == rc, "the rest of the file");
	if (rc < 0)
		return;
	FUZZ_CHECK(WITHIN(m.path, m.path_len, b, len), "path outside the line");
	FUZZ_CHECK(m.path - b == path - c && m.path_len == strlen(path), "path differs");
	FUZZ_CHECK(m.lo == lo && m.hi == hi, "%#lx-%#lx, old %#lx-%#lx", (unsigned long)m.lo,
		   (unsigned long)m.hi, (unsigned long)lo, (unsigned long)hi);
	FUZZ_CHECK(m.path[0] == '/' && memchr(m.path, '\0', m.path_len) == NULL &&
		   memchr(m.path, '\n', m.path_len) == NULL, "not a path");
	FUZZ_CHECK(mr.lo == m.lo && mr.hi == m.hi && mr.path - r == m.path - b &&
		   mr.path_len == m.path_len, "the rest of the file");
}

static void fuzz_uid_map(const char *b, size_t len, const char *r, size_t rlen, const char *c)
{
	struct procparse_extent x, xr;
	unsigned long v[3];
	int n = procparse_uid_map_line(b, len, &x);
	const char *p = b;

	old_uid_map(c, v);
	FUZZ_CHECK(n >= 0 && n <= 3, "n %d", n);
	FUZZ_CHECK(x.first == v[0] && x.lower == v[1] && x.count == v[2],
		   "%lu %lu %lu, old %lu %lu %lu", x.first, x.lower, x.count, v[0], v[1], v[2]);
	FUZZ_CHECK((n > 0 || x.first == 0) && (n > 1 || x.lower == 0) && (n > 2 || x.count == 0),
		   "a missing number is not 0");
	FUZZ_CHECK(procparse_uid_map_line(r, rlen, &xr) == n && xr.first == x.first &&
		   xr.lower == x.lower && xr.count == x.count, "the rest of the file");
	/* "D D D": plain digits and single spaces read back the same */
	for (int i = 0; i < 3 && n == 3; i++) {
		const char *e = memchr(p, ' ', len - (size_t)(p - b));
		size_t k = e ? (size_t)(e - p) : len - (size_t)(p - b);

		if (!all_digits(p, k))
			break;
		check_digits(p, k, i == 0 ? x.first : i == 1 ? x.lower : x.count);
		if (!e)
			break;
		p = e + 1;
	}
}

static void fuzz_unix(const char *b, size_t len, const char *r, size_t rlen, const char *c)
{
	struct procparse_unix u, ur;
	int rc = procparse_unix_line(b, len, &u), fields = 0;

	(void)c;
	FUZZ_CHECK(rc == 0 || rc == -ENOENT, "rc %d", rc);
	FUZZ_CHECK(procparse_unix_line(r, rlen, &ur) == rc, "the rest of the file");
	if (rc < 0)
		return;
	FUZZ_CHECK(WITHIN(u.name, u.name_len, b, len), "name outside the line");
	FUZZ_CHECK(u.name - b >= 2 && u.name[-2] == ' ' && u.name[-1] == '@', "no ' @' before it");
	/* seven fields before the name's space, none of them empty */
	for (const char *p = b; p < u.name - 2; p++)
		fields += *p != ' ' && (p == b || p[-1] == ' ');
	FUZZ_CHECK(fields == 7, "%d fields before the name", fields);
	FUZZ_CHECK(u.name_len == (size_t)(b + len - u.name) || u.name[u.name_len] == '\n' ||
		   u.name[u.name_len] == '\0', "name cut short");
	FUZZ_CHECK(!u.listening || memmem(b, len, "00010000", 8) != NULL, "listening from what");
	FUZZ_CHECK(ur.name - r == u.name - b && ur.name_len == u.name_len &&
		   ur.listening == u.listening, "the rest of the file");
}

static void fuzz_env(const char *b, size_t len, const char *c)
{
	unsigned long secs = 0;
	int rc = procparse_idle(b, len, &secs);
	int nul = memchr(b, '\0', len) != NULL;

	FUZZ_CHECK(rc == 0 || rc == -EINVAL, "rc %d", rc);
	if (!nul && len > 0)	/* the old code saw strings: no NUL, not empty */
		FUZZ_CHECK((rc == 0) == old_idle(c), "rc %d", rc);
	FUZZ_CHECK(rc < 0 || (!nul && secs <= PROCPARSE_IDLE_MAX &&
			      secs == strtoul(c, NULL, 10)), "secs %lu", secs);
	if (rc == 0) {
		size_t z = 0;

		while (z + 1 < len && b[z] == '0')
			z++;
		check_digits(b + z, len - z, secs);
	}
	rc = procparse_printable(b, len);
	FUZZ_CHECK(rc == (!nul && old_printable(c)), "printable %d", rc);
}

/* One line at data[0..len) (the file goes on to rest): three ways. */
static void one_line(unsigned pick, const char *line, size_t len, size_t rest)
{
	static void (*const fns[])(const char *, size_t, const char *, size_t, const char *) = {
		fuzz_passwd, fuzz_maps, fuzz_uid_map, fuzz_unix,
	};
	char *b = malloc(len ? len : 1), *c = malloc(len + 2);

	FUZZ_CHECK(b && c, "malloc");
	memcpy(b, line, len);
	memcpy(c, line, len);
	c[len] = c[len + 1] = '\0';
	if (pick < 4)
		fns[pick](b, len, line, rest, c);
	else
		fuzz_env(b, len, c);
	free(b);
	free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data + 1, *end = (const char *)data + size;
	unsigned pick;

	if (size == 0)
		return 0;
	pick = data[0] % 5;
	if (pick == 4) {	/* an environment value: all of it */
		one_line(pick, s, size - 1, size - 1);
		return 0;
	}
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);

		one_line(pick, s, len, (size_t)(end - s));
		s += len + (nl != NULL);
	}
	return 0;
}
