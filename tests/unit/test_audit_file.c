/* tracerd/audit.c, the log file: created 0600 under 0700 parents, a torn
 * last line cut at start, one write per line, and a record that cannot be
 * written goes to stderr as `audit-lost:` and is counted by a later
 * `lost-records` event. write(2) is wrapped (-Wl,--wrap=write) to fail. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "audit.h"
#include "jsoncheck.h"
#include "test_audit.h"
#include "test_audit_fixture.h"

ssize_t __wrap_write(int fd, const void *buf, size_t n);
ssize_t __real_write(int fd, const void *buf, size_t n);

/* fd: the fd to fail, -1: none; fail 1: ENOSPC, 2: write half (short) */
struct audit_inject inject = { -1, 0 };

ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
	if (fd == inject.fd && inject.fail == 1) {
		errno = ENOSPC;
		return -1;
	}
	if (fd == inject.fd && inject.fail == 2 && n > 1)
		return __real_write(fd, buf, n / 2);
	return __real_write(fd, buf, n);
}

/* A filesystem with room up to this offset of the log (-1: plenty). */
off_t falloc_room = -1;

int __wrap_fallocate(int fd, int mode, off_t off, off_t len);
int __real_fallocate(int fd, int mode, off_t off, off_t len);

int __wrap_fallocate(int fd, int mode, off_t off, off_t len)
{
	if (falloc_room >= 0 && off + len > falloc_room) {
		errno = ENOSPC;
		return -1;
	}
	return __real_fallocate(fd, mode, off, len);
}

static int setup(void **state)
{
	(void)state;
	return fixture_setup("/tmp/unit-audit-XXXXXX", "a/b/audit.jsonl");
}

static int teardown(void **state)
{
	(void)state;
	return fixture_teardown();
}

static void slurp(const char *p)
{
	assert_true(fixture_read(p));
}

static void put_file(const char *p, const char *s, size_t n)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(__real_write(fd, s, n), (ssize_t)n);
	close(fd);
}

/* Every line of the file is a valid JSON object. Returns the count. */
static int lines_valid(void)
{
	int count = 0;

	assert_true(fx.content_len == 0 || fx.content[fx.content_len - 1] == '\n');
	for (char *l = fx.content, *nl; (nl = strchr(l, '\n')); l = nl + 1, count++)
		if (!jc_valid(l, (size_t)(nl - l)))
			fail_msg("invalid line: %.*s", (int)(nl - l), l);
	return count;
}

