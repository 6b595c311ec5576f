/* tracerd/statusread.c (the client's reading of a status answer) and
 * tracerd/procstat.c (a process's start time): good answers, and hostile
 * ones: not lines, a header missing or of the wrong kind, nesting, wrong
 * types, negative counts, a NUL and bytes that are not UTF-8 in strings;
 * /proc/PID/stat with a comm of ')' and spaces, too few fields, overflow.
 * The policy's keys and rule lines (issue 19): read when there, an answer
 * of a tracerd of before without them still read, hostile rule lines
 * refused; `tracerd policy show`'s printing of them (policyshow.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "procstat.h"
#include "policyshow.h"
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

#define PHEAD "{\"tracerd\":\"status\",\"pid\":7,\"version\":\"0.2.0\",\"started\":\"s\"," \
	      "\"uptime_ms\":5,\"socket\":\"@s\",\"threads\":4,\"busy\":1,\"parked\":1,\"stalled\":0," \
	      "\"programs\":0,\"listed\":0,\"emulated\":6,\"denied\":3,\"error\":0,\"lost\":0," \
	      "\"lost_records\":1,\"roots\":1,\"outputs\":0,\"policy_gen\":2,\"policy\":\"/p\"," \
	      "\"rules\":3}\n"
#define RULE1 "{\"rule\":\"/p:1\",\"action\":\"allow\",\"dir\":\"/tmp\",\"errno\":null," \
	      "\"exe\":null,\"skipped\":false}\n"
#define RULE2 "{\"rule\":\"/p:4\",\"action\":\"deny\",\"dir\":\"/home/u\",\"errno\":\"EACCES\"," \
	      "\"exe\":\"/usr/bin/cc\",\"skipped\":false}\n"
#define RULE3 "{\"rule\":\"/p:6\",\"action\":\"audit\",\"dir\":\"/b\",\"errno\":null," \
	      "\"exe\":null,\"skipped\":true,\"newer\":1}\n"

static void test_policy(void **state)
{
	struct status_view v;

	(void)state;
	assert_int_equal(parse(PHEAD RULE1 "{\"root\":\"/tmp\"}\n" RULE2 RULE3, &v), 0);
	assert_true(v.has_policy);
	assert_int_equal(v.policy_gen, 2);
	assert_int_equal(v.rules_total, 3);
	assert_string_equal(v.policy.s, "/p");
	assert_int_equal(v.nrules, 3);
	assert_int_equal(v.nroots, 1);
	assert_string_equal(v.rules[0].name.s, "/p:1");
	assert_string_equal(v.rules[0].action.s, "allow");
	assert_null(v.rules[0].err.s);
	assert_null(v.rules[0].exe.s);
	assert_string_equal(v.rules[1].err.s, "EACCES");
	assert_string_equal(v.rules[1].exe.s, "/usr/bin/cc");
	assert_true(v.rules[2].skipped);
	assert_false(v.rules[1].skipped);
	statusread_free(&v);
	/* --allow: "policy" null; no rule line: the count stays, lines say 0 */
	assert_int_equal(parse(HEAD, &v), 0);		/* a tracerd of before issue 19 */
	assert_false(v.has_policy);
	assert_int_equal(v.nrules, 0);
	statusread_free(&v);
}

static void test_policy_hostile(void **state)
{
	static const char *const bad[] = {
		PHEAD "{\"rule\":\"/p:1\"}\n",					/* keys missing */
		PHEAD "{\"rule\":\"/p:1\",\"action\":\"allow\",\"dir\":\"/t\"}\n",	/* no skipped */
		PHEAD "{\"rule\":null,\"action\":\"allow\",\"dir\":\"/t\",\"skipped\":false}\n",
		PHEAD "{\"rule\":\"a\",\"action\":1,\"dir\":\"/t\",\"skipped\":false}\n",
		PHEAD "{\"rule\":\"a\",\"action\":\"allow\",\"dir\":null,\"skipped\":false}\n",
		PHEAD "{\"rule\":\"a\",\"action\":\"allow\",\"dir\":\"/t\",\"skipped\":1}\n",
		PHEAD "{\"rule\":\"a\",\"action\":\"allow\",\"dir\":\"/t\",\"skipped\":\"no\"}\n",
		PHEAD "{\"rule\":\"a\",\"action\":\"allow\",\"dir\":\"/t\",\"skipped\":false,"
		      "\"exe\":7}\n",
		PHEAD "{\"rule\":\"a\",\"action\":\"allow\",\"dir\":\"/t\",\"skipped\":false,"
		      "\"errno\":[]}\n",
		PHEAD "{\"rule\":\"a\",\"rule\":\"b\",\"action\":\"allow\",\"dir\":\"/t\","
		      "\"skipped\":false}\n",						/* duplicate */
		"{\"tracerd\":\"status\",\"policy_gen\":-1}\n",
	};
	struct status_view v;
	char buf[2048];

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(bad); i++) {
		assert_int_equal(parse(bad[i], &v), -EINVAL);
		statusread_free(&v);
	}
	snprintf(buf, sizeof(buf), "%s", PHEAD);
	memcpy(strstr(buf, "\"policy_gen\":2"), "\"policy_gen\":-", 14);
	assert_int_equal(parse(buf, &v), -EINVAL);
	statusread_free(&v);
	/* a count short of the lines: the lines win */
	snprintf(buf, sizeof(buf), "%s" RULE1 RULE1, PHEAD);
	memcpy(strstr(buf, "\"rules\":3"), "\"rules\":0", 9);
	assert_int_equal(parse(buf, &v), 0);
	assert_int_equal(v.rules_total, 2);
	statusread_free(&v);
}

