/* tracerd/rejects.c: reject events coalesced per (uid, reason) and capped
 * across all, written to a real log file and read back: every reject is
 * counted exactly once, an interval writes at most 2 * 8 + 1 events, and
 * hostile reasons stay valid JSON. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "audit.h"
#include "jsoncheck.h"
#include "rejects.h"

static char dir[] = "/tmp/test_rejects.XXXXXX";
static char logpath[256];
static off_t seen;	/* what the previous look read */

struct tally {
	unsigned events, summaries;
	unsigned long count;	/* the sum of every event's count */
	unsigned long summed;	/* the count of the summaries */
	unsigned uids;		/* of the last summary */
};

static long long member_int(const char *line, size_t n, const char *key)
{
	struct jc_str v;

	if (jc_member(line, n, key, &v) != 2)
		return -1;
	return strtoll(v.buf, NULL, 10);
}

/* Read the lines written since the last look. */
static struct tally look(void)
{
	struct tally t = { 0 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f = fopen(logpath, "re");

	assert_non_null(f);
	assert_int_equal(fseeko(f, seen, SEEK_SET), 0);
	while ((n = getline(&line, &cap, f)) > 0) {
		struct jc_str ev;

		assert_true(jc_valid(line, (size_t)n));
		assert_int_equal(jc_member(line, (size_t)n, "event", &ev), 0);
		assert_true(!strcmp(ev.buf, "reject") || !strcmp(ev.buf, "reject-summary"));
		assert_true(member_int(line, (size_t)n, "count") >= 1);
		t.events++;
		t.count += (unsigned long)member_int(line, (size_t)n, "count");
		if (!strcmp(ev.buf, "reject-summary")) {
			t.summaries++;
			t.summed += (unsigned long)member_int(line, (size_t)n, "count");
			t.uids = (unsigned)member_int(line, (size_t)n, "uids");
		}
	}
	seen = ftello(f);
	free(line);
	fclose(f);
	return t;
}

static int setup(void **state)
{
	size_t torn;

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(logpath, sizeof(logpath), "%s/audit.jsonl", dir);
	return audit_open(logpath, &torn);
}

static int teardown(void **state)
{
	(void)state;
	audit_close();
	unlink(logpath);
	return rmdir(dir);
}

/* One peer, many rejects: the first at once, the rest in one event. */
static void test_one_key(void **state)
{
	struct tally t;

	(void)state;
	for (int i = 0; i < 1000; i++)
		rejects_note(65534, 100 + i, "peer uid 65534 is not tracerd's uid 0");
	t = look();
	assert_int_equal(t.events, 1);
	assert_int_equal(t.count, 1);
	assert_int_equal(rejects_flush(0) != UINT64_MAX, 1);	/* not over yet */
	assert_int_equal(look().events, 0);
	assert_int_equal(rejects_flush(UINT64_MAX), UINT64_MAX);
	t = look();
	assert_int_equal(t.events, 1);
	assert_int_equal(t.count, 999);
	assert_int_equal(rejects_flush(UINT64_MAX), UINT64_MAX);	/* nothing left */
	assert_int_equal(look().events, 0);
}

/* Many uids (a root peer can present any): 8 keys get events, the rest
 * are summed; every reject is counted once. */
static void test_cap(void **state)
{
	struct tally t;

	(void)state;
	for (int i = 0; i < 100; i++)
		for (uid_t u = 0; u < 20; u++)
			rejects_note(30000 + u, 1, "closed before the hello");
	t = look();
	assert_int_equal(t.events, 8);
	rejects_flush(UINT64_MAX);
	t = look();
	assert_int_equal(t.events, 8 + 1);
	assert_int_equal(t.summaries, 1);
	assert_int_equal(t.summed, 12 * 100);
	assert_int_equal(t.uids, 12);
	assert_int_equal(t.count, 2000 - 8);
}

/* Keys differ by reason too; a hostile reason (quotes, control bytes,
 * invalid UTF-8, longer than a key holds) stays one valid JSON line. */
static void test_hostile_reason(void **state)
{
	char why[300];
	struct tally t;

	(void)state;
	memset(why, 'A', sizeof(why) - 1);
	why[sizeof(why) - 1] = '\0';
	memcpy(why, "\"\n\x01\xff\xc3", 5);
	rejects_note(REJECT_NO_UID, 0, why);
	rejects_note(REJECT_NO_UID, 0, why);
	rejects_note(0, 0, "malformed hello");
	rejects_flush(UINT64_MAX);
	t = look();
	assert_int_equal(t.events, 3);
	assert_int_equal(t.count, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_key),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_hostile_reason),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
