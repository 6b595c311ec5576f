/* tracerd/audit.c: the record of one call (keys, values, errno names,
 * escaping; every line valid JSON), and in test_audit_file.c the log file
 * itself (creation, torn lines, lost records). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"
#include "audit.h"
#include "call.h"
#include "jsoncheck.h"
#include "policy.h"
#include "target.h"
#include "test_audit.h"

/* What the stages found, as notif.c gives it to the record. */
static struct call c;
static struct target_facts tf;
static struct target_path p;
static char resolved[2 * PATH_MAX];
static bool have_resolved;
static struct verdict vd;
static char line[AUDIT_LINE_MAX];
static int line_len;
static struct jc_str v;

static void base_call(void)
{
	memset(&c, 0, sizeof(c));
	memset(&tf, 0, sizeof(tf));
	memset(&p, 0, sizeof(p));
	memset(&vd, 0, sizeof(vd));
	c.tid = 1234;
	tf.tgid = 1200;
	tf.creds.fsuid = 1000;
	c.kind = SYSCALLS_MKDIR;
	c.mode = 0755;
	strcpy(p.path, "/tmp/a");
	p.ok = true;
	strcpy(tf.exe, "/usr/bin/mkdir");
	strcpy(tf.comm, "mkdir");
	strcpy(tf.cwd, "/home/u");
	tf.ok = true;
	strcpy(resolved, "/tmp/a");
	have_resolved = true;
	vd.decision = DECISION_EMULATED;
}

/* The record of the results above, formatted into line. */
static int format(void)
{
	struct audit_rec r = {
		.call = &c, .target = &tf, .cwd = tf.cwd, .path = p.ok ? p.path : NULL,
		.resolved = have_resolved ? resolved : NULL, .verdict = &vd,
	};

	return audit_record(&r, line, sizeof(line));
}

/* Format it; the line is one valid JSON object ending in its only '\n'. */
static void record(void)
{
	line_len = format();
	assert_true(line_len > 2);
	assert_int_equal(line[line_len - 1], '\n');
	assert_null(memchr(line, '\n', (size_t)line_len - 1));
	assert_true(jc_valid(line, (size_t)line_len - 1));
}

/* The member KEY: its decoded string, or its text for other values. */
static const char *get(const char *key)
{
	int r = jc_member(line, (size_t)line_len, key, &v);

	if (r < 0)
		return NULL;
	v.buf[v.len] = '\0';
	return r == 1 ? "null" : v.buf;
}

#define HAS(key, want) assert_string_equal(get(key), want)

static void test_keys(void **state)
{
	static const char *const keys[] = { "\"ts\":", "\"pid\":", "\"tid\":", "\"uid\":",
		"\"exe\":", "\"comm\":", "\"cwd\":", "\"syscall\":", "\"path\":",
		"\"resolved\":", "\"mode\":", "\"decision\":", "\"errno\":" };
	const char *at = line;

	(void)state;
	base_call();
	record();
	/* issue 2's keys, in its order */
	for (size_t i = 0; i < UNIT_LEN(keys); i++) {
		const char *k = strstr(at, keys[i]);

		if (!k)
			fail_msg("%s missing or out of order in %s", keys[i], line);
		at = k;
	}
	HAS("pid", "1200");
	HAS("tid", "1234");
	HAS("uid", "1000");
	HAS("exe", "/usr/bin/mkdir");
	HAS("comm", "mkdir");
	HAS("cwd", "/home/u");
	HAS("syscall", "mkdir");
	HAS("path", "/tmp/a");
	HAS("resolved", "/tmp/a");
	HAS("mode", "0755");
	HAS("decision", "emulated");
	HAS("errno", "null");
	assert_null(get("dirfd"));	/* mkdirat only */
	assert_null(get("reason"));	/* denied and error only */
}

/* RFC 3339 UTC with microseconds, and now. */
static void test_ts(void **state)
{
	struct tm tm = { 0 };
	const char *ts, *end;
	time_t t;

	(void)state;
	base_call();
	record();
	ts = get("ts");
	assert_non_null(ts);
	assert_int_equal(strlen(ts), 27);
	end = strptime(ts, "%Y-%m-%dT%H:%M:%S", &tm);
	assert_non_null(end);
	assert_int_equal(end[0], '.');
	for (int i = 1; i <= 6; i++)
		assert_true(end[i] >= '0' && end[i] <= '9');
	assert_string_equal(end + 7, "Z");
	t = timegm(&tm);
	assert_true(llabs((long long)(t - time(NULL))) <= 5);
}

static void test_mkdirat(void **state)
{
	(void)state;
	base_call();
	c.kind = SYSCALLS_MKDIRAT;
	c.dirfd = AT_FDCWD;
	record();
	HAS("syscall", "mkdirat");
	assert_non_null(strstr(line, "\"dirfd\":\"AT_FDCWD\""));
	c.dirfd = 7;
	record();
	HAS("dirfd", "7");
	c.dirfd = -1;
	record();
	HAS("dirfd", "-1");
}

