/* shim/procparse.c: the text autostart reads (/etc/passwd, /proc/self/maps,
 * /proc/self/uid_map, /proc/net/unix, NOTIF_AUTOSTART_IDLE), normal and
 * hostile. Every input is copied into a heap block of exactly its length
 * (no NUL after it), so that valgrind reports a read past the end. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "procparse.h"

static char *held[64];
static size_t nheld;

/* The n bytes of s in a block of exactly n bytes, freed after the test. */
static const char *exact(const char *s, size_t n)
{
	char *p = malloc(n ? n : 1);

	assert_non_null(p);
	assert_true(nheld < UNIT_LEN(held));
	memcpy(p, s, n);
	held[nheld++] = p;
	return p;
}

/* A literal, embedded NULs and all (not its final NUL). */
#define LIT(s) exact((s), sizeof(s) - 1), sizeof(s) - 1

static int release(void **state)
{
	(void)state;
	while (nheld > 0)
		free(held[--nheld]);
	return 0;
}

/* p[0..n) lies within b[0..len) */
static void assert_within(const char *p, size_t n, const char *b, size_t len)
{
	assert_true(p >= b && p <= b + len && n <= len - (size_t)(p - b));
}

/* p[0..n) is the string want */
#define assert_field(p, n, want)						\
	do {									\
		assert_int_equal((n), strlen(want));				\
		if (strlen(want) > 0)						\
			assert_memory_equal((p), (want), strlen(want));		\
	} while (0)

static void test_passwd_normal(void **state)
{
	struct procparse_pw pw;
	const char *b;
	size_t n;

	(void)state;
	n = strlen("root:x:0:0:root:/root:/bin/bash\n");
	b = exact("root:x:0:0:root:/root:/bin/bash\n", n);
	assert_int_equal(procparse_passwd_line(b, n, &pw), 0);
	assert_int_equal(pw.uid, 0);
	assert_field(pw.user, pw.user_len, "root");
	assert_field(pw.home, pw.home_len, "/root");
	assert_within(pw.home, pw.home_len, b, n);
	/* no newline at the end: the same */
	assert_int_equal(procparse_passwd_line(LIT("root:x:0:0:root:/root:/bin/bash"), &pw), 0);
	assert_field(pw.home, pw.home_len, "/root");
	/* another uid (the caller skips it and reads on) */
	assert_int_equal(procparse_passwd_line(LIT("daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin"),
					       &pw), 0);
	assert_int_equal(pw.uid, 1);
	assert_field(pw.user, pw.user_len, "daemon");
	assert_int_equal(procparse_passwd_line(LIT("nobody:x:65534:65534::/nonexistent:/bin/false"),
					       &pw), 0);
	assert_int_equal(pw.uid, 65534);
	assert_field(pw.home, pw.home_len, "/nonexistent");
	/* a whole file: its first line only */
	assert_int_equal(procparse_passwd_line(LIT("a:x:1:1::/a:/bin/sh\nroot:x:0:0::/root:/bin/sh\n"),
					       &pw), 0);
	assert_int_equal(pw.uid, 1);
	assert_field(pw.home, pw.home_len, "/a");
	/* the shell is the rest of the line, colons and all */
	assert_int_equal(procparse_passwd_line(LIT("u:x:7:7:g:/h:/bin/sh:more:x"), &pw), 0);
	assert_field(pw.home, pw.home_len, "/h");
	/* empty fields (the caller wants an absolute home; it is "" here) */
	assert_int_equal(procparse_passwd_line(LIT(":::0:::"), &pw), -EINVAL);
	assert_int_equal(procparse_passwd_line(LIT("::5:0:::"), &pw), 0);
	assert_int_equal(pw.user_len, 0);
	assert_int_equal(pw.home_len, 0);
	assert_int_equal(procparse_passwd_line(LIT("u:x:5:5::relative:/bin/sh"), &pw), 0);
	assert_field(pw.home, pw.home_len, "relative");
}

