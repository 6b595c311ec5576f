/* tracerd/audit.c's rotation and copies: the cut at a record boundary,
 * the rotate event's count, --log-keep, the claims' room moved to the new
 * file (and no rotation without it), recovery's search into .1; a copy's
 * losses counted and told with its name; the record classifier and the
 * counter on hostile lines. write(2) and fallocate(2) are the fakes of
 * test_audit_file.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "audit.h"
#include "jsoncheck.h"
#include "logfile.h"
#include "test_audit.h"
#include "test_audit_fixture.h"

static char name[160];

static int setup(void **state)
{
	(void)state;
	falloc_room = -1;
	inject.fd = -1;
	inject.fail = 0;
	return fixture_setup("/tmp/unit-rotate-XXXXXX", "audit.jsonl");
}

static int teardown(void **state)
{
	(void)state;
	audit_rotation(0, 5, 0);
	falloc_room = -1;
	inject.fd = -1;
	return fixture_teardown();
}

/* fx.path.n (0: fx.path) into fx.content. */
static bool slurp_n(unsigned n)
{
	if (n)
		snprintf(name, sizeof(name), "%s.%u", fx.path, n);
	else
		snprintf(name, sizeof(name), "%s", fx.path);
	return fixture_read(name);
}

/* A record-shaped line numbered i, about 200 bytes. */
static int rec(int i, char *buf, size_t cap)
{
	return snprintf(buf, cap, "{\"ts\":\"2024-01-01T00:00:00.000000Z\",\"pid\":1,\"n\":%d,"
			"\"pad\":\"%0150d\"}\n", i, 0);
}

static void write_recs(int from, int to, size_t claim)
{
	char l[512];

	for (int i = from; i < to; i++)
		assert_int_equal(audit_write(l, (size_t)rec(i, l, sizeof(l)), claim), 0);
}

/* In fx.content: the rotate event's "records" (-1: the first line is none),
 * the records (lines with "n") and the first and last n. */
static void survey(long *head, int *records, int *first, int *last)
{
	struct jc_str v;
	char *nl;

	*head = -1;
	*records = 0;
	*first = *last = -1;
	for (char *l = fx.content; (nl = strchr(l, '\n')); l = nl + 1) {
		size_t n = (size_t)(nl - l);

		assert_true(jc_valid(l, n));
		if (l == fx.content && jc_member(l, n, "event", &v) == 0 && v.len == 6 &&
		    memcmp(v.buf, "rotate", 6) == 0 && jc_member(l, n, "records", &v) == 2)
			*head = strtol(v.buf, NULL, 10);
		if (jc_member(l, n, "n", &v) != 2)
			continue;
		*last = (int)strtol(v.buf, NULL, 10);
		if (*first < 0)
			*first = *last;
		(*records)++;
	}
	assert_true(fx.content_len == 0 || fx.content[fx.content_len - 1] == '\n');
}

/* 100 lines of ~200 bytes at 4K, keep 3: log .1 .2 .3, each under 4K,
 * numbers consecutive from the oldest kept to the newest, each newer file
 * headed by the count of the one before. */
static void test_rotate_size(void **state)
{
	long head, prev_head = -2;
	int records, first, last, prev_last = -1, prev_records = 0;
	size_t torn;

	(void)state;
	audit_rotation(4096, 3, 0);
	assert_int_equal(audit_open(fx.path, &torn), 0);
	write_recs(0, 100, 0);
	assert_false(slurp_n(4));
	for (unsigned n = 3; n + 1 > 0; n--) {
		assert_true(slurp_n(n));
		assert_true(fx.content_len <= 4096);
		survey(&head, &records, &first, &last);
		assert_true(records > 0);
		if (n < 3) {
			assert_int_equal(head, prev_records);
			assert_int_equal(first, prev_last + 1);
		}
		prev_head = head;
		prev_last = last;
		prev_records = records;
	}
	assert_int_equal(prev_last, 99);
	assert_int_not_equal(prev_head, -1);
}

/* A claim in flight moves to the new file: it has the room on disk. */
static void test_rotate_claims(void **state)
{
	struct stat st;
	size_t torn;

	(void)state;
	audit_rotation(4096, 5, 0);
	assert_int_equal(audit_open(fx.path, &torn), 0);
	write_recs(0, 15, 0);
	assert_int_equal(audit_claim(50000), 0);
	write_recs(15, 30, 0);	/* rotates at least once */
	assert_true(slurp_n(1));
	assert_int_equal(stat(fx.path, &st), 0);
	assert_true(st.st_blocks * 512 >= 50000);
	write_recs(30, 31, 50000);
	assert_true(slurp_n(0));
	assert_non_null(strstr(fx.content, "\"n\":30,"));
}

/* No room for the new file: no rotation (the log grows past the size,
 * nothing renamed, no temporary left); with room again, it rotates. */
static void test_rotate_no_room(void **state)
{
	char tmp[200];
	struct stat st;
	size_t torn;

	(void)state;
	audit_rotation(4096, 5, 0);
	assert_int_equal(audit_open(fx.path, &torn), 0);
	assert_int_equal(audit_claim(1000), 0);
	falloc_room = 10;
	write_recs(0, 40, 0);
	assert_false(slurp_n(1));
	assert_int_equal(stat(fx.path, &st), 0);
	assert_true(st.st_size > 4096);
	snprintf(tmp, sizeof(tmp), "%s/.audit.jsonl.new", fx.dir);
	assert_int_equal(lstat(tmp, &st), -1);
	falloc_room = -1;
	write_recs(40, 80, 0);
	assert_true(slurp_n(1));
	audit_unclaim(1000);
}

/* Recovery's search reaches into .1 for what the current file is too
 * short to hold. */
