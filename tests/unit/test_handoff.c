/* shim/handoff.c against a fake tracerd in this process: the connect and
 * peer check, the hello with its fd, every way the ack can be refused, the
 * tries again across a restart within the one deadline (a scripted tracerd
 * on a thread) and the version negotiation in test_handoff_retry.c, and
 * PR_SET_PTRACER through a wrapped prctl (-Wl,--wrap=prctl): EINVAL where
 * Yama is absent is ignored, any other error is fatal. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <time.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "test_handoff.h"
#include "compat.h"
#include "handoff.h"
#include "sockname.h"
#include "wire.h"

int __wrap_prctl(int option, ...);
int __real_prctl(int option, ...);

struct fake_prctl fake;

int __wrap_prctl(int option, ...)
{
	va_list ap;

	if (option != PR_SET_PTRACER)
		fail_msg("unexpected prctl %d", option);
	va_start(ap, option);
	fake.arg = va_arg(ap, unsigned long);
	va_end(ap);
	fake.calls++;
	if (fake.ret_errno) {
		errno = fake.ret_errno;
		return -1;
	}
	return 0;
}

int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct handoff_fixture t;

int setup(void **state)
{
	struct sockaddr_un a;
	socklen_t len;

	(void)state;
	memset(&fake, 0, sizeof(fake));
	fake.ret_errno = EINVAL;	/* this machine: no Yama */
	snprintf(t.name, sizeof(t.name), "unit-handoff-%d", getpid());
	len = sockname_addr(t.name, &a);
	t.srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	t.cli = t.acc = -1;
	handoff_init(&t.h, t.name);
	t.listener = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (t.listener < 0 || t.srv < 0 || bind(t.srv, (struct sockaddr *)&a, len) < 0 ||
	    listen(t.srv, 8) < 0)
		return -1;
	return 0;
}

int teardown(void **state)
{
	(void)state;
	if (t.acc >= 0)
		close(t.acc);
	if (t.cli >= 0)
		close(t.cli);
	if (t.srv >= 0)
		close(t.srv);
	close(t.listener);
	return 0;
}

/* handoff_connect to the fake server, which accepts. */
static void connect_fake(void)
{
	struct handoff_err e = { 0 };

	t.cli = handoff_connect(&t.h, &e);
	if (t.cli < 0)
		fail_msg("handoff_connect: %s: %s", e.what, strerror(e.err));
	t.acc = accept4(t.srv, NULL, NULL, SOCK_CLOEXEC);
	assert_true(t.acc >= 0);
}

static void test_connect(void **state)
{
	struct timeval tv;
	socklen_t len = sizeof(int);
	long us;
	int v = 0;

	(void)state;
	connect_fake();
	assert_int_equal(getsockopt(t.cli, SOL_SOCKET, SO_PASSCRED, &v, &len), 0);
	assert_int_equal(v, 1);
	assert_int_equal(fcntl(t.cli, F_GETFD), FD_CLOEXEC);
	/* the time-outs are what is left of the one 2 s deadline */
	len = sizeof(tv);
	assert_int_equal(getsockopt(t.cli, SOL_SOCKET, SO_RCVTIMEO, &tv, &len), 0);
	us = tv.tv_sec * 1000000L + tv.tv_usec;
	assert_true(us > 1500000 && us <= 2000000);
	assert_int_equal(t.h.server_pid, getpid());
	assert_int_equal(t.h.tries, 1);
}

static void test_not_running(void **state)
{
	struct handoff_err e = { 0 };
	int base = unit_count_fds();
	struct handoff h;
	int64_t t0 = now_ms();

	(void)state;
	handoff_init(&h, "unit-handoff-nobody-here");
	assert_int_equal(handoff_connect(&h, &e), -1);
	assert_string_equal(e.what, "tracerd is not running");
	assert_int_equal(e.err, ECONNREFUSED);
	/* no tracerd at all: no retry, at once */
	handoff_init(&h, "unit-handoff-nobody-here");
	assert_int_equal(handoff_open(&h, &e), -1);
	assert_int_equal(e.err, ECONNREFUSED);
	assert_int_equal(h.tries, 1);
	assert_true(now_ms() - t0 < 20);
	assert_int_equal(unit_count_fds(), base);
}

/* Queue an ack (or any bytes) on the server side before handoff_send. */
static void server_says(const void *buf, size_t len, int fd)
{
	assert_int_equal(wire_send(t.acc, buf, len, fd), 0);
}

static void ack(enum wire_status s)
{
	uint8_t a[WIRE_ACK_SIZE];

	wire_ack_encode(a, s);
	server_says(a, sizeof(a), -1);
}