static void test_passwd_hostile(void **state)
{
	struct procparse_pw pw = { .uid = 42 };
	static char longhome[3000];

	(void)state;
	/* missing fields, an empty uid, nothing */
	assert_int_equal(procparse_passwd_line(LIT("root:x:0:0:root:/root"), &pw), -EINVAL);
	assert_int_equal(procparse_passwd_line(LIT("root:x:0"), &pw), -EINVAL);
	assert_int_equal(procparse_passwd_line(LIT("root:x::0:root:/root:/bin/sh"), &pw), -EINVAL);
	assert_int_equal(procparse_passwd_line(LIT(""), &pw), -EINVAL);
	assert_int_equal(procparse_passwd_line(LIT("\n"), &pw), -EINVAL);
	assert_int_equal(procparse_passwd_line(NULL, 0, &pw), -EINVAL);
	assert_int_equal(pw.uid, 42);	/* untouched on failure */
	/* a NUL ends the line: here before the sixth colon */
	assert_int_equal(procparse_passwd_line(LIT("root:x:0:0:root:/ro\0ot:/bin/sh"), &pw), -EINVAL);
	assert_int_equal(procparse_passwd_line(LIT("root:x:0:0::/root:/bin/sh\0:x:1:1::/evil:"), &pw),
			 0);
	assert_field(pw.home, pw.home_len, "/root");
	/* the newline ends it too */
	assert_int_equal(procparse_passwd_line(LIT("root:x:0:0::/root\n:/bin/sh"), &pw), -EINVAL);
	/* numbers out of range: never wrapped onto a small uid */
	assert_int_equal(procparse_passwd_line(LIT("big:x:4294967296:0::/big:/bin/sh"), &pw), 0);
	assert_true(pw.uid != 0);
	assert_int_equal(procparse_passwd_line(LIT("big:x:99999999999999999999999999:0::/b:/s"), &pw),
			 0);
	assert_true(pw.uid == ULONG_MAX);
	/* strtoul's lenience, kept as it was: space, sign, trailing text */
	assert_int_equal(procparse_passwd_line(LIT("a:x: 7:0::/a:/s"), &pw), 0);
	assert_int_equal(pw.uid, 7);
	assert_int_equal(procparse_passwd_line(LIT("a:x:+7:0::/a:/s"), &pw), 0);
	assert_int_equal(pw.uid, 7);
	assert_int_equal(procparse_passwd_line(LIT("a:x:7z:0::/a:/s"), &pw), 0);
	assert_int_equal(pw.uid, 7);
	assert_int_equal(procparse_passwd_line(LIT("a:x:007:0::/a:/s"), &pw), 0);
	assert_int_equal(pw.uid, 7);
	/* an over-long home: all of it, for the caller to refuse */
	memset(longhome, 'h', sizeof(longhome));
	memcpy(longhome, "u:x:0:0::/", 10);
	memcpy(longhome + sizeof(longhome) - 8, ":/bin/sh", 8);
	assert_int_equal(procparse_passwd_line(exact(longhome, sizeof(longhome)), sizeof(longhome),
					       &pw), 0);
	assert_int_equal(pw.home_len, sizeof(longhome) - 8 - 9);
}

static void test_maps(void **state)
{
	struct procparse_map m = { .lo = 1 };
	const char *b, *t = "7f25c1a00000-7f25c1a1c000 r-xp 00002000 08:01 1312   /usr/lib/libnotif.so\n";
	size_t n = strlen(t);

	(void)state;
	b = exact(t, n);
	assert_int_equal(procparse_maps_line(b, n, &m), 0);
	assert_true(m.lo == (uintptr_t)0x7f25c1a00000ULL && m.hi == (uintptr_t)0x7f25c1a1c000ULL);
	assert_field(m.path, m.path_len, "/usr/lib/libnotif.so");
	assert_within(m.path, m.path_len, b, n);
	/* another file, then an anonymous map, [heap], a deleted file */
	assert_int_equal(procparse_maps_line(LIT("1000-2000 r--p 00000000 08:01 7 /usr/bin/x"), &m),
			 0);
	assert_true(m.lo == 0x1000 && m.hi == 0x2000);
	assert_field(m.path, m.path_len, "/usr/bin/x");
	m.lo = 99;
	assert_int_equal(procparse_maps_line(LIT("3000-4000 rw-p 00000000 00:00 0 "), &m), -ENOENT);
	assert_int_equal(procparse_maps_line(LIT("5000-6000 rw-p 00000000 00:00 0 [heap]"), &m),
			 -ENOENT);
	assert_true(m.lo == 99);
	assert_int_equal(procparse_maps_line(LIT("1000-2000 r-xp 0 08:01 7 /tmp/l.so (deleted)"), &m),
			 0);
	assert_field(m.path, m.path_len, "/tmp/l.so (deleted)");
	/* a path with a newline is cut there, as the line reader would */
	assert_int_equal(procparse_maps_line(LIT("1000-2000 r-xp 0 0:0 7 /a\n3000-4000 r 0 0:0 7 /b"),
					     &m), 0);
	assert_field(m.path, m.path_len, "/a");
}