static void test_tail_rotated(void **state)
{
	static const char mark[] = "{\"ts\":\"x\",\"attach\":7,\"notif\":\"99\"}\n";
	size_t torn;

	(void)state;
	audit_rotation(4096, 5, 0);
	assert_int_equal(audit_open(fx.path, &torn), 0);
	assert_int_equal(audit_write(mark, strlen(mark), 0), 0);
	write_recs(0, 25, 0);
	assert_true(slurp_n(1));
	assert_true(audit_tail_contains("\"attach\":7,\"notif\":\"99\"", 64 * 1024));
	assert_false(audit_tail_contains("\"attach\":7,\"notif\":\"98\"", 64 * 1024));
}

/* The line of fx.content holding s, checked to be a lost-records event of
 * count want naming output. */
static void check_told(const char *output, const char *want)
{
	char *at = strstr(fx.content, "\"lost-records\""), *start, *nl;

	assert_non_null(at);
	start = at;
	while (start > fx.content && start[-1] != '\n')
		start--;
	nl = strchr(at, '\n');
	fixture_member(start, (size_t)(nl - start), "output", 0, output);
	fixture_member(start, (size_t)(nl - start), "count", 2, want);
}

/* A copy that refuses: the primary takes every line, the answer is not
 * changed (audit_write 0), the losses are counted per output, and told by
 * an event naming the copy in both once it works again. */
static void test_copy_losses(void **state)
{
	const char *specs[AUDIT_OUTPUTS_MAX];
	unsigned long lost[AUDIT_OUTPUTS_MAX];
	unsigned long before;
	char copy[160];
	size_t torn;

	(void)state;
	snprintf(copy, sizeof(copy), "%s/sub/copy.jsonl", fx.dir);
	assert_int_equal(audit_open(fx.path, &torn), 0);
	assert_int_equal(audit_add_output(copy), 0);
	assert_int_equal(audit_outputs(specs, lost, 1), 1);
	before = lost[0];	/* since start: earlier tests lost some */
	write_recs(0, 2, 0);
	inject.fd = fixture_fd_of(copy);
	inject.fail = 1;
	write_recs(2, 5, 0);
	assert_int_equal(audit_outputs(specs, lost, AUDIT_OUTPUTS_MAX), 2);
	assert_string_equal(specs[0], fx.path);
	assert_string_equal(specs[1], copy);
	assert_int_equal(lost[0], before);
	assert_int_equal(lost[1], 3);
	inject.fail = 0;
	write_recs(5, 6, 0);
	assert_true(slurp_n(0));
	check_told(copy, "3");
	assert_non_null(strstr(fx.content, "\"n\":4,"));
	assert_true(fixture_read(copy));
	check_told(copy, "3");
	assert_null(strstr(fx.content, "\"n\":4,"));
	assert_non_null(strstr(fx.content, "\"n\":5,"));
}

/* 7 copies at most (8 outputs), a FIFO refused as a copy. */
static void test_copy_bounds(void **state)
{
	char p[200];
	size_t torn;

	(void)state;
	assert_int_equal(audit_open(fx.path, &torn), 0);
	snprintf(p, sizeof(p), "%s/fifo", fx.dir);
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_equal(audit_add_output(p), -EINVAL);
	for (int i = 0; i < 7; i++) {
		snprintf(p, sizeof(p), "%s/c%d", fx.dir, i);
		assert_int_equal(audit_add_output(p), 0);
	}
	snprintf(p, sizeof(p), "%s/c7", fx.dir);
	assert_int_equal(audit_add_output(p), -E2BIG);
}

/* Hostile lines: only ours with "pid" after "ts" count as records. */
static void test_is_record(void **state)
{
	static const struct { const char *l; bool rec; } cases[] = {
		{ "{\"ts\":\"t\",\"pid\":1}\n", true },
		{ "{\"ts\":\"t\",\"event\":\"rotate\"}\n", false },
		{ "{\"ts\":\"t\",\"event\":", false },
		{ "{\"ts\":\"t\"", true },
		{ "{\"ts\":\"", false },
		{ "{\"ts\":", false },
		{ "", false },
		{ "garbage\n", false },
		{ "{\"pid\":1,\"ts\":\"t\"}\n", false },
	};

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(cases); i++)
		if (logfile_is_record(cases[i].l, strlen(cases[i].l)) != cases[i].rec)
			fail_msg("case %zu: %s", i, cases[i].l);
}

static void put(int fd, const char *str)
{
	assert_int_equal(__real_write(fd, str, strlen(str)), (ssize_t)strlen(str));
}

/* A line longer than the counter's buffer, torn ends, garbage. */
static void test_count_hostile(void **state)
{
	static char big[200 * 1024];
	int fd;

	(void)state;
	fd = open(fx.path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(logfile_count_records(fd), 0);
	memset(big, 'x', sizeof(big));
	memcpy(big, "{\"ts\":\"t\",\"pid\":1,", 18);
	put(fd, "{\"ts\":\"t\",\"pid\":1}\n");
	assert_int_equal(__real_write(fd, big, sizeof(big)), (ssize_t)sizeof(big));
	put(fd, "\n\n\ngarbage\n");
	put(fd, "{\"ts\":\"t\",\"event\":\"x\"}\n");
	put(fd, "{\"ts\":\"t\",\"pid\":2}\n{\"ts\"");
	assert_int_equal(logfile_count_records(fd), 3);
	close(fd);
}

int audit_rotate_run(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rotate_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotate_claims, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotate_no_room, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tail_rotated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_losses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_is_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_count_hostile, setup, teardown),
	};

	return cmocka_run_group_tests_name("audit rotation and copies", tests, NULL, NULL);
}
