/* tracerd/resolve.c: resolve_parent with this very process as the target
 * (its /proc/self/task/TID), on a scratch tree: the parent fd and last
 * component the kernel's own walk would reach, the errors it would give,
 * and the canonical `resolved` path of the audit record. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "resolve.h"
#include "test_resolve.h"

static struct resolve_in in;
static struct resolve_out out;
static char path[PATH_MAX];
static char cwd_saved[PATH_MAX];
static pid_t ids[2];

static int setup(void **state)
{
	char p[PATH_MAX], target[PATH_MAX];

	if (rs_setup(state) < 0 || !getcwd(cwd_saved, sizeof(cwd_saved)))
		return -1;
	snprintf(p, sizeof(p), "/proc/self/task/%d", gettid());
	in.procfd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ids[0] = getpid();
	ids[1] = gettid();
	in.nstgid = &ids[0];
	in.nspid = &ids[1];
	in.nslevels = 1;
	in.arena = resolve_arena_new();
	in.self_rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (in.procfd < 0 || in.self_rootfd < 0 || !in.arena ||
	    ident_at(in.self_rootfd, "", AT_EMPTY_PATH, &in.self_root) < 0)
		return -1;
	close(rs_mkdirs("t/a"));
	close(rs_mkdirs("out"));
	snprintf(p, sizeof(p), "%s/t/file", rs_dir);
	close(open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
	snprintf(target, sizeof(target), "%s/out", rs_dir);
	snprintf(p, sizeof(p), "%s/t/a/link", rs_dir);
	if (symlink(target, p) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/t/loop", rs_dir);
	if (symlink("loop", p) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/t", rs_dir);
	return chdir(p);
}

static int teardown(void **state)
{
	close(in.procfd);
	close(in.self_rootfd);
	resolve_arena_free(in.arena);
	if (chdir(cwd_saved) < 0)
		return -1;
	return rs_teardown(state);
}

/* Resolve P (a "%s" in it: the scratch dir) as mkdir, or mkdirat on
 * dirfd. */
static int resolve(int kind_at, int dirfd, const char *p)
{
	const char *at = strstr(p, "%s");

	memset(&out, 0, sizeof(out));
	if (at)
		snprintf(path, sizeof(path), "%.*s%s%s", (int)(at - p), p, rs_dir, at + 2);
	else
		snprintf(path, sizeof(path), "%s", p);
	in.path = path;
	in.dirfd = kind_at ? dirfd : AT_FDCWD;
	return resolve_parent(&in, &out);
}

/* The parent is rel (under the scratch dir) and resolved reads so. */
static void parent_is(const char *rel, const char *last)
{
	struct ident want, got;
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", rs_dir, rel);
	assert_int_equal(ident_at(AT_FDCWD, p, 0, &want), 0);
	assert_true(out.parentfd >= 0);
	assert_int_equal(ident_at(out.parentfd, "", AT_EMPTY_PATH, &got), 0);
	assert_true(ident_eq(&want, &got));
	assert_string_equal(out.last, last);
	assert_int_equal(out.type, LAST_NORM);
	assert_true(out.have_resolved);
	snprintf(p, sizeof(p), "%s/%s/%s", rs_dir, rel, last);
	assert_string_equal(out.resolved, p);
	close(out.parentfd);
}

static void test_absolute(void **state)
{
	int base = unit_count_fds();

	(void)state;
	assert_int_equal(resolve(0, 0, "%s/t/a/new"), 0);
	parent_is("t/a", "new");
	assert_int_equal(resolve(0, 0, "/%s//t//a/new///"), 0);
	parent_is("t/a", "new");
	assert_int_equal(resolve(0, 0, "%s/t/a/../a/./new"), 0);
	parent_is("t/a", "new");
	assert_int_equal(unit_count_fds(), base);
}

static void test_dots(void **state)
{
	(void)state;
	assert_int_equal(resolve(0, 0, "%s/t/a/."), 0);
	assert_int_equal(out.type, LAST_DOT);
	close(out.parentfd);
	assert_int_equal(resolve(0, 0, "%s/t/a/.."), 0);
	assert_int_equal(out.type, LAST_DOT);
	close(out.parentfd);
	assert_int_equal(resolve(0, 0, "/"), 0);
	assert_int_equal(out.type, LAST_DOT);
	close(out.parentfd);
}

