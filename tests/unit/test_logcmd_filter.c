/* tracerd/logrec.c, logfilter.c, logcmd_opts.c: which lines are records
 * of ours, and which of them each filter selects. */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "logcmd_opts.h"
#include "logfilter.h"
#include "logrec.h"
#include "test_logcmd.h"

#define REC(extra) "{\"ts\":\"2026-12-06T12:00:00.000001Z\",\"pid\":42,\"tid\":42,\"uid\":0," \
	"\"exe\":\"/usr/bin/mkdir\",\"comm\":\"mkdir\",\"cwd\":\"/tmp\",\"syscall\":\"mkdir\"," \
	"\"path\":\"/tmp/a\",\"resolved\":\"/tmp/a\",\"mode\":\"0777\"," extra \
	"\"attach\":3,\"notif\":\"18446744073709551615\"}\n"
#define DENIED REC("\"decision\":\"denied\",\"errno\":\"EPERM\",\"reason\":\"outside\",")
#define EMULATED REC("\"decision\":\"emulated\",\"errno\":null,")

static struct logrec r;

static int parse(const char *line)
{
	return logrec_parse(&r, line, strlen(line));
}

static void test_record(void **state)
{
	(void)state;
	assert_int_equal(parse(DENIED), 0);
	assert_false(r.is_event);
	assert_int_equal(r.ts, 1796558400LL * 1000000 + 1);
	assert_true(logstr_is(&r.decision, "denied"));
	assert_true(logstr_is(&r.err, "EPERM"));
	assert_true(logstr_is(&r.exe, "/usr/bin/mkdir"));
	assert_true(r.has_pid && r.pid == 42 && r.has_attach && r.attach == 3);
	assert_int_equal(parse(EMULATED), 0);
	assert_null(r.err.s);
	assert_null(r.reason.s);	/* the last line's values are gone */
}

static void test_escapes_decoded(void **state)
{
	const char *l = "{\"ts\":\"2026-12-06T12:00:00Z\",\"decision\":\"error\","
			"\"path\":\"/tmp/\\u000a\\udcff\\\"q\\u0000z\",\"unknown\":[1]}";

	(void)state;
	assert_int_equal(parse(l), -EINVAL);	/* nested: not JSON of ours */
	l = "{\"ts\":\"2026-12-06T12:00:00Z\",\"decision\":\"error\","
	    "\"path\":\"/tmp/\\u000a\\udcff\\\"q\\u0000z\",\"future\":{}}";
	assert_int_equal(parse(l), -EINVAL);
	l = "{\"ts\":\"2026-12-06T12:00:00Z\",\"decision\":\"error\","
	    "\"path\":\"/tmp/\\u000a\\udcff\\\"q\\u0000z\",\"future\":true}";
	assert_int_equal(parse(l), 0);
	assert_int_equal(r.path.n, 11);
	assert_memory_equal(r.path.s, "/tmp/\n\xff\"q\0z", 11);
}

static void test_events(void **state)
{
	(void)state;
	assert_int_equal(parse("{\"ts\":\"2026-12-06T12:00:00Z\",\"event\":\"reject\",\"uid\":7,"
			       "\"count\":5,\"reason\":\"x\"}\n"), 0);
	assert_true(r.is_event && r.has_count && r.count == 5 && !r.has_pid);
	assert_true(logstr_is(&r.event, "reject"));
}

static void test_not_ours(void **state)
{
	static const char *const bad[] = {
		"", "\n", "garbage\n", "{}\n", "[]\n", "{\"ts\":\"2026-12-06T12:00:00Z\"}\n",
		"{\"decision\":\"denied\"}\n",	/* no ts */
		"{\"ts\":\"yesterday\",\"decision\":\"denied\"}\n",
		"{\"ts\":12,\"decision\":\"denied\"}\n",
		"{\"ts\":\"2026-12-06T12:00:00Z\",\"decision\":7}\n",
		"{\"ts\":\"2026-12-06T12:00:00Z\",\"decision\":\"denied\",\"pid\":\"42\"}\n",
		"{\"ts\":\"2026-12-06T12:00:00Z\",\"decision\":\"denied\",\"pid\":4.5}\n",
		"{\"ts\":\"2026-12-06T12:00:00Z\",\"decision\":\"denied\"",	/* torn */
		"{\"ts\":\"2026-12-06T12:00:00Z\",\"decision\":\"denied\"}x\n",
		"{\"ts\":\"2026-12-06T12:00:00Z\",\"decision\":\"denied\",\"ts\":\"x\"}\n",
		"{\"ts\":\"2026-12-06T12:00:00Z\",\"decision\":\"d\xff\"}\n",	/* not UTF-8 */
		"{\"ts\":\"2026-12-06T12:00:00Z\",\"decision\":\"d\n\"}\n",	/* raw control */
		"{\"ts\":\"2026-12-06T12:00:00Z\",\"event\":null,\"decision\":null}\n",
	};

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(bad); i++)
		assert_int_equal(parse(bad[i]), -EINVAL);
}