static void test_create(void **state)
{
	struct stat st;
	char sub[160];
	size_t torn = 99;

	(void)state;
	assert_int_equal(audit_open(fx.path, &torn), 0);
	assert_int_equal(torn, 0);
	assert_int_equal(stat(fx.path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	snprintf(sub, sizeof(sub), "%s/a", fx.dir);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	snprintf(sub, sizeof(sub), "%s/a/b", fx.dir);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(audit_write("{\"a\":1}\n", 8, 0), 0);
	assert_int_equal(audit_write("{\"b\":2}\n", 8, 0), 0);
	slurp(fx.path);
	assert_string_equal(fx.content, "{\"a\":1}\n{\"b\":2}\n");
}

/* Appends to what is there, whoever wrote it. */
static void test_append(void **state)
{
	size_t torn;

	(void)state;
	assert_int_equal(audit_open(fx.path, &torn), 0);
	audit_close();
	put_file(fx.path, "{\"old\":1}\n", 10);
	assert_int_equal(audit_open(fx.path, &torn), 0);
	assert_int_equal(torn, 0);
	assert_int_equal(audit_write("{\"new\":1}\n", 10, 0), 0);
	slurp(fx.path);
	assert_string_equal(fx.content, "{\"old\":1}\n{\"new\":1}\n");
}

static void torn_case(const char *before, size_t blen, size_t want_torn, size_t want_size)
{
	struct stat st;
	size_t torn = 12345;

	audit_close();
	put_file(fx.path, before, blen);
	assert_int_equal(audit_open(fx.path, &torn), 0);
	assert_int_equal(torn, want_torn);
	assert_int_equal(stat(fx.path, &st), 0);
	assert_int_equal(st.st_size, want_size);
}

static void test_torn(void **state)
{
	static char big[10000];
	size_t torn;

	(void)state;
	assert_int_equal(audit_open(fx.path, &torn), 0);
	torn_case("{\"a\":1}\n{\"b\":", 13, 5, 8);
	torn_case("no newline at all", 17, 17, 0);
	torn_case("{\"a\":1}\n", 8, 0, 8);
	torn_case("", 0, 0, 0);
	/* a tail longer than one read buffer */
	memset(big, 'x', sizeof(big));
	memcpy(big, "{\"a\":1}\n", 8);
	torn_case(big, sizeof(big), sizeof(big) - 8, 8);
	big[8000] = '\n';
	torn_case(big, sizeof(big), sizeof(big) - 8001, 8001);
	assert_int_equal(audit_write("{\"c\":3}\n", 8, 0), 0);
	slurp(fx.path);
	assert_int_equal(fx.content_len, 8009);
}

static void test_bad_paths(void **state)
{
	char p[PATH_MAX + 16];
	size_t torn;

	(void)state;
	memset(p, 'a', sizeof(p) - 1);
	p[0] = '/';
	p[sizeof(p) - 1] = '\0';
	assert_int_equal(audit_open(p, &torn), -ENAMETOOLONG);
	/* a parent that is a file */
	snprintf(p, sizeof(p), "%s/file", fx.dir);
	put_file(p, "", 0);
	snprintf(p, sizeof(p), "%s/file/audit.jsonl", fx.dir);
	assert_int_equal(audit_open(p, &torn), -ENOTDIR);
}

/* Run audit_write with fd `which` (1 or 2) captured; returns its result,
 * the captured text in fx.content. */
static int captured(int which, const char *l)
{
	char cap[128];
	int saved, fd, r;

	snprintf(cap, sizeof(cap), "%s/captured", fx.dir);
	fd = open(cap, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	fflush(which == 1 ? stdout : stderr);
	saved = dup(which);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fd, which), which);
	r = audit_write(l, strlen(l), 0);
	fflush(which == 1 ? stdout : stderr);
	assert_int_equal(dup2(saved, which), which);
	close(saved);
	close(fd);
	slurp(cap);
	return r;
}

static void check_lost_event(const char *l, size_t n, const char *count)
{
	struct jc_str v;

	assert_true(jc_valid(l, n));
	fixture_member(l, n, "event", 0, "lost-records");
	assert_int_equal(jc_member(l, n, "ts", &v), 0);
	fixture_member(l, n, "count", 2, count);
}

static void test_lost(void **state)
{
	static const char l1[] = "{\"n\":1}\n", l2[] = "{\"n\":2}\n", l3[] = "{\"n\":3}\n";
	size_t torn;
	char *nl;

	(void)state;
	assert_int_equal(audit_open(fx.path, &torn), 0);
	inject.fd = fixture_fd_of(fx.path);
	inject.fail = 1;
	assert_int_equal(captured(2, l1), -ENOSPC);
	assert_string_equal(fx.content, "audit-lost: {\"n\":1}\n");
	assert_int_equal(captured(2, l2), -ENOSPC);
	assert_string_equal(fx.content, "audit-lost: {\"n\":2}\n");
	inject.fail = 0;
	assert_int_equal(captured(2, l3), 0);
	assert_int_equal(fx.content_len, 0);
	slurp(fx.path);
	assert_int_equal(lines_valid(), 2);
	nl = strchr(fx.content, '\n');
	check_lost_event(fx.content, (size_t)(nl - fx.content), "2");
	assert_string_equal(nl + 1, l3);
	inject.fd = -1;
}

/* A short write is cut back off: no torn line, ever. */
static void test_short_write(void **state)
{
	static const char l1[] = "{\"n\":\"a somewhat longer line\"}\n", l2[] = "{\"n\":2}\n";
	size_t torn;
	char *nl;

	(void)state;
	assert_int_equal(audit_open(fx.path, &torn), 0);
	assert_int_equal(audit_write(l2, strlen(l2), 0), 0);
	inject.fd = fixture_fd_of(fx.path);
	inject.fail = 2;
	assert_int_equal(captured(2, l1), -ENOSPC);
	assert_non_null(strstr(fx.content, "audit-lost: "));
	slurp(fx.path);
	assert_string_equal(fx.content, l2);
	inject.fail = 0;
	assert_int_equal(audit_write(l2, strlen(l2), 0), 0);
	slurp(fx.path);
	assert_int_equal(lines_valid(), 3);
	nl = strchr(fx.content, '\n');
	nl = strchr(nl + 1, '\n');
	check_lost_event(strchr(fx.content, '\n') + 1,
			 (size_t)(nl - strchr(fx.content, '\n') - 1), "1");
	inject.fd = -1;
}

/* Deleted under a running daemon: recreated (0600) and said so. */
static void test_deleted(void **state)
{
	static const char l1[] = "{\"n\":1}\n";
	struct stat st;
	size_t torn;

	(void)state;
	assert_int_equal(audit_open(fx.path, &torn), 0);
	assert_int_equal(unlink(fx.path), 0);
	assert_int_equal(captured(2, l1), 0);
	assert_non_null(strstr(fx.content, "deleted"));
	slurp(fx.path);
	assert_string_equal(fx.content, l1);
	assert_int_equal(stat(fx.path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
}

/* Room for a creation's record is reserved on disk before the creation:
 * a full filesystem refuses the claim instead of losing the record; a
 * filesystem too full for a chunk still reserves just the claim; what is
 * claimed is given back by the write or by audit_unclaim. */
static void test_claims(void **state)
{
	struct stat st;
	size_t torn;

	(void)state;
	falloc_room = 64 * 1024;
	assert_int_equal(audit_open(fx.path, &torn), 0);
	/* a 1 MiB chunk does not fit: just the claim is reserved */
	assert_int_equal(audit_claim(1000), 0);
	assert_int_equal(stat(fx.path, &st), 0);
	assert_int_equal(st.st_size, 0);		/* KEEP_SIZE */
	assert_true(st.st_blocks * 512 >= 1000);	/* but on disk */
	assert_int_equal(audit_write("{\"a\":1}\n", 8, 1000), 0);
	assert_int_equal(audit_claim(200 * 1024), -ENOSPC);
	assert_int_equal(audit_claim(8 * 1024), 0);
	audit_unclaim(8 * 1024);
	assert_int_equal(audit_claim(60 * 1024), 0);
	assert_int_equal(audit_claim(8 * 1024), -ENOSPC);	/* the first holds it */
	audit_unclaim(60 * 1024);
	assert_int_equal(audit_claim(8 * 1024), 0);
	audit_unclaim(8 * 1024);
	/* room again: a whole chunk ahead */
	falloc_room = -1;
	assert_int_equal(audit_claim(1000), 0);
	assert_int_equal(stat(fx.path, &st), 0);
	assert_true(st.st_blocks * 512 >= 1024 * 1024);
	audit_unclaim(1000);
	slurp(fx.path);
	assert_int_equal(lines_valid(), 1);
}

static void test_stdout(void **state)
{
	static const char l1[] = "{\"n\":1}\n";
	size_t torn = 9;

	(void)state;
	assert_int_equal(audit_open("-", &torn), 0);
	assert_int_equal(torn, 0);
	assert_int_equal(captured(1, l1), 0);
	assert_string_equal(fx.content, l1);
	audit_close();
	assert_true(fcntl(STDOUT_FILENO, F_GETFD) >= 0);	/* not closed */
}

static void test_events(void **state)
{
	struct jc_str v;
	size_t torn;
	char *l2;

	(void)state;
	assert_int_equal(audit_open(fx.path, &torn), 0);
	assert_int_equal(audit_event("start", 0, "cut a torn line of 5 bytes"), 0);
	assert_int_equal(audit_event("attach", 42, NULL), 0);
	slurp(fx.path);
	assert_int_equal(lines_valid(), 2);
	assert_memory_equal(fx.content, "{\"ts\":\"", 7);
	assert_int_equal(jc_member(fx.content, fx.content_len, "event", &v), 0);
	assert_memory_equal(v.buf, "start", 5);
	assert_int_equal(jc_member(fx.content, fx.content_len, "reason", &v), 0);
	assert_int_equal(v.len, strlen("cut a torn line of 5 bytes"));
	l2 = strchr(fx.content, '\n') + 1;
	assert_null(memmem(fx.content, (size_t)(l2 - fx.content), "\"pid\"", 5));
	assert_int_equal(jc_member(l2, strlen(l2), "pid", &v), 2);
	assert_memory_equal(v.buf, "42", 2);
	assert_int_equal(jc_member(l2, strlen(l2), "reason", &v), -1);
}

#define THREADS 4
#define PER_THREAD 100

static void *writer(void *arg)
{
	long id = (long)arg;
	char l[256];

	for (int i = 0; i < PER_THREAD; i++) {
		int n = snprintf(l, sizeof(l), "{\"t\":%ld,\"i\":%d,\"pad\":\"%.*s\"}\n", id, i,
				 (int)(i % 150), "................................................"
				 "..............................................................."
				 ".......................................");

		if (audit_write(l, (size_t)n, 0) < 0)
			return (void *)1;
	}
	return NULL;
}

/* Lines written from several threads at once are never interleaved. */
static void test_threads(void **state)
{
	pthread_t th[THREADS];
	int seen[THREADS] = { 0 };
	size_t torn;
	void *ret;

	(void)state;
	assert_int_equal(audit_open(fx.path, &torn), 0);
	for (long i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, writer, (void *)i), 0);
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(th[i], &ret), 0);
		assert_null(ret);
	}
	slurp(fx.path);
	assert_int_equal(lines_valid(), THREADS * PER_THREAD);
	for (char *l = fx.content; *l; l = strchr(l, '\n') + 1) {
		int t, i;

		assert_int_equal(sscanf(l, "{\"t\":%d,\"i\":%d", &t, &i), 2);
		assert_true(t >= 0 && t < THREADS);
		assert_int_equal(i, seen[t]++);	/* in order per thread */
	}
}

int audit_file_run(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_append, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_claims, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stdout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
	};

	return cmocka_run_group_tests_name("audit file", tests, NULL, NULL);
}
