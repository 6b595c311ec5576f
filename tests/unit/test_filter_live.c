/* shim/filter.c loaded for real: a child installs the program with a new
 * listener, checks the probe, io_uring and an ordinary call, hands the
 * listener over (common/wire.c) and calls mkdir, which this process
 * receives and answers -EPERM. The kernel selftests do the same dance.
 *
 * The child execs this binary again (--live-child): valgrind does not
 * implement seccomp(2) and does not follow an exec by default, so the
 * filter is loaded natively while the parent stays under valgrind. */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "compat.h"
#include "filter.h"
#include "syscalls.h"
#include "wire.h"
#include "test_filter.h"

/* What the child saw, sent back over the socketpair. */
struct live_report {
	int load_errno;		/* 0 when the filter went in */
	long probe_ret;
	int probe_errno;
	long uring_ret;
	int uring_errno;
	long pid_before, pid_after;
	int mkdir_ret;
	int mkdir_errno;
};

static struct {
	pid_t child;
	int sock;
	int listener;
	char path[64];
} live = { .child = -1, .sock = -1, .listener = -1 };

#define LIVE_SOCK_FD 3

int filter_live_child(const char *path)
{
	int sock = LIVE_SOCK_FD;
	struct sock_filter insn[FILTER_MAX_INSNS];
	struct sock_fprog fp = { .filter = insn };
	struct live_report rep = { 0 };
	struct seccomp_notif_sizes sz;
	long fd;

	fp.len = (unsigned short)filter_build(insn, FILTER_MAX_INSNS);
	rep.pid_before = syscall(SYS_getpid);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		rep.load_errno = errno;
		goto out;
	}
	fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &fp);
	if (fd < 0) {
		rep.load_errno = errno;
		goto out;
	}
	errno = 0;
	rep.probe_ret = syscall(SYSCALLS_PROBE_NR);
	rep.probe_errno = errno;
	errno = 0;
	rep.uring_ret = syscall(__NR_io_uring_setup, 1, NULL);	/* natively EFAULT */
	rep.uring_errno = errno;
	rep.pid_after = syscall(SYS_getpid);
	/* the parent may be under valgrind, which lacks seccomp(2) */
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0)
		_exit(2);
	if (wire_send(sock, &sz, sizeof(sz), (int)fd) < 0)
		_exit(3);
	(void)close((int)fd);
	errno = 0;
	rep.mkdir_ret = mkdir(path, 0755);
	rep.mkdir_errno = errno;
out:
	if (write(sock, &rep, sizeof(rep)) != sizeof(rep))
		_exit(4);
	_exit(0);
}

/* In the forked child: the socket on fd 3, then this binary again. */
static void exec_child(const char *self, int sock)
{
	if (sock == LIVE_SOCK_FD) {
		if (fcntl(sock, F_SETFD, 0) < 0)
			_exit(5);
	} else if (dup2(sock, LIVE_SOCK_FD) < 0) {	/* dup2 drops CLOEXEC */
		_exit(5);
	}
	execl(self, self, "--live-child", live.path, (char *)NULL);
	_exit(6);
}

static int live_setup(void **state)
{
	(void)state;
	snprintf(live.path, sizeof(live.path), "/tmp/x-unique-unit-filter-%d", getpid());
	return 0;
}

/* Whatever happened, no child, fd or directory is left behind. */
static int live_teardown(void **state)
{
	(void)state;
	if (live.child > 0) {
		(void)kill(live.child, SIGKILL);
		(void)waitpid(live.child, NULL, 0);
		live.child = -1;
	}
	if (live.listener >= 0)
		(void)close(live.listener);
	if (live.sock >= 0)
		(void)close(live.sock);
	live.listener = live.sock = -1;
	(void)rmdir(live.path);
	return 0;
}

static void wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	assert_int_equal(poll(&p, 1, 5000), 1);
}

/* RECV one notification into a zeroed buffer sized by the kernel, check it
 * is the child's mkdir of our path, answer -EPERM. */