/* What the fake server received: one hello with our pid and the fd. */
static void check_hello(int listener)
{
	uint8_t buf[64];
	struct wire_recv rv;
	struct wire_hello h;
	struct stat st1, st2;

	assert_int_equal(wire_recv(t.acc, buf, sizeof(buf), MSG_DONTWAIT, &rv), 0);
	assert_int_equal(rv.len, WIRE_HELLO_SIZE);
	assert_int_equal(rv.nfds, 1);
	assert_int_equal(wire_hello_decode(buf, (size_t)rv.len, &h), WIRE_OK);
	assert_int_equal(h.pid, getpid());
	assert_int_equal(h.version, WIRE_VERSION_MAX);
	assert_int_equal(h.min_version, WIRE_VERSION_MIN);
	assert_int_equal(fstat(rv.fd, &st1), 0);
	assert_int_equal(fstat(listener, &st2), 0);
	assert_true(st1.st_ino == st2.st_ino && st1.st_dev == st2.st_dev);
	close(rv.fd);
}

/* handoff_send closes the socket it is given. */
static int send_with(int listener, struct handoff_err *e)
{
	int cli = t.cli;

	memset(e, 0, sizeof(*e));
	t.cli = -1;
	return handoff_send(&t.h, cli, listener, e);
}

static void test_send_ok(void **state)
{
	static const int yama[] = { EINVAL, 0 };
	struct handoff_err e;
	int base = unit_count_fds();

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(yama); i++) {
		connect_fake();
		ack(WIRE_OK);
		fake.calls = 0;
		fake.ret_errno = yama[i];
		assert_int_equal(send_with(t.listener, &e), 0);
		assert_int_equal(fake.calls, 1);
		assert_int_equal(fake.arg, (unsigned long)getpid());	/* the server's pid */
		assert_int_equal(t.h.acked, 1);
		assert_int_equal(t.h.id, 0);
		check_hello(t.listener);
		close(t.acc);
		t.acc = -1;
	}
	assert_int_equal(unit_count_fds(), base);
}

/* A version-2 ack: its listener id is kept. */
static void test_send_v2(void **state)
{
	uint8_t a[WIRE_ACK_MAX];
	struct handoff_err e;
	size_t n;

	(void)state;
	connect_fake();
	n = wire_ack_encode_v(a, 2, WIRE_OK, 0x1122334455ULL);
	server_says(a, n, -1);
	assert_int_equal(send_with(t.listener, &e), 0);
	assert_int_equal(t.h.acked, 2);
	assert_true(t.h.id == 0x1122334455ULL);
	assert_int_equal(t.h.ptracer, getpid());
	check_hello(t.listener);
	/* an answer in a version above the one offered is refused */
	handoff_init(&t.h, t.name);
	t.h.version = 1;
	close(t.acc);
	connect_fake();
	server_says(a, n, -1);
	assert_int_equal(send_with(t.listener, &e), -1);
	assert_string_equal(e.what, "tracerd answered in another protocol version");
}

static void test_ptracer_fails(void **state)
{
	struct handoff_err e;

	(void)state;
	connect_fake();
	ack(WIRE_OK);
	fake.ret_errno = EPERM;
	assert_int_equal(send_with(t.listener, &e), -1);
	assert_string_equal(e.what, "cannot declare tracerd as ptracer");
	assert_int_equal(e.err, EPERM);
}

static void test_refused(void **state)
{
	struct handoff_err e;

	(void)state;
	for (unsigned s = WIRE_EVERSION; s < WIRE_STATUS_MAX; s++) {
		if (s == WIRE_ESHUTDOWN)
			continue;	/* tried again: test_retry_* */
		handoff_init(&t.h, t.name);
		t.h.version = 1;	/* EVERSION naming version 1: nothing older to try */
		connect_fake();
		ack((enum wire_status)s);
		fake.calls = 0;
		assert_int_equal(send_with(t.listener, &e), -1);
		assert_string_equal(e.what, "tracerd refused the listener");
		assert_int_equal(e.status, s);
		assert_int_equal(fake.calls, 0);
		assert_int_equal(t.h.tries, 1);
		close(t.acc);
		t.acc = -1;
	}
}

static void test_malformed(void **state)
{
	uint8_t a[WIRE_ACK_SIZE];
	struct handoff_err e;

	(void)state;
	connect_fake();
	wire_ack_encode(a, WIRE_OK);
	a[0] ^= 1;
	server_says(a, sizeof(a), -1);
	assert_int_equal(send_with(t.listener, &e), -1);
	assert_string_equal(e.what, "malformed answer from tracerd");
	close(t.acc);

	/* short, then the server hangs up */
	connect_fake();
	wire_ack_encode(a, WIRE_OK);
	server_says(a, 4, -1);
	shutdown(t.acc, SHUT_WR);
	assert_int_equal(send_with(t.listener, &e), -1);
	assert_string_equal(e.what, "malformed answer from tracerd");
	assert_int_equal(fake.calls, 0);
}

