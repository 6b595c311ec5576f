/* tracerd/resolve.c and emulate.c on a scratch tree: identities, the walk
 * up from a parent to the allowed roots (bounded, EACCES as an ordinary
 * user), and the probe and creation steps. test_resolve_parent.c resolves
 * paths with this process as the target. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "emulate.h"
#include "resolve.h"
#include "test_resolve.h"

char rs_dir[64];

int rs_setup(void **state)
{
	(void)state;
	strcpy(rs_dir, "/tmp/unit-resolve-XXXXXX");
	if (!mkdtemp(rs_dir))
		return -1;
	return chmod(rs_dir, 0755);
}

int rs_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", rs_dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* mkdir -p of DIR/rel; returns an O_PATH fd of it. */
int rs_mkdirs(const char *rel)
{
	char p[PATH_MAX], cmd[PATH_MAX + 32];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", rs_dir, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", p);
	assert_int_equal(system(cmd), 0);
	fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	return fd;
}

static struct ident id_of(int fd)
{
	struct ident id;

	assert_int_equal(ident_at(fd, "", AT_EMPTY_PATH, &id), 0);
	return id;
}

static void test_ident(void **state)
{
	int a = rs_mkdirs("a"), b = rs_mkdirs("b"), a2 = rs_mkdirs("b/../a");
	struct ident ia = id_of(a), ib = id_of(b), ia2 = id_of(a2), byname;

	(void)state;
	assert_true(ident_eq(&ia, &ia2));
	assert_false(ident_eq(&ia, &ib));
	assert_true(ia.mnt != 0);	/* STATX_MNT_ID */
	assert_int_equal(ident_at(b, "../a", 0, &byname), 0);
	assert_true(ident_eq(&ia, &byname));
	assert_int_equal(ident_at(b, "missing", 0, &byname), -ENOENT);
	close(a);
	close(b);
	close(a2);
}

static void test_within(void **state)
{
	int root = rs_mkdirs("root"), deep = rs_mkdirs("root/a/b/c"), out = rs_mkdirs("out");
	int other = rs_mkdirs("other"), top = open("/", O_PATH | O_CLOEXEC);
	int proc = open("/proc/self", O_PATH | O_CLOEXEC);
	struct ident roots[2] = { id_of(root), id_of(other) };
	int base = unit_count_fds();

	(void)state;
	assert_int_equal(resolve_within(root, roots, 1, NULL), 1);
	assert_int_equal(resolve_within(deep, roots, 1, NULL), 1);
	assert_int_equal(resolve_within(out, roots, 1, NULL), 0);
	assert_int_equal(resolve_within(top, roots, 1, NULL), 0);
	assert_int_equal(resolve_within(proc, roots, 1, NULL), 0);	/* another mount */
	assert_int_equal(resolve_within(other, roots, 1, NULL), 0);
	assert_int_equal(resolve_within(other, roots, 2, NULL), 1);
	{
		/* a deleted directory, even a root: -ENOENT, nothing below it */
		int gone = rs_mkdirs("gone");
		struct ident g[1] = { id_of(gone) };
		char p[PATH_MAX];

		snprintf(p, sizeof(p), "%s/gone", rs_dir);
		assert_int_equal(resolve_within(gone, g, 1, NULL), 1);
		assert_int_equal(rmdir(p), 0);
		assert_int_equal(resolve_within(gone, g, 1, NULL), -ENOENT);
		close(gone);
	}
	assert_int_equal(resolve_within(deep, roots, 0, NULL), 0);
	/* a known top ends the walk there: the same answers below it, and a
	 * root above it (never the case for tracerd's own root) is not seen */
	{
		struct ident t = id_of(top), a = id_of(deep), up;

		assert_int_equal(ident_at(deep, "..", 0, &up), 0);
		assert_int_equal(resolve_within(deep, roots, 1, &t), 1);
		assert_int_equal(resolve_within(out, roots, 1, &t), 0);
		assert_int_equal(resolve_within(top, roots, 1, &t), 0);
		assert_int_equal(resolve_within(deep, roots, 1, &up), 0);
		assert_int_equal(resolve_within(deep, &a, 1, &up), 1);
	}
	/* the walk leaves no fd behind */
	assert_int_equal(unit_count_fds(), base);
	close(root);
	close(deep);
	close(out);
	close(other);
	close(top);
	close(proc);
}