static void test_mode(void **state)
{
	static const struct { mode_t m; const char *s; } modes[] = {
		{ 0, "0000" }, { 0777, "0777" }, { 07777, "7777" }, { 01777, "1777" },
		{ 040755, "0755" }, { 0xffffffffU, "7777" }, { 010000, "0000" },
	};

	(void)state;
	base_call();
	for (size_t i = 0; i < UNIT_LEN(modes); i++) {
		c.mode = modes[i].m;
		record();
		HAS("mode", modes[i].s);
	}
}

static void test_errno_names(void **state)
{
	static const struct { int e; const char *s; } names[] = {
		{ EEXIST, "EEXIST" }, { EPERM, "EPERM" }, { ENOENT, "ENOENT" },
		{ EACCES, "EACCES" }, { ENOSPC, "ENOSPC" }, { EROFS, "EROFS" },
		{ ENAMETOOLONG, "ENAMETOOLONG" }, { ELOOP, "ELOOP" }, { ENOTDIR, "ENOTDIR" },
		{ EBADF, "EBADF" }, { EFAULT, "EFAULT" }, { ENOSYS, "ENOSYS" },
		{ EDQUOT, "EDQUOT" }, { EMLINK, "EMLINK" }, { EINTR, "EINTR" },
	};

	(void)state;
	base_call();
	for (size_t i = 0; i < UNIT_LEN(names); i++) {
		vd.err = names[i].e;
		record();
		HAS("errno", names[i].s);
	}
}

static void test_decisions(void **state)
{
	(void)state;
	base_call();
	vd.decision = DECISION_DENIED;
	vd.err = EPERM;
	vd.reason = "outside the allowed roots";
	record();
	HAS("decision", "denied");
	HAS("errno", "EPERM");
	HAS("reason", "outside the allowed roots");
	vd.decision = DECISION_ERROR;
	vd.err = EFAULT;
	vd.reason = NULL;	/* never absent on error */
	record();
	HAS("decision", "error");
	HAS("errno", "EFAULT");
	assert_non_null(get("reason"));
	assert_string_not_equal(get("reason"), "null");
}

/* What is unknown is null, never a stale or empty value. */
static void test_unknowns(void **state)
{
	(void)state;
	base_call();
	p.ok = false;
	have_resolved = false;
	tf.ok = false;
	tf.creds.fsuid = (uid_t)-1;
	tf.tgid = 0;
	record();
	HAS("path", "null");
	HAS("resolved", "null");
	HAS("exe", "null");
	HAS("comm", "null");
	HAS("cwd", "null");
	HAS("uid", "null");
	HAS("pid", "1234");	/* the tid when the tgid is unknown */
}

/* Target strings are bytes: non-UTF-8 escapes losslessly, control bytes
 * and quotes cannot break the line. */
static void test_escaping(void **state)
{
	static const char nasty[] = "/tmp/\xff\xfe\"}\n{\"x\":\"\x01\\\xc3\xa9";

	(void)state;
	base_call();
	strcpy(p.path, nasty);
	strcpy(tf.cwd, nasty);
	strcpy(tf.exe, "/opt/\xe2\x82");
	strcpy(tf.comm, "a\tb");
	strcpy(resolved, nasty);
	record();
	HAS("path", nasty);
	HAS("cwd", nasty);
	HAS("resolved", nasty);
	HAS("exe", "/opt/\xe2\x82");
	HAS("comm", "a\tb");
	assert_non_null(strstr(line, "\\udcff\\udcfe"));
}

/* The largest record a target can cause still fits in one line: every
 * string at its bound, every byte escaped 6 times its size. */
static void test_worst_case_fits(void **state)
{
	(void)state;
	base_call();
	c.kind = SYSCALLS_MKDIRAT;
	c.dirfd = -2147483647 - 1;
	memset(p.path, 0xff, sizeof(p.path) - 1);
	memset(tf.exe, 0xff, sizeof(tf.exe) - 1);
	memset(tf.cwd, 0xff, sizeof(tf.cwd) - 1);
	memset(tf.comm, 0xff, sizeof(tf.comm) - 1);
	memset(resolved, 0xff, sizeof(resolved) - 1);
	vd.decision = DECISION_DENIED;
	vd.err = EPERM;
	vd.reason = "outside the allowed roots";
	line_len = format();
	if (line_len < 0)
		fail_msg("a worst-case record does not fit in AUDIT_LINE_MAX (%d): "
			 "the call would be answered with no record at all", AUDIT_LINE_MAX);
	record();
	assert_int_equal(strlen(get("resolved")), sizeof(resolved) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_ts),
		cmocka_unit_test(test_mkdirat),
		cmocka_unit_test(test_mode),
		cmocka_unit_test(test_errno_names),
		cmocka_unit_test(test_decisions),
		cmocka_unit_test(test_unknowns),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_worst_case_fits),
	};
	int failed = cmocka_run_group_tests_name("audit record", tests, NULL, NULL);

	return failed + audit_file_run() + audit_rotate_run();
}