static void test_maps_hostile(void **state)
{
	struct procparse_map m;

	(void)state;
	assert_int_equal(procparse_maps_line(LIT(""), &m), -ENOENT);
	assert_int_equal(procparse_maps_line(NULL, 0, &m), -ENOENT);
	assert_int_equal(procparse_maps_line(LIT("1000-2000 r-xp 0 0:0 0 \0/lib/x.so"), &m), -ENOENT);
	/* no dash: hi is read after the character that ended lo */
	assert_int_equal(procparse_maps_line(LIT("1000 2000 /x"), &m), 0);
	assert_true(m.lo == 0x1000 && m.hi == 0x2000);
	assert_int_equal(procparse_maps_line(LIT("1000/x"), &m), 0);
	assert_true(m.lo == 0x1000 && m.hi == 0);
	assert_field(m.path, m.path_len, "/x");
	assert_int_equal(procparse_maps_line(LIT("/"), &m), 0);
	assert_true(m.lo == 0 && m.hi == 0);
	assert_field(m.path, m.path_len, "/");
	assert_int_equal(procparse_maps_line(LIT("zz-1000 /x"), &m), 0);
	assert_true(m.lo == 0 && m.hi == 0);
	/* strtoul's 0x, and a bare 0x (0, ending at the x) */
	assert_int_equal(procparse_maps_line(LIT("0x10-0X20 /x"), &m), 0);
	assert_true(m.lo == 0x10 && m.hi == 0x20);
	assert_int_equal(procparse_maps_line(LIT("0x-30 /x"), &m), 0);
	assert_true(m.lo == 0 && m.hi == (uintptr_t)-0x30);
	/* numbers out of range saturate */
	assert_int_equal(procparse_maps_line(LIT("fffffffffffffffffffff-1 /x"), &m), 0);
	assert_true(m.lo == (uintptr_t)ULONG_MAX && m.hi == 1);
}

static void test_uid_map(void **state)
{
	struct procparse_extent x;

	(void)state;
	/* the initial namespace, as the kernel prints it */
	assert_int_equal(procparse_uid_map_line(LIT("         0          0 4294967295\n"), &x), 3);
	assert_true(x.first == 0 && x.lower == 0 && x.count == 4294967295UL);
	assert_int_equal(procparse_uid_map_line(LIT("0 0 4294967295"), &x), 3);
	assert_true(x.count == 4294967295UL);
	/* nested ones */
	assert_int_equal(procparse_uid_map_line(LIT("         0       1000          1\n"), &x), 3);
	assert_true(x.first == 0 && x.lower == 1000 && x.count == 1);
	assert_int_equal(procparse_uid_map_line(LIT("0 100000 65536\n1000 1000 1\n"), &x), 3);
	assert_true(x.first == 0 && x.lower == 100000 && x.count == 65536);
	assert_int_equal(procparse_uid_map_line(LIT("0 0 4294967294"), &x), 3);
	assert_true(x.count == 4294967294UL);
}

