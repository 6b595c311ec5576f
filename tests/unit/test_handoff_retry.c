/* shim/handoff.c across a restart and a version skew, against a scripted
 * fake tracerd on a thread (one step per connection): tries again within
 * the one deadline after a cut or WIRE_ESHUTDOWN (and ECONNREFUSED only
 * after one), asks an older tracerd again in its version, and names as
 * ptracer the process that listen()ed when tracerd descends from it (a
 * service manager, which outlives tracerd's restarts). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "test_handoff.h"
#include "sockname.h"
#include "wire.h"


enum step_kind {
	ST_ACK,		/* read the hello, answer version/status/id */
	ST_EARLY,	/* refuse with status before reading anything */
	ST_CUT,		/* read the hello, hang up without a word */
	ST_GONE,	/* ST_CUT, with the name unbound for gone_ms (a restart) */
};

struct step {
	enum step_kind kind;
	uint16_t version, status;
	uint64_t id;
	unsigned gone_ms;
};

static struct {
	pthread_t thr;
	const struct step *steps;
	int nsteps, srv;
	/* what it saw */
	int nhellos;
	uint8_t hello[8][WIRE_HELLO_SIZE];
	int hello_len[8];
	bool same_fd[8];	/* the hello's fd was our listener */
	int failed;
} d;

static int listen_on(const char *name)
{
	struct sockaddr_un a;
	socklen_t len = sockname_addr(name, &a);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0 || bind(s, (struct sockaddr *)&a, len) < 0 || listen(s, 8) < 0)
		return -1;
	return s;
}

static bool same_file_as(int fd, int other)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && fstat(other, &b) == 0 && a.st_ino == b.st_ino &&
	       a.st_dev == b.st_dev;
}

/* Read one hello into the record; false on none. */
static bool daemon_hello(int c)
{
	struct timeval tv = { .tv_sec = 3 };
	struct wire_recv rv;
	uint8_t buf[64];
	int i = d.nhellos;

	(void)setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (i >= 8 || wire_recv(c, buf, sizeof(buf), 0, &rv) < 0 || rv.len <= 0)
		return false;
	memcpy(d.hello[i], buf, WIRE_HELLO_SIZE);
	d.hello_len[i] = (int)rv.len;
	d.same_fd[i] = rv.fd >= 0 && same_file_as(rv.fd, t.listener);
	if (rv.fd >= 0)
		close(rv.fd);
	d.nhellos++;
	return true;
}

static void daemon_step(const struct step *st, int c)
{
	uint8_t ack[WIRE_ACK_MAX];
	struct timespec gone = { .tv_sec = st->gone_ms / 1000,
				 .tv_nsec = (long)(st->gone_ms % 1000) * 1000000 };

	if (st->kind == ST_EARLY) {
		if (wire_send(c, ack, wire_ack_encode_v(ack, 1, st->status, 0), -1) < 0)
			d.failed = __LINE__;
		return;
	}
	if (!daemon_hello(c)) {
		d.failed = __LINE__;
		return;
	}
	if (st->kind == ST_ACK &&
	    wire_send(c, ack, wire_ack_encode_v(ack, st->version, st->status, st->id), -1) < 0)
		d.failed = __LINE__;
	if (st->kind == ST_GONE) {
		close(d.srv);	/* first: the retry finds no one listening */
		close(c);
		nanosleep(&gone, NULL);
		d.srv = listen_on(t.name);
		if (d.srv < 0)
			d.failed = __LINE__;
	}
}

static void *daemon_main(void *arg)
{
	(void)arg;
	for (int i = 0; i < d.nsteps && !d.failed; i++) {
		struct pollfd p = { .fd = d.srv, .events = POLLIN };
		int c;

		if (poll(&p, 1, 3000) != 1) {
			d.failed = __LINE__;
			break;
		}
		c = accept4(d.srv, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0) {
			d.failed = __LINE__;
			break;
		}
		daemon_step(&d.steps[i], c);
		if (d.steps[i].kind != ST_GONE)
			close(c);
	}
	return NULL;
}

/* The fake takes over t.srv. */
static void daemon_start(const struct step *steps, int n)
{
	memset(&d, 0, sizeof(d));
	d.steps = steps;
	d.nsteps = n;
	d.srv = t.srv;
	t.srv = -1;
	assert_int_equal(pthread_create(&d.thr, NULL, daemon_main, NULL), 0);
}

static void daemon_join(void)
{
	assert_int_equal(pthread_join(d.thr, NULL), 0);
	if (d.srv >= 0)
		close(d.srv);
	if (d.failed)
		fail_msg("fake tracerd failed at line %d", d.failed);
}

/* One start as shim.c runs it: open, then send. */
static int start_once(struct handoff *h, struct handoff_err *e)
{
	int sock;

	memset(e, 0, sizeof(*e));
	handoff_init(h, t.name);
	sock = handoff_open(h, e);
	return sock < 0 ? -1 : handoff_send(h, sock, t.listener, e);
}

