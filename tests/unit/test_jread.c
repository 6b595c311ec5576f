/* The reader of log lines (tracerd/jread.c): what json.c writes reads
 * back byte for byte; anything else in the grammar's neighbourhood is
 * refused, and stays refused. */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "jread.h"
#include "json.h"

/* Read all members of s into ms; the last jr_next's result. */
static int read_all(const char *s, struct jr_member *ms, unsigned max, unsigned *n)
{
	struct jr_line l;
	int r;

	*n = 0;
	if (jr_begin(&l, s, strlen(s)) < 0)
		return -EINVAL;
	while (*n < max && (r = jr_next(&l, &ms[*n])) == 1)
		(*n)++;
	return *n == max ? jr_next(&l, &ms[0]) : r;
}

static void test_members(void **state)
{
	struct jr_member m[8];
	char buf[64];
	unsigned n;

	(void)state;
	assert_int_equal(read_all(" {\"ts\":\"2026\", \"pid\":-42,\"ok\":true,\"no\":false,"
				  "\"errno\":null}\n", m, 8, &n), 0);
	assert_int_equal(n, 5);
	assert_string_equal(m[0].key, "ts");
	assert_int_equal(m[0].kind, JR_STRING);
	assert_int_equal(jr_string(&m[0], buf, sizeof(buf)), 4);
	assert_string_equal(buf, "2026");
	assert_int_equal(m[1].kind, JR_INT);
	assert_int_equal(m[1].v, -42);
	assert_int_equal(m[1].rawlen, 3);
	assert_int_equal(m[2].kind, JR_BOOL);
	assert_int_equal(m[2].v, 1);
	assert_int_equal(m[3].v, 0);
	assert_int_equal(m[4].kind, JR_NULL);
	assert_int_equal(jr_string(&m[4], buf, sizeof(buf)), 0);	/* not a string */
	assert_int_equal(read_all("{}", m, 8, &n), 0);
	assert_int_equal(n, 0);
}

static void test_escapes(void **state)
{
	struct jr_member m[2];
	char buf[32];
	unsigned n;

	(void)state;
	assert_int_equal(read_all("{\"p\":\"a\\n\\\"\\u00e9\\udcff\\ud83d\\ude00\\u0000z\"}", m, 2, &n),
			 0);
	assert_int_equal(jr_string(&m[0], buf, sizeof(buf)), 12);
	assert_memory_equal(buf, "a\n\"\xc3\xa9\xff\xf0\x9f\x98\x80\0z", 12);
	/* cut: the full length is still said */
	assert_int_equal(jr_string(&m[0], buf, 4), 12);
	assert_string_equal(buf, "a\n\"");
	assert_int_equal(jr_string(&m[0], NULL, 0), 12);
}

/* What json.c writes from any bytes reads back as those bytes. */
static void test_round_trip(void **state)
{
	unsigned char in[256];
	char line[2048], out[300];
	struct jbuf j;
	struct jr_line l;
	struct jr_member m;
	int len;

	(void)state;
	for (unsigned i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(255 - i);
	json_begin(&j, line, sizeof(line));
	json_key_str(&j, "path", (const char *)in, sizeof(in));
	len = json_end(&j);
	assert_true(len > 0);
	assert_int_equal(jr_begin(&l, line, (size_t)len), 0);
	assert_int_equal(jr_next(&l, &m), 1);
	assert_int_equal(jr_string(&m, out, sizeof(out)), sizeof(in));
	assert_memory_equal(out, in, sizeof(in));
	assert_int_equal(jr_next(&l, &m), 0);
	assert_int_equal(jr_next(&l, &m), 0);	/* the end stays the end */
}

static void test_refused(void **state)
{
	static const char *const bad[] = {
		"", "[]", "{", "{\"a\":1", "{\"a\":1}x", "{\"a\":1,}", "{,}", "{\"a\" 1}",
		"{\"a\":1,\"a\":2}",		/* a duplicate */
		"{\"a\":{}}", "{\"a\":[1]}",	/* nested */
		"{\"a\":01}", "{\"a\":1.5}", "{\"a\":1e3}", "{\"a\":-}", "{\"a\":tru}",
		"{\"a\":\"\x01\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}",
		"{\"a\":\"\xc3\"}", "{\"a\":\"\xed\xa0\x80\"}", "{a:1}", "{\"a\\u0000b\":1}",
		"{\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\":1}",
		"{\"a\":\"unterminated}",
	};
	struct jr_member m[4];
	unsigned n;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (read_all(bad[i], m, 4, &n) != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
		assert_false(jr_valid(bad[i], strlen(bad[i])));
	}
}

/* A refused line stays refused; the reader never goes past n. */
static void test_sticky_and_bounded(void **state)
{
	struct jr_line l;
	struct jr_member m;
	const char *s = "{\"a\":1,\"b\":2}";

	(void)state;
	assert_int_equal(jr_begin(&l, "{\"a\":1 \"b\":2}", 14), 0);
	assert_int_equal(jr_next(&l, &m), 1);
	assert_int_equal(jr_next(&l, &m), -EINVAL);
	assert_int_equal(jr_next(&l, &m), -EINVAL);
	for (size_t n = 0; n < strlen(s); n++)
		assert_false(jr_valid(s, n));
	assert_true(jr_valid(s, strlen(s)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_members),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_sticky_and_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