static void test_uid_map_hostile(void **state)
{
	struct procparse_extent x;

	(void)state;
	/* missing numbers read as 0 */
	assert_int_equal(procparse_uid_map_line(LIT(""), &x), 0);
	assert_true(x.first == 0 && x.lower == 0 && x.count == 0);
	assert_int_equal(procparse_uid_map_line(NULL, 0, &x), 0);
	assert_int_equal(procparse_uid_map_line(LIT("0 0"), &x), 2);
	assert_true(x.count == 0);
	assert_int_equal(procparse_uid_map_line(LIT("0 0\n4294967295"), &x), 2);
	assert_int_equal(procparse_uid_map_line(LIT("0 0\0 4294967295"), &x), 2);
	assert_int_equal(procparse_uid_map_line(LIT("x 0 4294967295"), &x), 0);
	assert_true(x.lower == 0 && x.count == 0);
	/* out of range: not the initial count */
	assert_int_equal(procparse_uid_map_line(LIT("0 0 4294967296"), &x), 3);
#if ULONG_MAX > 0xffffffffUL
	assert_true(x.count == 4294967296UL);
	assert_int_equal(procparse_uid_map_line(LIT("0 0 -1"), &x), 3);
	assert_true(x.count == ULONG_MAX && x.count != 4294967295UL);
#endif
	assert_int_equal(procparse_uid_map_line(LIT("0 0 999999999999999999999999"), &x), 3);
	assert_true(x.count == ULONG_MAX);
	/* trailing text after the third number is not looked at (strtoul) */
	assert_int_equal(procparse_uid_map_line(LIT("0 0 4294967295 junk"), &x), 3);
	assert_true(x.count == 4294967295UL);
}

static void test_unix(void **state)
{
	struct procparse_unix u = { .listening = 7 };
	const char *b, *t = "0000000000000000: 00000002 00000000 00010000 0001 01 31337 @tracerd-1000\n";
	size_t n = strlen(t);

	(void)state;
	assert_int_equal(procparse_unix_line(LIT("Num       RefCount Protocol Flags    Type St Inode Path\n"),
					     &u), -ENOENT);
	assert_int_equal(u.listening, 7);
	b = exact(t, n);
	assert_int_equal(procparse_unix_line(b, n, &u), 0);
	assert_int_equal(u.listening, 1);
	assert_field(u.name, u.name_len, "tracerd-1000");
	assert_within(u.name, u.name_len, b, n);
	/* connected, not listening */
	assert_int_equal(procparse_unix_line(
		LIT("0000000000000000: 00000003 00000000 00000000 0001 03 31338 @tracerd-1000"), &u), 0);
	assert_int_equal(u.listening, 0);
	/* without a name, with a path */
	assert_int_equal(procparse_unix_line(
		LIT("0000000000000000: 00000002 00000000 00010000 0001 01 31339"), &u), -ENOENT);
	assert_int_equal(procparse_unix_line(
		LIT("0000000000000000: 00000002 00000000 00010000 0001 01 31340 /run/x.sock"), &u),
		-ENOENT);
	/* tracerd's name "@x" (TRACERD_SOCKET=@@x) is printed " @@x" */
	assert_int_equal(procparse_unix_line(
		LIT("0000000000000000: 00000002 00000000 00010000 0001 01 31341 @@x"), &u), 0);
	assert_field(u.name, u.name_len, "@x");
	assert_int_equal(procparse_unix_line(
		LIT("0000000000000000: 00000002 00000000 00010000 0001 01 31342 @"), &u), 0);
	assert_int_equal(u.name_len, 0);	/* an empty name: no tracerd's */
	assert_int_equal(procparse_unix_line(
		LIT("0000000000000000: 00000002 00000000 00010000 0001 01 31343 @@"), &u), 0);
	assert_field(u.name, u.name_len, "@");
}