/* No ack: the 2 s bound comes from SO_RCVTIMEO, shortened here. */
static void test_timeout(void **state)
{
	struct timeval tv = { .tv_usec = 50000 };
	struct handoff_err e;

	(void)state;
	connect_fake();
	assert_int_equal(setsockopt(t.cli, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	assert_int_equal(send_with(t.listener, &e), -1);
	assert_string_equal(e.what, "no answer from tracerd within 2 s");
	assert_int_equal(e.err, EAGAIN);
}

/* An fd that comes with the ack is closed, not leaked. */
static void test_ack_with_fd(void **state)
{
	uint8_t a[WIRE_ACK_SIZE];
	struct handoff_err e;
	int base;

	(void)state;
	connect_fake();
	base = unit_count_fds();
	wire_ack_encode(a, WIRE_OK);
	server_says(a, sizeof(a), t.srv);
	assert_int_equal(send_with(t.listener, &e), 0);
	assert_int_equal(unit_count_fds(), base - 1);	/* the socket is closed too */
}

/* An ack on a socket without SO_PASSCRED carries no credentials. */
static void test_no_creds(void **state)
{
	uint8_t a[WIRE_ACK_SIZE];
	struct handoff_err e;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	wire_ack_encode(a, WIRE_OK);
	assert_int_equal(wire_send(sv[1], a, sizeof(a), -1), 0);
	assert_int_equal(handoff_send(&t.h, sv[0], t.listener, &e), -1);
	assert_string_equal(e.what, "tracerd's answer has foreign credentials, refusing it");
	assert_int_equal(fake.calls, 0);
	close(sv[1]);
}

/* In a child as uid 65534: run fn, say so on ready, then wait until the
 * parent closes hold (alarm: never outlive a broken test). */
static pid_t as_nobody(void (*fn)(int arg), int arg, int ready[2], int hold[2])
{
	pid_t pid;
	char c;

	assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
	assert_int_equal(pipe2(hold, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid > 0) {
		close(ready[1]);
		close(hold[0]);
		assert_int_equal(read(ready[0], &c, 1), 1);
		close(ready[0]);
		return pid;
	}
	close(ready[0]);
	close(hold[1]);
	alarm(10);
	if (setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0)
		_exit(2);
	fn(arg);
	if (write(ready[1], "r", 1) != 1)
		_exit(3);
	(void)!read(hold[0], &c, 1);
	_exit(0);
}

static char squat_name[64];

static void squat(int unused)
{
	struct sockaddr_un a;
	socklen_t len = sockname_addr(squat_name, &a);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	(void)unused;
	if (s < 0 || bind(s, (struct sockaddr *)&a, len) < 0 || listen(s, 4) < 0)
		_exit(4);
}

static void send_ack(int sock)
{
	uint8_t a[WIRE_ACK_SIZE];

	wire_ack_encode(a, WIRE_OK);
	if (wire_send(sock, a, sizeof(a), -1) < 0)
		_exit(5);
}

static void reap(pid_t pid, int hold)
{
	int status;

	close(hold);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A name bound first by another user: refused before anything is sent. */
static void test_squatter(void **state)
{
	struct handoff_err e = { 0 };
	int ready[2], hold[2], base;
	struct handoff h;
	pid_t pid;

	(void)state;
	if (geteuid() != 0)
		skip();
	snprintf(squat_name, sizeof(squat_name), "unit-handoff-squat-%d", getpid());
	pid = as_nobody(squat, 0, ready, hold);
	base = unit_count_fds();
	handoff_init(&h, squat_name);
	assert_int_equal(handoff_connect(&h, &e), -1);
	assert_string_equal(e.what, "the socket is served by another user, refusing it");
	assert_int_equal(unit_count_fds(), base);
	reap(pid, hold[1]);
}

/* An ack sent by another uid is refused even on our own connection. */
static void test_foreign_ack(void **state)
{
	struct handoff_err e = { 0 };
	int sv[2], ready[2], hold[2], one = 1;
	pid_t pid;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)), 0);
	pid = as_nobody(send_ack, sv[1], ready, hold);
	assert_int_equal(handoff_send(&t.h, sv[0], t.listener, &e), -1);
	assert_string_equal(e.what, "tracerd's answer has foreign credentials, refusing it");
	assert_int_equal(fake.calls, 0);
	reap(pid, hold[1]);
	close(sv[1]);
}


int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_connect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_v2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ptracer_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ack_with_fd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_creds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_squatter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_ack, setup, teardown),
	};

	int failed = cmocka_run_group_tests_name("handoff", tests, NULL, NULL);

	return failed + handoff_retry_run();
}
