/* tracerd/progparse.c: the attach event's command line (bytes the
 * program chooses) and the status's Uid: line, normal and hostile. Each
 * input sits in a heap block of exactly its length (plus the one byte the
 * cmdline rewrite may use), so that valgrind reports a read past it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "progparse.h"

/* A heap copy of n bytes with room for one more. */
static char *copy(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	assert_non_null(p);
	memcpy(p, s, n);
	return p;
}

/* cmdline of the n bytes at s: the result is want, cut as said. */
static void expect_cmdline(const char *s, size_t n, const char *want, bool want_cut)
{
	char *p = copy(s, n);
	bool cut = !want_cut;
	size_t len = progparse_cmdline(p, n, &cut);

	assert_int_equal(len, strlen(want));
	assert_memory_equal(p, want, len + 1);
	assert_int_equal(cut, want_cut);
	free(p);
}

#define CMD(lit, want, cut) expect_cmdline((lit), sizeof(lit) - 1, (want), (cut))

static void test_cmdline_joined(void **state)
{
	(void)state;
	CMD("mkdir\0-p\0/tmp/a\0", "mkdir -p /tmp/a", false);
	CMD("true\0", "true", false);
	/* an empty argument stays (two spaces; one at the end) */
	CMD("a\0\0b\0", "a  b", false);
	CMD("a\0\0", "a ", false);
	/* only the last argument's NUL is dropped: a title padded with NULs */
	CMD("title\0\0\0", "title  ", false);
	/* no NUL at the end (a rewritten title): kept whole */
	CMD("no-nul", "no-nul", false);
	/* bytes a program chooses pass as they are (json.c escapes them) */
	CMD("x\n\"\xff\x01\0", "x\n\"\xff\x01", false);
	CMD("", "", false);
	CMD("\0", "", false);
}

/* len bytes of 'a' as one argument, with its NUL: read whole when
 * short enough, else cut at the read size as proc_read does. */
static void arg_of(size_t len, bool want_cut)
{
	size_t total = len + 1, n = total < PROGPARSE_CMDLINE_READ ? total : PROGPARSE_CMDLINE_READ;
	char *p = malloc(PROGPARSE_CMDLINE_READ + 1);
	bool cut = false;

	assert_non_null(p);
	memset(p, 'a', n);
	if (total <= PROGPARSE_CMDLINE_READ)
		p[len] = '\0';
	assert_int_equal(progparse_cmdline(p, n, &cut),
			 len < PROGPARSE_CMDLINE_MAX ? len : PROGPARSE_CMDLINE_MAX);
	assert_int_equal(cut, want_cut);
	assert_int_equal(strlen(p), len < PROGPARSE_CMDLINE_MAX ? len : PROGPARSE_CMDLINE_MAX);
	free(p);
}

static void test_cmdline_cut(void **state)
{
	(void)state;
	arg_of(1023, false);
	arg_of(1024, false);	/* exactly the limit */
	arg_of(1025, true);
	arg_of(1026, true);	/* fills the read */
	arg_of(5000, true);
	{
		/* 1024 bytes and a second argument: the space makes it 1025+ */
		char *p = malloc(PROGPARSE_CMDLINE_READ + 1);
		bool cut = false;

		assert_non_null(p);
		memset(p, 'b', PROGPARSE_CMDLINE_READ);
		p[1024] = '\0';		/* then "b" and its NUL: read 1026 of 1027 */
		assert_int_equal(progparse_cmdline(p, PROGPARSE_CMDLINE_READ, &cut), 1024);
		assert_true(cut);
		free(p);
	}
}

static int fsuid_of(const char *s, size_t n, uid_t *u)
{
	char *p = copy(s, n);
	int r = progparse_fsuid(p, n, u);

	free(p);
	return r;
}

#define UID(lit, u) fsuid_of((lit), sizeof(lit) - 1, (u))

static void test_fsuid(void **state)
{
	uid_t u = 7;

	(void)state;
	assert_int_equal(UID("Name:\tmkdir\nUmask:\t0022\nUid:\t1000\t1001\t1002\t1003\nGid:\t0\n",
			     &u), 0);
	assert_int_equal(u, 1003);
	assert_int_equal(UID("Name:\tx\nUid:\t0\t0\t0\t4294967294\n", &u), 0);
	assert_int_equal(u, 4294967294u);
	/* hostile or cut: refused, u untouched */
	u = 7;
	assert_int_equal(UID("Uid:\t1\t2\t3\t4\n", &u), -EINVAL);	/* not after a newline */
	assert_int_equal(UID("Name:\tx\nUid:\t1\t2\t3\t4", &u), -EINVAL);	/* cut: 4 may be 40 */
	assert_int_equal(UID("Name:\tx\nUid:\t1\t2\t3\n", &u), -EINVAL);
	assert_int_equal(UID("Name:\tx\nUid:\t1\t2\t3\t\n", &u), -EINVAL);
	assert_int_equal(UID("Name:\tx\nUid:\t1\t2\t3\t-4\n", &u), -EINVAL);
	assert_int_equal(UID("Name:\tx\nUid:\t1\t2\t3\t4294967296\n", &u), -EINVAL);
	assert_int_equal(UID("Name:\tx\nUid:\t1\t2\t3\t99999999999999999999\n", &u), -EINVAL);
	assert_int_equal(UID("Name:\tx\nUid:\t1\t2\t3\t4x\n", &u), -EINVAL);
	assert_int_equal(UID("Name:\tx\nUid:", &u), -EINVAL);
	assert_int_equal(UID("", &u), -EINVAL);
	assert_int_equal(u, 7);
	/* a name that looks like the line is escaped by the kernel; the
	 * first line after a newline counts */
	assert_int_equal(UID("Name:\ta\\nUid:\t9\t9\t9\t9\nUid:\t5\t5\t5\t6\n", &u), 0);
	assert_int_equal(u, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmdline_joined),
		cmocka_unit_test(test_cmdline_cut),
		cmocka_unit_test(test_fsuid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
