/* tracerd/activation.c: LISTEN_PID/LISTEN_FDS/LISTEN_FDNAMES as
 * sd_listen_fds(3) reads them, the checks on the passed fd (a listening
 * AF_UNIX stream socket, nothing else), and fd 3 taken from the
 * environment with CLOEXEC and O_NONBLOCK set and the variables gone. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "unit.h"
#include "activation.h"
#include "fdstore.h"

static char err[256];

static int parse(const char *pid, const char *fds, const char *names)
{
	err[0] = '\0';
	return activation_parse(pid, fds, names, 4242, err, sizeof(err));
}

static void test_parse_not_ours(void **state)
{
	(void)state;
	assert_int_equal(parse(NULL, "1", NULL), 0);
	assert_int_equal(parse(NULL, NULL, NULL), 0);
	/* inherited by another process: not ours, whatever the rest says */
	assert_int_equal(parse("4243", "1", NULL), 0);
	assert_int_equal(parse("4243", "junk", NULL), 0);
	assert_string_equal(err, "");
}

static void test_parse_ours(void **state)
{
	(void)state;
	assert_int_equal(parse("4242", "1", NULL), 1);
	assert_int_equal(parse("4242", "1", "tracerd.socket"), 1);
	assert_int_equal(parse("4242", "1", ""), 1);	/* one empty name */
	/* the socket and the fd store's listeners */
	assert_int_equal(parse("4242", "3", "tracerd.socket:listener-1-7:listener-2-8"), 3);
	assert_int_equal(parse("4242", "65536", NULL), -EINVAL);	/* names needed */
}

static void test_parse_bad(void **state)
{
	(void)state;
	assert_int_equal(parse("", "1", NULL), -EINVAL);
	assert_non_null(strstr(err, "LISTEN_PID"));
	assert_int_equal(parse("0", "1", NULL), -EINVAL);
	assert_int_equal(parse("-4242", "1", NULL), -EINVAL);
	assert_int_equal(parse("4242x", "1", NULL), -EINVAL);
	assert_int_equal(parse("99999999999999999999999", "1", NULL), -EINVAL);
	assert_int_equal(parse("4242", NULL, NULL), -EINVAL);
	assert_non_null(strstr(err, "LISTEN_FDS"));
	assert_int_equal(parse("4242", "", NULL), -EINVAL);
	assert_int_equal(parse("4242", " 1", NULL), -EINVAL);
	assert_int_equal(parse("4242", "0", NULL), -EINVAL);
	assert_non_null(strstr(err, "from 1"));
	assert_int_equal(parse("4242", "65537", NULL), -EINVAL);
	assert_int_equal(parse("4242", "2", NULL), -EINVAL);
	assert_non_null(strstr(err, "LISTEN_FDNAMES"));
	assert_int_equal(parse("4242", "99999999999999999999", NULL), -EINVAL);
	assert_int_equal(parse("4242", "1", "a:b"), -EINVAL);
	assert_non_null(strstr(err, "LISTEN_FDNAMES"));
}

static int stream(int type, int bound, int listening)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	int n = snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1, "notif-unit-act-%d-%d",
			 (int)getpid(), fd);

	assert_true(fd >= 0);
	if (bound)
		assert_int_equal(bind(fd, (struct sockaddr *)&a,
				      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)), 0);
	if (listening)
		assert_int_equal(listen(fd, 4), 0);
	return fd;
}