static void test_under_component_wise(void **state)
{
	struct logfilter f = { 0 };

	(void)state;
	assert_int_equal(logfilter_under(&f, "/tmp//a/./"), 0);
	assert_string_equal(f.under, "/tmp/a");
	assert_true(logfilter_is_under(f.under, f.under_len, "/tmp/a", 6));
	assert_true(logfilter_is_under(f.under, f.under_len, "/tmp/a/b/c", 10));
	assert_false(logfilter_is_under(f.under, f.under_len, "/tmp/ab", 7));
	assert_false(logfilter_is_under(f.under, f.under_len, "/tmp", 4));
	assert_false(logfilter_is_under(f.under, f.under_len, "/tmp/", 5));
	assert_false(logfilter_is_under(f.under, f.under_len, "/TMP/a", 6));
	assert_int_equal(logfilter_under(&f, "///"), 0);
	assert_string_equal(f.under, "/");
	assert_true(logfilter_is_under(f.under, f.under_len, "/x", 2));
	assert_false(logfilter_is_under(f.under, f.under_len, "x", 1));
	assert_int_equal(logfilter_under(&f, "tmp"), -EINVAL);
	assert_string_equal(f.under, "/");	/* unchanged on an error */
	logfilter_free(&f);
}

static bool matches(const struct logfilter *f, const char *line)
{
	assert_int_equal(parse(line), 0);
	return logfilter_match(f, &r);
}

static void test_filters(void **state)
{
	const char *ev = "{\"ts\":\"2026-12-06T12:00:00Z\",\"event\":\"attach\",\"pid\":42,"
			 "\"attach\":3,\"exe\":\"/usr/bin/mkdir\"}";
	struct logfilter f = { 0 };

	(void)state;
	assert_true(matches(&f, DENIED));
	assert_false(matches(&f, ev));	/* events hidden by default */
	f.events = true;
	assert_true(matches(&f, ev));
	f.decision = "denied";
	assert_true(matches(&f, DENIED));
	assert_false(matches(&f, EMULATED));
	assert_false(matches(&f, ev));	/* an event has no decision */
	f.decision = NULL;
	f.has_pid = true;
	f.pid = 42;
	f.has_attach = true;
	f.attach = 3;
	assert_true(matches(&f, DENIED) && matches(&f, ev));
	f.pid = 43;
	assert_false(matches(&f, DENIED));
	f.has_pid = false;
	f.attach = 4;
	assert_false(matches(&f, DENIED));
	f.has_attach = false;
	f.err = "EPERM";
	assert_true(matches(&f, DENIED));
	assert_false(matches(&f, EMULATED));	/* errno null */
	f.err = NULL;
	f.exe = "/usr/bin/mkdir";
	f.comm = "mkdir";
	assert_true(matches(&f, DENIED));
	f.comm = "mkdi";
	assert_false(matches(&f, DENIED));
	f.comm = NULL;
	f.exe = NULL;
	assert_int_equal(logfilter_under(&f, "/tmp"), 0);
	assert_true(matches(&f, DENIED));
	assert_false(matches(&f, ev));	/* no resolved */
	assert_int_equal(logfilter_under(&f, "/tm"), 0);
	assert_false(matches(&f, DENIED));
	logfilter_free(&f);
	f.has_since = f.has_until = true;
	f.since = f.until = 1796558400LL * 1000000 + 1;
	assert_true(matches(&f, DENIED));	/* both ends included */
	f.since++;
	assert_false(matches(&f, DENIED));
}

static int opts(struct logcmd_opts *o, char *err, ...)
{
	char *argv[16] = { "log" };
	int argc = 1;
	va_list ap;

	va_start(ap, err);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	return logcmd_opts_parse(argc, argv, 1796560496LL * 1000000, o, err, 256);
}

static void test_options(void **state)
{
	struct logcmd_opts o;
	char err[256];

	(void)state;
	assert_int_equal(opts(&o, err, "--decision", "denied", "--errno", "eperm", "--pid", "7",
			      "--since", "-1h", "--under", "/var/", "-f", "--json", "f1", NULL), 0);
	assert_string_equal(o.f.err, "EPERM");
	assert_string_equal(o.f.under, "/var");
	assert_true(o.follow && o.json && o.f.has_since && o.f.pid == 7);
	assert_int_equal(o.nfiles, 1);
	logfilter_free(&o.f);
	assert_int_equal(opts(&o, err, "--decision", "allowed", NULL), -EINVAL);
	assert_non_null(strstr(err, "'allowed' is none of emulated, denied, error"));
	assert_int_equal(opts(&o, err, "--errno", "EWHATEVER", NULL), -EINVAL);
	assert_int_equal(opts(&o, err, "--pid", "0", NULL), -EINVAL);
	assert_int_equal(opts(&o, err, "--pid", "12x", NULL), -EINVAL);
	assert_int_equal(opts(&o, err, "--pid", "-3", NULL), -EINVAL);
	assert_int_equal(opts(&o, err, "--attach", "99999999999999999999", NULL), -EINVAL);
	assert_int_equal(opts(&o, err, "--since", "last week", NULL), -EINVAL);
	assert_non_null(strstr(err, "--since: 'last week' is not a time"));
	assert_int_equal(opts(&o, err, "--since", "today", "--until", "yesterday", NULL), -EINVAL);
	assert_int_equal(opts(&o, err, "--under", "tmp", NULL), -EINVAL);
	assert_int_equal(opts(&o, err, "--summary", "--json", NULL), -EINVAL);
	assert_int_equal(opts(&o, err, "--summary", "-f", NULL), -EINVAL);
	assert_int_equal(opts(&o, err, "--bogus", NULL), -EINVAL);
	assert_string_equal(err, "unknown option '--bogus'");
	assert_int_equal(opts(&o, err, "--pid", NULL), -EINVAL);
	assert_string_equal(err, "option '--pid' needs a value");
}

int logcmd_filter_run(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_escapes_decoded),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_not_ours),
		cmocka_unit_test(test_under_component_wise),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_options),
	};
	int failed = cmocka_run_group_tests_name("logcmd records and filters", tests, NULL, NULL);

	logrec_free(&r);
	return failed;
}