static void test_kernel_errors(void **state)
{
	int base = unit_count_fds();

	(void)state;
	assert_int_equal(resolve(0, 0, "%s/t/missing/new"), -ENOENT);
	assert_int_equal(resolve(0, 0, "%s/t/file/new"), -ENOTDIR);
	assert_int_equal(resolve(0, 0, "%s/t/loop/new"), -ELOOP);
	assert_int_equal(unit_count_fds(), base);
}

/* The walk's cost bound: links whose bodies are 2 000 "./" each. Two of
 * them (4 000 components and a few) resolve as the kernel does; three go
 * past 4 096 and end with -E2BIG, where the kernel would walk on. */
static void test_walk_bound(void **state)
{
	static char body[2 * 2000 + 2];
	char p[PATH_MAX];
	int base = unit_count_fds();

	(void)state;
	for (int i = 0; i < 2000; i++)
		memcpy(body + 2 * i, "./", 2);
	body[4000] = '.';
	for (int i = 1; i <= 3; i++) {
		snprintf(p, sizeof(p), "%s/t/dots%d", rs_dir, i);
		assert_int_equal(symlink(body, p), 0);
	}
	assert_int_equal(resolve(0, 0, "%s/t/dots1/dots2/new"), 0);
	parent_is("t", "new");
	assert_int_equal(resolve(0, 0, "%s/t/dots1/dots2/dots3/new"), -E2BIG);
	assert_int_equal(out.parentfd, -1);
	assert_int_equal(mkdir(path, 0700), 0);	/* the kernel has no such bound */
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(unit_count_fds(), base);
}

/* A symlink is followed as the kernel would: the parent is where it
 * really leads, and resolved says so. */
static void test_symlink(void **state)
{
	(void)state;
	assert_int_equal(resolve(0, 0, "%s/t/a/link/new"), 0);
	parent_is("out", "new");
}

static void test_relative(void **state)
{
	(void)state;
	assert_int_equal(resolve(0, 0, "a/new"), 0);
	parent_is("t/a", "new");
	assert_int_equal(resolve(0, 0, "new"), 0);
	parent_is("t", "new");
	assert_int_equal(resolve(0, 0, "../out/new"), 0);
	parent_is("out", "new");
	assert_int_equal(resolve(1, AT_FDCWD, "a/new"), 0);
	parent_is("t/a", "new");
}

static void test_dirfd(void **state)
{
	char p[PATH_MAX];
	int dfd, ffd;

	(void)state;
	snprintf(p, sizeof(p), "%s/t/a", rs_dir);
	dfd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	snprintf(p, sizeof(p), "%s/t/file", rs_dir);
	ffd = open(p, O_RDONLY | O_CLOEXEC);
	assert_true(dfd >= 0 && ffd >= 0);
	assert_int_equal(resolve(1, dfd, "new"), 0);
	parent_is("t/a", "new");
	assert_int_equal(resolve(1, dfd, "../../out/new"), 0);
	parent_is("out", "new");
	assert_int_equal(resolve(1, ffd, "new"), -ENOTDIR);
	assert_int_equal(resolve(1, 1000000, "new"), -EBADF);
	assert_int_equal(resolve(1, -5, "new"), -EBADF);
	/* an absolute path ignores the dirfd */
	assert_int_equal(resolve(1, 1000000, "%s/t/a/new"), 0);
	parent_is("t/a", "new");
	close(dfd);
	close(ffd);
}

int resolve_parent_run(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absolute),
		cmocka_unit_test(test_dots),
		cmocka_unit_test(test_kernel_errors),
		cmocka_unit_test(test_walk_bound),
		cmocka_unit_test(test_symlink),
		cmocka_unit_test(test_relative),
		cmocka_unit_test(test_dirfd),
	};

	return cmocka_run_group_tests_name("resolve_parent", tests, setup, teardown);
}