/* The hello a try sent: its range. */
static void hello_was(int i, unsigned lo, unsigned hi)
{
	struct wire_hello h;

	assert_true(i < d.nhellos);
	assert_int_equal(d.hello_len[i], WIRE_HELLO_SIZE);
	assert_int_equal(wire_hello_decode(d.hello[i], WIRE_HELLO_SIZE, &h), WIRE_OK);
	assert_int_equal(h.min_version, lo);
	assert_int_equal(h.version, hi);
	assert_true(d.same_fd[i]);
}

/* tracerd stops under the handshake (EOF after the hello) and its
 * successor listens 150 ms later: ECONNREFUSED in between is retried,
 * the same listener goes to the new one. */
static void test_retry_restart(void **state)
{
	static const struct step steps[] = {
		{ .kind = ST_GONE, .gone_ms = 150 },
		{ .kind = ST_ACK, .version = 2, .id = 7 },
	};
	struct handoff_err e;
	struct handoff h;
	int64_t t0 = now_ms(), took;
	int base = unit_count_fds();

	(void)state;
	daemon_start(steps, 2);
	assert_int_equal(start_once(&h, &e), 0);
	took = now_ms() - t0;
	daemon_join();
	assert_int_equal(d.nhellos, 2);
	hello_was(0, WIRE_VERSION_MIN, WIRE_VERSION_MAX);
	hello_was(1, WIRE_VERSION_MIN, WIRE_VERSION_MAX);
	assert_true(h.cut);
	assert_true(h.tries >= 3);	/* at least one refused connect */
	assert_true(h.id == 7);
	assert_true(took >= 150 && took < 600);
	assert_int_equal(unit_count_fds() + 1, base);	/* t.srv went with the fake */
}

/* WIRE_ESHUTDOWN before the hello, then after it: tried again each time. */
static void test_retry_shutdown(void **state)
{
	static const struct step steps[] = {
		{ .kind = ST_EARLY, .status = WIRE_ESHUTDOWN },
		{ .kind = ST_ACK, .version = 1, .status = WIRE_ESHUTDOWN },
		{ .kind = ST_ACK, .version = 2, .id = 9 },
	};
	struct handoff_err e;
	struct handoff h;

	(void)state;
	daemon_start(steps, 3);
	assert_int_equal(start_once(&h, &e), 0);
	daemon_join();
	assert_int_equal(h.tries, 3);
	assert_true(h.id == 9);
	assert_int_equal(h.acked, 2);
}

/* Cut, and nobody listens again: the tries end at the one deadline with
 * the last reason. */
static void test_retry_deadline(void **state)
{
	static const struct step steps[] = { { .kind = ST_GONE, .gone_ms = 600 } };
	struct handoff_err e = { 0 };
	struct handoff h;
	int64_t t0, took;
	int sock;

	(void)state;
	daemon_start(steps, 1);
	handoff_init(&h, t.name);
	h.deadline_ns -= (int64_t)(HANDOFF_TIMEOUT_MS - 300) * 1000000;	/* 300 ms */
	t0 = now_ms();
	sock = handoff_open(&h, &e);
	assert_true(sock >= 0);
	assert_int_equal(handoff_send(&h, sock, t.listener, &e), -1);
	took = now_ms() - t0;
	daemon_join();
	assert_string_equal(e.what, "tracerd is not running");
	assert_int_equal(e.err, ECONNREFUSED);
	assert_true(h.tries >= 3);
	assert_true(took >= 200 && took <= 400);
}

/* An old tracerd (version 1 only) refuses the version-2 hello: asked again
 * once, in version 1, on a new connection. */
static void test_version_older(void **state)
{
	static const struct step steps[] = {
		{ .kind = ST_ACK, .version = 1, .status = WIRE_EVERSION },
		{ .kind = ST_ACK, .version = 1, .status = WIRE_OK },
	};
	uint8_t v1[WIRE_HELLO_SIZE];
	struct handoff_err e;
	struct handoff h;

	(void)state;
	daemon_start(steps, 2);
	assert_int_equal(start_once(&h, &e), 0);
	daemon_join();
	hello_was(0, WIRE_VERSION_MIN, WIRE_VERSION_MAX);
	wire_hello_encode(v1, getpid());	/* the very bytes a version-1 library sends */
	assert_memory_equal(d.hello[1], v1, WIRE_HELLO_SIZE);
	assert_true(h.downgraded);
	assert_int_equal(h.acked, 1);
	assert_int_equal(h.id, 0);
	assert_int_equal(h.tries, 2);
}

/* Refused again in the older version, or by a tracerd that speaks only
 * newer versions (or names 0): a refusal naming its version, no loop. */
