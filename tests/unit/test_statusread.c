/* tracerd/statusread.c (the client's reading of a status answer) and
 * tracerd/procstat.c (a process's start time): good answers, and hostile
 * ones: not lines, a header missing or of the wrong kind, nesting, wrong
 * types, negative counts, a NUL and bytes that are not UTF-8 in strings;
 * /proc/PID/stat with a comm of ')' and spaces, too few fields, overflow. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "procstat.h"
#include "statusread.h"

#define HEAD "{\"tracerd\":\"status\",\"pid\":7,\"version\":\"0.1.0\",\"started\":\"2026-01-01T00:00:00.000000Z\"," \
	     "\"uptime_ms\":5,\"socket\":\"@s\",\"threads\":4,\"busy\":1,\"parked\":1,\"stalled\":0," \
	     "\"programs\":2,\"listed\":2,\"emulated\":6,\"denied\":3,\"error\":0,\"lost\":0," \
	     "\"lost_records\":1,\"roots\":1,\"outputs\":1}\n"

static int parse(const char *text, struct status_view *v)
{
	char err[128];
	int r = statusread_parse(text, strlen(text), v, err, sizeof(err));

	if (r < 0)
		assert_true(strlen(err) > 0);
	return r;
}

static void test_good(void **state)
{
	struct status_view v;

	(void)state;
	assert_int_equal(parse(HEAD "{\"root\":\"/tmp\"}\n"
			       "{\"output\":\"/l\",\"lost_records\":1}\n"
			       "{\"attach\":1,\"pid\":10,\"exe\":\"/bin/a\\u0000b\",\"since\":\"x\",\"calls\":3}\n"
			       "{\"attach\":2,\"pid\":11,\"exe\":null,\"since\":\"y\",\"calls\":0}\n"
			       "{\"newer\":\"kind\",\"n\":[1]}\n", &v), -EINVAL);	/* nested */
	statusread_free(&v);
	assert_int_equal(parse(HEAD "{\"root\":\"/tmp\"}\n"
			       "{\"output\":\"/l\",\"lost_records\":1}\n"
			       "{\"attach\":1,\"pid\":10,\"exe\":\"/bin/a\\u0000b\",\"since\":\"x\",\"calls\":3}\n"
			       "{\"attach\":2,\"pid\":11,\"exe\":null,\"since\":\"y\",\"calls\":0}\n"
			       "{\"newer\":\"kind\",\"n\":1}\n", &v), 0);
	assert_int_equal(v.n[ST_PID], 7);
	assert_int_equal(v.n[ST_EMULATED], 6);
	assert_int_equal(v.n[ST_LOST_RECORDS], 1);
	assert_string_equal(v.version.s, "0.1.0");
	assert_int_equal(v.nroots, 1);
	assert_string_equal(v.roots[0].s, "/tmp");
	assert_int_equal(v.noutputs, 1);
	assert_int_equal(v.outputs[0].lost_records, 1);
	assert_int_equal(v.nprogs, 2);
	assert_int_equal(v.progs[0].exe.n, 8);	/* the NUL kept, by length */
	assert_memory_equal(v.progs[0].exe.s, "/bin/a\0b", 8);
	assert_null(v.progs[1].exe.s);
	assert_int_equal(v.progs[0].calls, 3);
	statusread_free(&v);
	/* bytes that are not UTF-8, as tracerd escapes them */
	assert_int_equal(parse(HEAD "{\"root\":\"/t\\udcff\"}\n", &v), 0);
	assert_int_equal(v.roots[0].n, 3);
	assert_int_equal((unsigned char)v.roots[0].s[2], 0xff);
	statusread_free(&v);
}

static void test_hostile(void **state)
{
	static const char *const bad[] = {
		"",
		"\n",
		HEAD "{\"root\":\"/tmp\"}",				/* no last newline */
		"{\"pid\":7}\n",					/* no header */
		"{\"tracerd\":\"other\",\"pid\":7}\n",
		"{\"tracerd\":\"status\"}\n",				/* keys missing */
		HEAD "{\"root\":1}\n",					/* wrong type */
		HEAD "{\"root\":\"/a\",\"x\":1}\n",			/* a root line is one key */
		HEAD "{\"attach\":-1}\n",				/* negative */
		HEAD "{\"attach\":1,\"pid\":\"7\"}\n",
		HEAD "{\"attach\":1,\"exe\":{}}\n",			/* nested */
		HEAD "{\"output\":\"a\",\"output\":\"b\"}\n",		/* duplicate key */
		HEAD "{\"output\":\"\xff\"}\n",				/* raw non-UTF-8 */
		HEAD "garbage\n",
		HEAD "\n",
		"{\"tracerd\":\"status\",\"pid\":7,\"pid\":8}\n",
	};
	struct status_view v;

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(bad); i++) {
		assert_int_equal(parse(bad[i], &v), -EINVAL);
		statusread_free(&v);
	}
	/* the header's integers must be integers, not negative */
	{
		char buf[2048];

		snprintf(buf, sizeof(buf), "%s", HEAD);
		memcpy(strstr(buf, "\"pid\":7"), "\"pid\":-", 7);
		assert_int_equal(parse(buf, &v), -EINVAL);
		statusread_free(&v);
	}
}

static void test_procstat(void **state)
{
	unsigned long long t = 0;
	char line[512];
	static const char *const bad[] = {
		"",
		"12 (sh S 1 2",					/* no ')' */
		"12 (sh) S 1 2 3",				/* too few fields */
		"12 (sh) S 1 1 1 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 x 1",
		"12 (sh) S 1 1 1 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 99999999999999999999999 1",
		"12 (sh) S 1 1 1 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 12x 1",
		"12 (sh)  S 1 1 1 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 12 1",	/* two spaces */
	};

	(void)state;
	snprintf(line, sizeof(line), "12 (sh) S 1 1 1 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 2018280 3133440\n");
	assert_int_equal(procstat_starttime(line, strlen(line), &t), 0);
	assert_true(t == 2018280);
	/* a comm that fakes fields: counted from the last ')' */
	snprintf(line, sizeof(line), "12 (a) 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 666 x) "
		 "S 1 1 1 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 77");
	assert_int_equal(procstat_starttime(line, strlen(line), &t), 0);
	assert_true(t == 77);
	for (size_t i = 0; i < UNIT_LEN(bad); i++) {
		t = 5;
		assert_int_equal(procstat_starttime(bad[i], strlen(bad[i]), &t), -EINVAL);
		assert_true(t == 5);
	}
	/* the field cut by the buffer's end is still a number, read to there */
	snprintf(line, sizeof(line), "1 (x) S 1 1 1 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 123");
	assert_int_equal(procstat_starttime(line, strlen(line) - 1, &t), 0);
	assert_true(t == 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_procstat),
	};

	return cmocka_run_group_tests_name("statusread, procstat", tests, NULL, NULL);
}