static void test_check_fd(void **state)
{
	int ok = stream(SOCK_STREAM, 1, 1), idle = stream(SOCK_STREAM, 1, 0);
	int dgram = stream(SOCK_DGRAM, 1, 0), seq = stream(SOCK_SEQPACKET, 1, 1);
	int inet = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), p[2];

	(void)state;
	assert_true(inet >= 0);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(activation_check_fd(ok, err, sizeof(err)), 0);
	assert_int_equal(activation_check_fd(idle, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not listening"));
	assert_int_equal(activation_check_fd(dgram, err, sizeof(err)), -EPROTOTYPE);
	assert_non_null(strstr(err, "stream"));
	assert_int_equal(activation_check_fd(seq, err, sizeof(err)), -EPROTOTYPE);
	assert_int_equal(activation_check_fd(inet, err, sizeof(err)), -EAFNOSUPPORT);
	assert_int_equal(activation_check_fd(p[0], err, sizeof(err)), -ENOTSOCK);
	assert_int_equal(activation_check_fd(p[1] + 100, err, sizeof(err)), -EBADF);
	close(ok);
	close(idle);
	close(dgram);
	close(seq);
	close(inet);
	close(p[0]);
	close(p[1]);
}

static void set_env(const char *fds, const char *names)
{
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("LISTEN_PID", pid, 1);
	setenv("LISTEN_FDS", fds, 1);
	if (names)
		setenv("LISTEN_FDNAMES", names, 1);
	else
		unsetenv("LISTEN_FDNAMES");
}

static void env_gone(void)
{
	assert_null(getenv("LISTEN_PID"));
	assert_null(getenv("LISTEN_FDS"));
	assert_null(getenv("LISTEN_FDNAMES"));
}

/* fd 3 as a service manager leaves it: inheritable and blocking. */
static void put_at_3(int fd)
{
	if (fd == ACTIVATION_FD) {	/* the lowest free fd: move it away first */
		int moved = fcntl(fd, F_DUPFD_CLOEXEC, 10);

		assert_true(moved >= 0);
		close(fd);
		fd = moved;
	}
	assert_int_equal(dup2(fd, ACTIVATION_FD), ACTIVATION_FD);
	close(fd);
	assert_int_equal(fcntl(ACTIVATION_FD, F_GETFD) & FD_CLOEXEC, 0);
	assert_int_equal(fcntl(ACTIVATION_FD, F_GETFL) & O_NONBLOCK, 0);
}

static int take(struct activation *a)
{
	int r = activation_take(a, err, sizeof(err));

	env_gone();
	return r;
}

static void test_take(void **state)
{
	struct activation a;

	(void)state;
	if (fcntl(ACTIVATION_FD, F_GETFD) >= 0)
		skip();	/* fd 3 is the runner's: nothing to test with */
	unsetenv("LISTEN_PID");
	assert_int_equal(take(&a), 0);
	assert_int_equal(a.socket, -1);
	put_at_3(stream(SOCK_STREAM, 1, 1));
	set_env("1", "tracerd.socket");
	assert_int_equal(take(&a), 0);
	assert_int_equal(a.socket, ACTIVATION_FD);
	assert_int_equal(a.nlisteners, 0);
	assert_int_equal(fcntl(ACTIVATION_FD, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	assert_int_equal(fcntl(ACTIVATION_FD, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
	close(ACTIVATION_FD);
	/* a datagram socket passed alone: refused, the variables gone anyway */
	put_at_3(stream(SOCK_DGRAM, 1, 0));
	set_env("1", NULL);
	assert_int_equal(take(&a), -EPROTOTYPE);
	close(ACTIVATION_FD);
	/* nothing at fd 3 */
	set_env("1", NULL);
	assert_int_equal(take(&a), -EBADF);
	/* another pid's variables: left alone, removed */
	setenv("LISTEN_PID", "1", 1);
	setenv("LISTEN_FDS", "1", 1);
	assert_int_equal(take(&a), 0);
	assert_int_equal(a.socket, -1);
}

/* fd (a copy above 10) to number at, closing the original orig. */
static void move_to(int fd, int at, int orig)
{
	assert_true(fd >= 10);
	close(orig);
	assert_int_equal(dup2(fd, at), at);
	close(fd);
}

/* The socket among stored fds: a pipe named as a listener and a pipe of
 * an unknown name are closed and counted, never adopted; two listening
 * sockets are a unit written wrong. */
static void test_take_stored(void **state)
{
	struct activation a;
	int p[2], q[2];

	(void)state;
	if (fcntl(ACTIVATION_FD, F_GETFD) >= 0)
		skip();
	put_at_3(stream(SOCK_STREAM, 1, 1));
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(pipe2(q, O_CLOEXEC), 0);
	move_to(fcntl(p[0], F_DUPFD_CLOEXEC, 10), 4, p[0]);
	move_to(fcntl(q[0], F_DUPFD_CLOEXEC, 10), 5, q[0]);
	set_env("3", "tracerd.socket:listener-7-1234:junk");
	assert_int_equal(take(&a), 0);
	assert_int_equal(a.socket, ACTIVATION_FD);
	assert_int_equal(a.nlisteners, 0);
	assert_int_equal(a.ignored, 2);
	assert_true(fcntl(4, F_GETFD) < 0 && fcntl(5, F_GETFD) < 0);	/* closed */
	activation_free(&a);
	p[0] = stream(SOCK_STREAM, 1, 1);
	move_to(fcntl(p[0], F_DUPFD_CLOEXEC, 10), 4, p[0]);
	set_env("2", "a:b");
	assert_int_equal(take(&a), -EINVAL);
	assert_non_null(strstr(err, "both listening"));
	activation_free(&a);
	close(ACTIVATION_FD);
	close(4);
	close(p[1]);
	close(q[1]);
}

/* The fd store's names: exactly "listener-ID-PID", and back. */
static void test_listener_names(void **state)
{
	static const char *const bad[] = {
		"", "listener-", "listener-1", "listener-1-", "listener-0-5", "listener-1-0",
		"listener-01-5", "listener-1-05", "listener--1-5", "listener-1--5",
		"listener-1-5-", "listener-1-5x", "listener-1-2147483648",
		"listener-18446744073709551616-1", "Listener-1-5", "listener-+1-5", "listener-1-5 ",
	};
	char buf[FDSTORE_NAME_MAX];
	uint64_t id;
	pid_t pid;

	(void)state;
	assert_int_equal(fdstore_parse_listener("listener-7-1234", &id, &pid), 0);
	assert_int_equal(id, 7);
	assert_int_equal(pid, 1234);
	assert_int_equal(fdstore_parse_listener("listener-18446744073709551615-2147483647", &id,
						&pid), 0);
	assert_true(id == UINT64_MAX && pid == INT32_MAX);
	assert_int_equal(fdstore_listener_name(buf, sizeof(buf), id, pid), 0);
	assert_string_equal(buf, "listener-18446744073709551615-2147483647");
	for (size_t i = 0; i < UNIT_LEN(bad); i++)
		assert_int_equal(fdstore_parse_listener(bad[i], &id, &pid), -EINVAL);
	assert_int_equal(fdstore_parse_listener(NULL, &id, &pid), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_not_ours),
		cmocka_unit_test(test_parse_ours),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_check_fd),
		cmocka_unit_test(test_take),
		cmocka_unit_test(test_take_stored),
		cmocka_unit_test(test_listener_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
