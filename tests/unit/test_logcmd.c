/* tracerd/logtime.c: the TIME forms of `tracerd log --since/--until`
 * (journalctl's) and the "ts" of a record. TZ is fixed per test, so
 * local times are known. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"
#include "logtime.h"
#include "test_logcmd.h"

#define US 1000000LL
/* 2026-12-06T12:34:56.5Z */
#define NOW (1796560496LL * US + 500000)

static long long at(const char *s)
{
	long long v = -1;

	assert_int_equal(logtime_parse(s, NOW, &v), 0);
	return v;
}

static void bad(const char *s)
{
	long long v = 42;

	assert_int_equal(logtime_parse(s, NOW, &v), -EINVAL);
	assert_int_equal(v, 42);
}

static void tz(const char *zone)
{
	setenv("TZ", zone, 1);
	tzset();
}

static void test_now_is_what_we_think(void **state)
{
	(void)state;
	assert_int_equal(at("2026-12-06T12:34:56.5Z"), NOW);
}

static void test_rfc3339(void **state)
{
	long long v;

	(void)state;
	tz("UTC");
	assert_int_equal(at("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(at("1970-01-01T00:00:01.25Z"), 1250000);
	assert_int_equal(at("1970-01-01t00:00:01z"), US);
	assert_int_equal(at("1970-01-01 00:00:01Z"), US);
	/* offsets: east of UTC is earlier in UTC */
	assert_int_equal(at("1970-01-01T02:00:00+02:00"), 0);
	assert_int_equal(at("1969-12-31T19:30:00-04:30"), 0);
	/* more than six fraction digits: the rest ignored */
	assert_int_equal(at("1970-01-01T00:00:00.123456789Z"), 123456);
	/* leap years */
	assert_int_equal(at("2024-02-29T00:00:00Z"), 1709164800LL * US);
	assert_int_equal(logtime_rfc3339("2026-12-06T12:34:56.500000Z", 27, &v), 0);
	assert_int_equal(v, NOW);
	/* the record parser's form needs the zone and the seconds */
	assert_int_equal(logtime_rfc3339("2026-12-06T12:34:56", 19, &v), -EINVAL);
	assert_int_equal(logtime_rfc3339("2026-12-06T12:34Z", 17, &v), -EINVAL);
	assert_int_equal(logtime_rfc3339("2026-12-06", 10, &v), -EINVAL);
	/* the length is the length: a NUL inside is not an end */
	assert_int_equal(logtime_rfc3339("1970-01-01T00:00:00Z\0junk", 25, &v), -EINVAL);
}

static void test_local_forms(void **state)
{
	(void)state;
	tz("UTC");
	assert_int_equal(at("2026-12-06"), 1796515200LL * US);
	assert_int_equal(at("2026-12-06 12:34"), (1796560496LL - 56) * US);
	assert_int_equal(at("2026-12-06 12:34:56"), 1796560496LL * US);
	tz("EST5");	/* five hours west, no summer time */
	assert_int_equal(at("2026-12-06"), (1796515200LL + 5 * 3600) * US);
	assert_int_equal(at("2026-12-06 07:34:56"), 1796560496LL * US);
	/* an explicit offset wins over TZ */
	assert_int_equal(at("2026-12-06 12:34:56Z"), 1796560496LL * US);
	tz("UTC");
}

static void test_words(void **state)
{
	(void)state;
	tz("UTC");
	assert_int_equal(at("now"), NOW);
	assert_int_equal(at("today"), 1796515200LL * US);
	assert_int_equal(at("yesterday"), (1796515200LL - 86400) * US);
	assert_int_equal(at("tomorrow"), (1796515200LL + 86400) * US);
	tz("EST5");	/* 07:34 there: the same day, its own midnight */
	assert_int_equal(at("today"), (1796515200LL + 5 * 3600) * US);
	tz("UTC-14");	/* 02:34 on the 7th there */
	assert_int_equal(at("today"), (1796515200LL + 86400 - 14 * 3600) * US);
	tz("UTC");
}

static void test_relative(void **state)
{
	(void)state;
	assert_int_equal(at("-30s"), NOW - 30 * US);
	assert_int_equal(at("-5m"), NOW - 300 * US);
	assert_int_equal(at("-2h"), NOW - 7200 * US);
	assert_int_equal(at("-1d"), NOW - 86400 * US);
	assert_int_equal(at("-0s"), NOW);
}

static void test_bad_forms(void **state)
{
	static const char *const bads[] = {
		"", "-", "-s", "-5", "-5x", "-5 m", "--5m", "-5ms", "+5m", "5m",
		"-9999999999d", "-99999999999s",
		"2026", "2026-12", "2026-1-06", "2026-12-6", "26-12-06", "2026/12/06",
		"2026-13-01", "2026-00-01", "2026-12-00", "2026-12-32", "2026-02-29",
		"2025-04-31", "2026-12-06 24:00", "2026-12-06 12:60", "2026-12-06 12:34:61",
		"2026-12-06 12", "2026-12-06 12:3", "2026-12-06 12:34:5", "2026-12-06T",
		"2026-12-06 12:34Z", "2026-12-06T12:34:56+2", "2026-12-06T12:34:56+02",
		"2026-12-06T12:34:56+24:00", "2026-12-06T12:34:56+02:60",
		"2026-12-06T12:34:56.Z", "2026-12-06T12:34:56Zjunk", "2026-12-06 ",
		" 2026-12-06", "today ", "Today", "yesterday2", "now!", "2026-12-06\n",
	};

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(bads); i++)
		bad(bads[i]);
}

static void test_local_display(void **state)
{
	char s[64];

	(void)state;
	tz("UTC");
	logtime_local(NOW, s, sizeof(s));
	assert_string_equal(s, "2026-12-06 12:34:56");
	tz("EST5");
	logtime_local(NOW, s, sizeof(s));
	assert_string_equal(s, "2026-12-06 07:34:56");
	tz("UTC");
	logtime_local(-1, s, sizeof(s));
	assert_string_equal(s, "1969-12-31 23:59:59");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_now_is_what_we_think),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_local_forms),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_relative),
		cmocka_unit_test(test_bad_forms),
		cmocka_unit_test(test_local_display),
	};
	int failed;

	tz("UTC");
	failed = cmocka_run_group_tests_name("logcmd time", tests, NULL, NULL);
	failed += logcmd_filter_run();
	failed += logcmd_out_run();
	return failed ? 1 : 0;
}