static void test_unix_hostile(void **state)
{
	struct procparse_unix u;

	(void)state;
	assert_int_equal(procparse_unix_line(LIT(""), &u), -ENOENT);
	assert_int_equal(procparse_unix_line(NULL, 0, &u), -ENOENT);
	/* an abstract name is the path field: spaces in it are its own */
	assert_int_equal(procparse_unix_line(
		LIT("0000000000000000: 00000002 00000000 00010000 0001 01 1 @a @b"), &u), 0);
	assert_field(u.name, u.name_len, "a @b");
	/* a file path containing " @x" (anyone can bind one) names nothing */
	assert_int_equal(procparse_unix_line(
		LIT("0000000000000000: 00000002 00000000 00010000 0001 01 1 /tmp/a @x"), &u), -ENOENT);
	/* the inode padded with spaces (%5lu) */
	assert_int_equal(procparse_unix_line(
		LIT("0000000000000000: 00000002 00000000 00010000 0001 01    42 @x"), &u), 0);
	assert_field(u.name, u.name_len, "x");
	assert_int_equal(u.listening, 1);
	/* too few fields; Flags not exactly 00010000; NUL and newline in the name */
	assert_int_equal(procparse_unix_line(LIT("x @name"), &u), -ENOENT);
	assert_int_equal(procparse_unix_line(LIT("a b c 00010000 @n"), &u), -ENOENT);
	assert_int_equal(procparse_unix_line(LIT("a b c 00010000 e f g"), &u), -ENOENT);
	assert_int_equal(procparse_unix_line(LIT("a b c 0001000 e f g @n"), &u), 0);
	assert_int_equal(u.listening, 0);
	assert_int_equal(procparse_unix_line(LIT("a b c 000100009 e f g @n"), &u), 0);
	assert_int_equal(u.listening, 0);
	assert_int_equal(procparse_unix_line(LIT("a b c 00010000 e f g @n"), &u), 0);
	assert_int_equal(u.listening, 1);
	assert_int_equal(procparse_unix_line(LIT("a b c 00010000 e f g @trac\0erd"), &u), 0);
	assert_field(u.name, u.name_len, "trac");
	assert_int_equal(procparse_unix_line(LIT("a b c 00010000 e f g @trac\nerd"), &u), 0);
	assert_field(u.name, u.name_len, "trac");
	assert_int_equal(procparse_unix_line(LIT("a b c 00010000 e f g \0@n"), &u), -ENOENT);
}

static void test_idle(void **state)
{
	unsigned long s = 99;

	(void)state;
	assert_int_equal(procparse_idle(LIT("60"), &s), 0);
	assert_int_equal(s, 60);
	assert_int_equal(procparse_idle(LIT("0"), &s), 0);
	assert_int_equal(s, 0);
	assert_int_equal(procparse_idle(LIT("31536000"), &s), 0);
	assert_int_equal(s, 31536000);
	assert_int_equal(procparse_idle(LIT("00000060"), &s), 0);
	assert_int_equal(s, 60);
	s = 99;
	assert_int_equal(procparse_idle(LIT("31536001"), &s), -EINVAL);
	assert_int_equal(procparse_idle(LIT("99999999"), &s), -EINVAL);
	assert_int_equal(procparse_idle(LIT("000000060"), &s), -EINVAL);
	assert_int_equal(procparse_idle(LIT(""), &s), -EINVAL);
	assert_int_equal(procparse_idle(LIT("-1"), &s), -EINVAL);
	assert_int_equal(procparse_idle(LIT(" 1"), &s), -EINVAL);
	assert_int_equal(procparse_idle(LIT("1 "), &s), -EINVAL);
	assert_int_equal(procparse_idle(LIT("6O"), &s), -EINVAL);
	assert_int_equal(procparse_idle(LIT("6\0"), &s), -EINVAL);
	assert_int_equal(procparse_idle(LIT("soon"), &s), -EINVAL);
	assert_int_equal(s, 99);
}

static void test_printable(void **state)
{
	(void)state;
	assert_int_equal(procparse_printable(LIT("C.UTF-8")), 1);
	assert_int_equal(procparse_printable(LIT("")), 1);
	assert_int_equal(procparse_printable(LIT("fr_FR.ISO-8859-1@euro \xe9")), 1);
	assert_int_equal(procparse_printable(LIT("a\tb")), 0);
	assert_int_equal(procparse_printable(LIT("a\x7f")), 0);
	assert_int_equal(procparse_printable(LIT("a\x1b[31m")), 0);
	assert_int_equal(procparse_printable(LIT("a\0")), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_passwd_normal, release),
		cmocka_unit_test_teardown(test_passwd_hostile, release),
		cmocka_unit_test_teardown(test_maps, release),
		cmocka_unit_test_teardown(test_maps_hostile, release),
		cmocka_unit_test_teardown(test_uid_map, release),
		cmocka_unit_test_teardown(test_uid_map_hostile, release),
		cmocka_unit_test_teardown(test_unix, release),
		cmocka_unit_test_teardown(test_unix_hostile, release),
		cmocka_unit_test_teardown(test_idle, release),
		cmocka_unit_test_teardown(test_printable, release),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