static void answer_mkdir(const struct seccomp_notif_sizes *sz)
{
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	char got[sizeof(live.path)] = "";
	struct iovec local = { got, sizeof(got) - 1 }, remote;

	assert_true(sz->seccomp_notif >= sizeof(*req));
	assert_true(sz->seccomp_notif_resp >= sizeof(*resp));
	req = calloc(1, sz->seccomp_notif);
	resp = calloc(1, sz->seccomp_notif_resp);
	assert_non_null(req);
	assert_non_null(resp);
	wait_readable(live.listener);
	assert_int_equal(ioctl(live.listener, SECCOMP_IOCTL_NOTIF_RECV, req), 0);
	assert_int_equal(req->pid, live.child);
	assert_int_equal(req->data.arch, AUDIT_ARCH_X86_64);
	assert_int_equal(req->data.nr, 83);
	assert_int_equal(req->data.args[1], 0755);
	remote.iov_base = (void *)(uintptr_t)req->data.args[0];
	remote.iov_len = strlen(live.path) + 1;
	assert_int_equal(process_vm_readv(live.child, &local, 1, &remote, 1, 0),
			 (ssize_t)remote.iov_len);
	assert_string_equal(got, live.path);
	assert_int_equal(ioctl(live.listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id), 0);
	resp->id = req->id;
	resp->error = -EPERM;
	resp->val = 0;
	resp->flags = 0;
	assert_int_equal(ioctl(live.listener, SECCOMP_IOCTL_NOTIF_SEND, resp), 0);
	free(req);
	free(resp);
}

static const char *live_self;

static void test_live(void **state)
{
	union {
		struct live_report rep;		/* when the load failed */
		struct seccomp_notif_sizes sz;	/* with the listener */
	} msg;
	struct live_report rep;
	struct wire_recv rv;
	struct stat st;
	int sv[2], status;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	live.child = fork();
	assert_true(live.child >= 0);
	if (live.child == 0) {
		(void)close(sv[0]);
		exec_child(live_self, sv[1]);
	}
	(void)close(sv[1]);
	live.sock = sv[0];
	wait_readable(live.sock);
	assert_int_equal(wire_recv(live.sock, &msg, sizeof(msg.sz), 0, &rv), 0);
	live.listener = rv.fd;
	if (rv.nfds == 0 && rv.len > 0) {
		/* the child could not load the filter: its report came */
		assert_int_equal(read(live.sock, (char *)&msg + rv.len, sizeof(rep) - rv.len),
				 sizeof(rep) - rv.len);
		fail_msg("loading the filter failed: %s", strerror(msg.rep.load_errno));
	}
	assert_int_equal(rv.nfds, 1);
	assert_int_equal(rv.len, sizeof(msg.sz));
	answer_mkdir(&msg.sz);

	wait_readable(live.sock);
	assert_int_equal(read(live.sock, &rep, sizeof(rep)), sizeof(rep));
	assert_int_equal(waitpid(live.child, &status, 0), live.child);
	live.child = -1;
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	assert_int_equal(rep.load_errno, 0);
	assert_int_equal(rep.probe_ret, -1);
	assert_int_equal(rep.probe_errno, SYSCALLS_PROBE_ERRNO);
	assert_int_equal(rep.uring_ret, -1);
	assert_int_equal(rep.uring_errno, ENOSYS);
	assert_true(rep.pid_before > 0);
	assert_int_equal(rep.pid_after, rep.pid_before);
	assert_int_equal(rep.mkdir_ret, -1);
	assert_int_equal(rep.mkdir_errno, EPERM);
	/* the kernel never ran the call */
	assert_int_equal(stat(live.path, &st), -1);
	assert_int_equal(errno, ENOENT);
}

int filter_live_run(const char *self)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_live, live_teardown),
	};

	live_self = self;
	return cmocka_run_group_tests_name("filter live", tests, live_setup, NULL);
}
