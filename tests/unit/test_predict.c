/* tracerd/predict.c: the errno a refused mkdir would have had natively.
 * Each case runs in a child of its own with a private mount namespace and
 * a fresh tmpfs: the parent directory gets its mode, owner, attributes
 * (chattr +i/+a through FS_IOC_SETFLAGS) and read-only mounts, the child
 * takes the case's credentials, then predicts and runs the real mkdir on
 * the same fd. The prediction must be both the expected errno and the
 * kernel's own answer. Needs root (mounts, chattr, setresuid). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "predict.h"

#define NOBODY 65534

enum ro {
	RO_NONE,
	RO_BIND,	/* a read-only bind mount of the parent */
	RO_SB,		/* the whole tmpfs remounted read-only */
};

struct pcase {
	mode_t mode;
	uid_t owner;
	unsigned attr;		/* FS_IMMUTABLE_FL, FS_APPEND_FL */
	enum ro ro;
	uid_t uid;		/* the caller's uid, gid and fsuid */
	bool no_dac;		/* root without DAC_OVERRIDE and DAC_READ_SEARCH */
	int want;		/* 0 or -errno */
};

static char base[] = "/tmp/test_predict.XXXXXX";

static int setup(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		fprintf(stderr, "test_predict: needs root (mounts, chattr, setresuid)\n");
		return -1;
	}
	return mkdtemp(base) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return rmdir(base);
}

static int set_attr(const char *dir, unsigned attr)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int flags = 0, r;

	if (fd < 0)
		return -1;
	r = ioctl(fd, FS_IOC_GETFLAGS, &flags);
	flags |= (int)attr;
	if (r == 0)
		r = ioctl(fd, FS_IOC_SETFLAGS, &flags);
	close(fd);
	return r;
}

/* base/p on a private tmpfs, as the case says; dies on any failure. */
static void make_parent(const struct pcase *c, char *p, size_t cap)
{
	snprintf(p, cap, "%s/p", base);
	if (unshare(CLONE_NEWNS) < 0 || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("t", base, "tmpfs", 0, "mode=0755") < 0 || mkdir(p, c->mode) < 0 ||
	    chmod(p, c->mode) < 0 || chown(p, c->owner, c->owner) < 0)
		_exit(101);
	if (c->attr && set_attr(p, c->attr) < 0)
		_exit(102);
	if (c->ro == RO_BIND && (mount(p, p, "none", MS_BIND, NULL) < 0 ||
				 mount("none", p, "none", MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0))
		_exit(103);
	if (c->ro == RO_SB && mount("none", base, "tmpfs", MS_REMOUNT | MS_RDONLY, NULL) < 0)
		_exit(104);
}

/* Root without the capabilities that override modes (only in this child). */
static int drop_dac(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	d[0].effective &= ~((1U << CAP_DAC_OVERRIDE) | (1U << CAP_DAC_READ_SEARCH));
	return (int)syscall(SYS_capset, &h, d);
}

static void become(const struct pcase *c)
{
	if (c->uid != 0 && (setgroups(0, NULL) < 0 || setresgid(c->uid, c->uid, c->uid) < 0 ||
			    setresuid(c->uid, c->uid, c->uid) < 0))
		_exit(105);
	if (c->no_dac && drop_dac() < 0)
		_exit(106);
}

/* In a child: got[0] the prediction, got[1] the native mkdir's 0/-errno. */
static void run_case(const struct pcase *c, int got[2])
{
	int pfd[2], st, fd;
	char p[PATH_MAX];
	pid_t pid;

	assert_int_equal(pipe2(pfd, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		make_parent(c, p, sizeof(p));
		fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			_exit(107);
		become(c);
		got[0] = predict_create(fd);
		got[1] = mkdirat(fd, "x", 0755) < 0 ? -errno : 0;
		_exit(write(pfd[1], got, 2 * sizeof(int)) == 2 * sizeof(int) ? 0 : 108);
	}
	close(pfd[1]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(read(pfd[0], got, 2 * sizeof(int)), 2 * sizeof(int));
	close(pfd[0]);
}

static void check(const struct pcase *c)
{
	int got[2];

	run_case(c, got);
	assert_int_equal(got[1], c->want);	/* the kernel agrees with the case */
	assert_int_equal(got[0], c->want);	/* and so does the prediction */
}

static void test_passes(void **state)
{
	const struct pcase cs[] = {
		{ .mode = 0777, .uid = NOBODY },
		{ .mode = 0755, .owner = NOBODY, .uid = NOBODY },
		{ .mode = 0333, .uid = NOBODY },	/* write and search, no read */
		{ .mode = 0555, .uid = 0 },		/* root overrides the modes */
		{ .mode = 0000, .uid = 0 },
	};

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(cs); i++)
		check(&cs[i]);
}

static void test_eacces(void **state)
{
	const struct pcase cs[] = {
		{ .mode = 0755, .uid = NOBODY, .want = -EACCES },
		{ .mode = 0555, .owner = NOBODY, .uid = NOBODY, .want = -EACCES },
		{ .mode = 0666, .uid = NOBODY, .want = -EACCES },	/* write, no search */
		{ .mode = 0755, .owner = NOBODY, .uid = 0, .no_dac = true, .want = -EACCES },
	};

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(cs); i++)
		check(&cs[i]);
}

static void test_erofs(void **state)
{
	const struct pcase cs[] = {
		{ .mode = 0777, .ro = RO_BIND, .uid = 0, .want = -EROFS },
		{ .mode = 0777, .ro = RO_SB, .uid = NOBODY, .want = -EROFS },
		/* the mount is checked before the permission: EROFS, not EACCES */
		{ .mode = 0755, .ro = RO_BIND, .uid = NOBODY, .want = -EROFS },
		{ .mode = 0755, .ro = RO_SB, .uid = NOBODY, .want = -EROFS },
		/* and before the immutable flag */
		{ .mode = 0777, .attr = FS_IMMUTABLE_FL, .ro = RO_BIND, .uid = 0, .want = -EROFS },
	};

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(cs); i++)
		check(&cs[i]);
}

static void test_immutable_append(void **state)
{
	const struct pcase cs[] = {
		{ .mode = 0777, .attr = FS_IMMUTABLE_FL, .uid = 0, .want = -EPERM },
		/* immutable is checked before the modes: EPERM, not EACCES */
		{ .mode = 0755, .attr = FS_IMMUTABLE_FL, .uid = NOBODY, .want = -EPERM },
		/* append-only refuses removals, not creations */
		{ .mode = 0777, .attr = FS_APPEND_FL, .uid = 0 },
		{ .mode = 0755, .attr = FS_APPEND_FL, .uid = NOBODY, .want = -EACCES },
	};

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(cs); i++)
		check(&cs[i]);
}

/* Hostile input: an fd that is not open foresees nothing rather than
 * inventing an errno. */
static void test_bad_fd(void **state)
{
	(void)state;
	assert_int_equal(predict_create(-1), 0);
	assert_int_equal(predict_create(1 << 20), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passes),
		cmocka_unit_test(test_eacces),
		cmocka_unit_test(test_erofs),
		cmocka_unit_test(test_immutable_append),
		cmocka_unit_test(test_bad_fd),
	};

	return cmocka_run_group_tests_name("predict", tests, setup, teardown);
}