static void test_version_refused(void **state)
{
	static const struct step again[] = {
		{ .kind = ST_ACK, .version = 1, .status = WIRE_EVERSION },
		{ .kind = ST_ACK, .version = 1, .status = WIRE_EVERSION },
	};
	static const uint16_t newer[] = { 7, 0, WIRE_VERSION_MAX };
	struct step one = { .kind = ST_ACK, .status = WIRE_EVERSION };
	struct handoff_err e;
	struct handoff h;

	(void)state;
	daemon_start(again, 2);
	assert_int_equal(start_once(&h, &e), -1);
	daemon_join();
	assert_string_equal(e.what, "tracerd refused the listener");
	assert_int_equal(e.status, WIRE_EVERSION);
	assert_int_equal(e.peer_version, 1);
	assert_int_equal(h.tries, 2);
	for (size_t i = 0; i < UNIT_LEN(newer); i++) {
		t.srv = listen_on(t.name);
		assert_true(t.srv >= 0);
		one.version = newer[i];
		daemon_start(&one, 1);
		assert_int_equal(start_once(&h, &e), -1);
		daemon_join();
		assert_int_equal(e.status, WIRE_EVERSION);
		assert_int_equal(e.peer_version, newer[i]);
		assert_int_equal(h.tries, 1);
	}
}

/* ---- Yama: the ptracer is whoever listen()ed, when tracerd descends
 * from it (a service manager), else tracerd ---- */

/* In a child: accept one connection, read the hello, ack WIRE_OK (the
 * ack's SCM_CREDENTIALS then carry the child's pid). */
static pid_t serve_one(int srv)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		uint8_t buf[64], ack[WIRE_ACK_MAX];
		struct wire_recv rv;
		int c;

		alarm(10);
		c = accept4(srv, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0 || wire_recv(c, buf, sizeof(buf), 0, &rv) < 0 ||
		    wire_send(c, ack, wire_ack_encode_v(ack, 2, WIRE_OK, 3), -1) < 0)
			_exit(1);
		_exit(0);
	}
	return pid;
}

static void reap_ok(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* We listen()ed (the manager), a child answers (tracerd): we are named. */
static void test_ptracer_manager(void **state)
{
	struct handoff_err e;
	struct handoff h;
	pid_t child;

	(void)state;
	fake.ret_errno = 0;
	child = serve_one(t.srv);
	assert_int_equal(start_once(&h, &e), 0);
	reap_ok(child);
	assert_int_equal(h.server_pid, getpid());
	assert_int_equal(h.ptracer, getpid());
	assert_int_equal(fake.calls, 1);
	assert_int_equal(fake.arg, (unsigned long)getpid());
}

/* listen() by a process tracerd does not descend from: tracerd is named. */
static void test_ptracer_not_ancestor(void **state)
{
	struct sockaddr_un a;
	socklen_t len;
	struct handoff_err e;
	struct handoff h;
	int hold[2], s;
	pid_t lis, child;
	char c;

	(void)state;
	fake.ret_errno = 0;
	close(t.srv);
	t.srv = -1;
	len = sockname_addr(t.name, &a);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(bind(s, (struct sockaddr *)&a, len), 0);
	assert_int_equal(pipe2(hold, O_CLOEXEC), 0);
	lis = fork();
	assert_true(lis >= 0);
	if (lis == 0) {
		close(hold[1]);
		alarm(10);
		if (listen(s, 4) < 0)
			_exit(1);
		(void)!read(hold[0], &c, 1);	/* alive until the test is done */
		_exit(0);
	}
	close(hold[0]);
	for (int i = 0; i < 500; i++) {	/* the sibling has listen()ed */
		struct handoff probe;
		struct handoff_err pe;
		int p;

		handoff_init(&probe, t.name);
		p = handoff_connect(&probe, &pe);
		if (p >= 0) {
			close(p);
			break;
		}
		usleep(2000);
	}
	/* that probe sits in the backlog: drain it in the server child */
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		int c0 = accept4(s, NULL, NULL, SOCK_CLOEXEC);

		_exit(c0 < 0);
	}
	reap_ok(child);
	child = serve_one(s);
	assert_int_equal(start_once(&h, &e), 0);
	reap_ok(child);
	assert_int_equal(h.server_pid, lis);
	assert_int_equal(h.ptracer, child);
	assert_int_equal(fake.arg, (unsigned long)child);
	close(hold[1]);
	reap_ok(lis);
	close(s);
}

int handoff_retry_run(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_retry_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retry_shutdown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retry_deadline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_version_older, setup, teardown),
		cmocka_unit_test_setup_teardown(test_version_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ptracer_manager, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ptracer_not_ancestor, setup, teardown),
	};

	return cmocka_run_group_tests_name("handoff across restarts and versions", tests, NULL,
					   NULL);
}