/* Deeper than 4096 levels: -ELOOP, never a guess. */
static void test_within_bound(void **state)
{
	int top = rs_mkdirs("deep"), cur = dup(top), mid = -1;
	struct ident root = id_of(top);

	(void)state;
	for (int i = 1; i <= 4100; i++) {
		int next;

		assert_int_equal(mkdirat(cur, "d", 0755), 0);
		next = openat(cur, "d", O_PATH | O_DIRECTORY | O_CLOEXEC);
		assert_true(next >= 0);
		close(cur);
		cur = next;
		if (i == 4000)
			mid = dup(cur);
	}
	assert_int_equal(resolve_within(mid, &root, 1, NULL), 1);
	assert_int_equal(resolve_within(cur, &root, 1, NULL), -ELOOP);
	close(mid);
	close(cur);
	close(top);
}

/* As uid 65534, an ancestor it cannot search: -EACCES (denied later). */
static void test_within_eacces(void **state)
{
	int root = rs_mkdirs("r2"), inner = rs_mkdirs("r2/locked/inner"), status;
	struct ident id = id_of(root);
	char p[128];
	pid_t pid;

	(void)state;
	if (geteuid() != 0)
		skip();
	snprintf(p, sizeof(p), "%s/r2/locked", rs_dir);
	assert_int_equal(chmod(p, 0700), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0)
			_exit(2);
		_exit(resolve_within(inner, &id, 1, NULL) == -EACCES ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(root);
	close(inner);
}

static void test_probe(void **state)
{
	int d = rs_mkdirs("probe/sub");
	char p[128], longname[300];

	(void)state;
	close(d);
	d = rs_mkdirs("probe");
	snprintf(p, sizeof(p), "%s/probe/file", rs_dir);
	close(open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
	assert_int_equal(symlinkat("/nonexistent/target", d, "dangling"), 0);
	assert_int_equal(emulate_probe(d, "sub"), -EEXIST);
	assert_int_equal(emulate_probe(d, "file"), -EEXIST);
	assert_int_equal(emulate_probe(d, "dangling"), -EEXIST);	/* as mkdir: EEXIST */
	assert_int_equal(emulate_probe(d, "absent"), 0);
	memset(longname, 'n', 256);
	longname[256] = '\0';
	assert_int_equal(emulate_probe(d, longname), -ENAMETOOLONG);
	close(d);
}

struct mk_args {
	int parent;
	mode_t mask;
	unsigned mode;
	int init, r;
};

static void *mk_thread(void *arg)
{
	struct mk_args *a = arg;

	a->init = emulate_thread_init();
	a->r = emulate_mkdir(a->parent, "made", a->mode, a->mask);
	return NULL;
}

/* The thread takes the target's umask; the process keeps its own, and the
 * result is what a native mkdir under that umask makes. */
static void test_mkdir_umask(void **state)
{
	static const mode_t masks[] = { 022, 077, 0, 0777 };
	int d = rs_mkdirs("mk");
	mode_t before = umask(022);

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(masks); i++) {
		struct mk_args a = { .mask = masks[i], .mode = 07777 };
		struct stat st, nat;
		pthread_t th;
		char rel[32];
		int sub;

		snprintf(rel, sizeof(rel), "mk/%zu", i);
		sub = rs_mkdirs(rel);
		a.parent = sub;
		assert_int_equal(pthread_create(&th, NULL, mk_thread, &a), 0);
		assert_int_equal(pthread_join(th, NULL), 0);
		assert_int_equal(a.init, 0);
		assert_int_equal(a.r, 0);
		assert_int_equal(umask(022), 022);	/* ours untouched */
		assert_int_equal(fstatat(sub, "made", &st, 0), 0);
		umask(masks[i]);
		assert_int_equal(mkdirat(sub, "native", 07777), 0);
		umask(022);
		assert_int_equal(fstatat(sub, "native", &nat, 0), 0);
		assert_int_equal(st.st_mode, nat.st_mode);
		close(sub);
	}
	umask(before);
	close(d);
}

static void test_mkdir_errors(void **state)
{
	int d = rs_mkdirs("mkerr");
	struct mk_args a = { .mask = 022, .mode = 0755 };
	pthread_t th;

	(void)state;
	a.parent = d;
	assert_int_equal(pthread_create(&th, NULL, mk_thread, &a), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(a.r, 0);
	assert_int_equal(pthread_create(&th, NULL, mk_thread, &a), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(a.r, -EEXIST);	/* the real errno */
	close(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ident),
		cmocka_unit_test(test_within),
		cmocka_unit_test(test_within_bound),
		cmocka_unit_test(test_within_eacces),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_mkdir_umask),
		cmocka_unit_test(test_mkdir_errors),
	};
	int failed = cmocka_run_group_tests_name("resolve", tests, rs_setup, rs_teardown);

	return failed + resolve_parent_run();
}