/* `policy show`'s text of an answer into buf. How many rules it could
 * not write. */
static unsigned shown(const char *answer, char *buf, size_t cap)
{
	struct status_view v;
	FILE *f = fmemopen(buf, cap, "w");
	unsigned bad;

	assert_non_null(f);
	assert_int_equal(parse(answer, &v), 0);
	bad = policyshow_print(f, &v);
	fclose(f);
	statusread_free(&v);
	return bad;
}

static void test_show(void **state)
{
	char out[4096];

	(void)state;
	assert_int_equal(shown(PHEAD RULE1 RULE2 RULE3, out, sizeof(out)), 0);
	assert_string_equal(out,
		"# policy in force in tracerd pid 7: /p, gen 2, 3 rules\n"
		"allow /tmp                                # /p:1\n"
		"deny /home/u errno=EACCES exe=/usr/bin/cc  # /p:4\n"
		"# skipped (if-exists, no directory at load): audit /b if-exists  # /p:6\n");
	/* deny's default errno is left out; --allow names its rules */
	assert_int_equal(shown("{\"tracerd\":\"status\",\"pid\":7,\"version\":\"v\",\"started\":\"s\","
			       "\"uptime_ms\":5,\"socket\":\"@s\",\"threads\":4,\"busy\":1,\"parked\":1,"
			       "\"stalled\":0,\"programs\":0,\"listed\":0,\"emulated\":6,\"denied\":3,"
			       "\"error\":0,\"lost\":0,\"lost_records\":1,\"roots\":1,\"outputs\":0,"
			       "\"policy_gen\":1,\"policy\":null,\"rules\":2}\n"
			       "{\"rule\":\"--allow:1\",\"action\":\"allow\",\"dir\":\"/a\",\"skipped\":false}\n"
			       "{\"rule\":\"--allow:2\",\"action\":\"deny\",\"dir\":\"/b\",\"errno\":\"EPERM\","
			       "\"skipped\":false}\n", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "the --allow roots or the default (no file), gen 1, 2 rules\n"));
	assert_non_null(strstr(out, "\nallow /a                                  # --allow:1\n"));
	assert_non_null(strstr(out, "\ndeny /b                                   # --allow:2\n"));
}

static void test_show_hostile(void **state)
{
	static const char *const bad[] = {
		"\"action\":\"allow\",\"dir\":\"/a b\"",		/* white space */
		"\"action\":\"allow\",\"dir\":\"/a\\nb\"",		/* a newline */
		"\"action\":\"allow\",\"dir\":\"/a\\u0000b\"",	/* a NUL */
		"\"action\":\"allow\",\"dir\":\"rel\"",		/* not absolute */
		"\"action\":\"allow\",\"dir\":\"\"",
		"\"action\":\"permit\",\"dir\":\"/a\"",		/* a newer action */
		"\"action\":\"deny\",\"dir\":\"/a\",\"errno\":\"EBUSY\"",
		"\"action\":\"deny\",\"dir\":\"/a\",\"errno\":\"EPERM\\u0000x\"",
		"\"action\":\"allow\",\"dir\":\"/a\",\"errno\":\"EPERM\"",	/* errno on allow */
		"\"action\":\"allow\",\"dir\":\"/a\",\"exe\":\"/x y\"",
		"\"action\":\"allow\",\"dir\":\"/a\",\"exe\":\"#x\"",
	};
	char answer[2048], out[4096];
	unsigned nl;

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(bad); i++) {
		snprintf(answer, sizeof(answer), "%s{\"rule\":\"/p:\\u001b9\",%s,\"skipped\":false}\n",
			 PHEAD, bad[i]);
		assert_int_equal(shown(answer, out, sizeof(out)), 1);
		/* said in a comment, escaped: one line, no raw control byte */
		assert_non_null(strstr(out, "\n# not writable in the file's syntax: "));
		nl = 0;
		for (const char *p = out; *p; p++) {
			nl += *p == '\n';
			assert_true(*p == '\n' || (unsigned char)*p >= ' ');
		}
		assert_int_equal(nl, 2);	/* the first line and the rule's */
		assert_non_null(strstr(out, "# /p:\\x1b9\n"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_procstat),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_policy_hostile),
		cmocka_unit_test(test_show),
		cmocka_unit_test(test_show_hostile),
	};

	return cmocka_run_group_tests_name("statusread, procstat", tests, NULL, NULL);
}
