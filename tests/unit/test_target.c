/* tracerd/target.c: reading the path argument out of target memory (here:
 * our own, with pages unmapped where a hostile target would put them), the
 * verdict on a read, and /proc/TID/status parsing from a fake status in a
 * memfd. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "target.h"
#include "test_target.h"

#define PAGE 4096UL

static struct target_path c;
static char *pages;	/* 3 pages: mapped, mapped, unmapped */

static int setup(void **state)
{
	(void)state;
	pages = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pages == MAP_FAILED)
		return -1;
	return munmap(pages + 2 * PAGE, PAGE);
}

static int teardown(void **state)
{
	(void)state;
	return munmap(pages, 2 * PAGE);
}

static int read_at(const char *p)
{
	memset(&c, 0, sizeof(c));
	memset(c.path, 'Z', sizeof(c.path));
	return target_read_path(gettid(), (uint64_t)(uintptr_t)p, &c);
}

static void test_read_plain(void **state)
{
	static const char path[] = "/tmp/plain";

	(void)state;
	assert_int_equal(read_at(path), 0);
	assert_true(c.ok);
	assert_string_equal(c.path, path);
}

/* The NUL is the last byte before an unmapped page: a short read. */
static void test_read_nul_at_edge(void **state)
{
	char *p = pages + 2 * PAGE - 5;

	(void)state;
	memcpy(p, "/tmp", 5);
	assert_int_equal(read_at(p), 0);
	assert_string_equal(c.path, "/tmp");
	/* crossing from one mapped page into the next */
	p = pages + PAGE - 3;
	memcpy(p, "/tmp/cross", 11);
	assert_int_equal(read_at(p), 0);
	assert_string_equal(c.path, "/tmp/cross");
}

/* Bytes run into the unmapped page before any NUL: EFAULT, never a
 * truncated path. */
static void test_read_fault(void **state)
{
	char *p = pages + 2 * PAGE - 4;

	(void)state;
	memcpy(p, "/tmp", 4);
	assert_int_equal(read_at(p), -EFAULT);
	assert_false(c.ok);
	assert_int_equal(read_at(NULL), -EFAULT);
	assert_int_equal(read_at(pages + 2 * PAGE), -EFAULT);
	assert_int_equal(read_at((char *)(uintptr_t)0xfffffffffffff000ULL), -EFAULT);
}

static void test_read_lengths(void **state)
{
	char *p = pages;

	(void)state;
	/* PATH_MAX - 1 bytes and the NUL: the longest path the kernel takes */
	memset(p, 'a', PATH_MAX - 1);
	p[PATH_MAX - 1] = '\0';
	assert_int_equal(read_at(p), 0);
	assert_int_equal(strlen(c.path), PATH_MAX - 1);
	/* no NUL within PATH_MAX */
	p[PATH_MAX - 1] = 'a';
	p[PATH_MAX] = '\0';
	assert_int_equal(read_at(p), -ENAMETOOLONG);
	assert_false(c.ok);
	/* an empty path is read fine (the kernel says ENOENT later) */
	assert_int_equal(read_at(""), 0);
	assert_string_equal(c.path, "");
}

static void test_read_gone(void **state)
{
	pid_t pid = fork();

	(void)state;
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	memset(&c, 0, sizeof(c));
	assert_int_equal(target_read_path(pid, (uint64_t)(uintptr_t)"/tmp", &c), -ESRCH);
	assert_false(c.ok);
}

static void test_path_check(void **state)
{
	char buf[8] = "abc";

	(void)state;
	assert_int_equal(target_path_check(buf, 4, sizeof(buf)), 0);
	assert_int_equal(target_path_check(buf, 0, sizeof(buf)), -EFAULT);
	assert_int_equal(target_path_check(buf, -EFAULT, sizeof(buf)), -EFAULT);
	assert_int_equal(target_path_check(buf, -EIO, sizeof(buf)), -EFAULT);	/* /proc/PID/mem */
	assert_int_equal(target_path_check(buf, -ESRCH, sizeof(buf)), -ESRCH);
	assert_int_equal(target_path_check(buf, -EPERM, sizeof(buf)), -EPERM);
	assert_int_equal(target_path_check(buf, -EACCES, sizeof(buf)), -EPERM);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(target_path_check(buf, 3, sizeof(buf)), -EFAULT);	/* short */
	assert_int_equal(target_path_check(buf, 8, sizeof(buf)), -ENAMETOOLONG);
	buf[7] = '\0';
	assert_int_equal(target_path_check(buf, 8, sizeof(buf)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_plain),
		cmocka_unit_test(test_read_nul_at_edge),
		cmocka_unit_test(test_read_fault),
		cmocka_unit_test(test_read_lengths),
		cmocka_unit_test(test_read_gone),
		cmocka_unit_test(test_path_check),
	};
	int failed = cmocka_run_group_tests_name("target memory", tests, setup, teardown);

	return failed + target_status_run();
}
