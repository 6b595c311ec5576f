/* common/wire.c: fd and credential passing over real sockets. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "wire.h"
#include "test_wire.h"
static void pair(int type, int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv), 0);
}

static void same_file(int a, int b)
{
	struct stat sa, sb;

	assert_int_equal(fstat(a, &sa), 0);
	assert_int_equal(fstat(b, &sb), 0);
	assert_true(sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino);
}

/* The n lowest free fd numbers: the kernel installs received fds there. */
static void lowest_free(int any, int *out, int n)
{
	for (int i = 0; i < n; i++) {
		out[i] = dup(any);
		assert_true(out[i] >= 0);
	}
	for (int i = 0; i < n; i++)
		assert_int_equal(close(out[i]), 0);
}

static void test_send_one_fd(void **state)
{
	int base = unit_count_fds();
	uint8_t hello[WIRE_HELLO_SIZE], got[64];
	struct wire_recv rv;
	struct wire_hello h;
	int sv[2], p[2];

	(void)state;
	pair(SOCK_STREAM, sv);
	assert_int_equal(pipe(p), 0);	/* no CLOEXEC on the sender's side */
	wire_hello_encode(hello, getpid());
	assert_int_equal(wire_send(sv[0], hello, sizeof(hello), p[1]), 0);
	assert_int_equal(wire_recv(sv[1], got, sizeof(got), 0, &rv), 0);
	assert_int_equal(rv.len, WIRE_HELLO_SIZE);
	assert_int_equal(rv.nfds, 1);
	assert_false(rv.truncated);
	assert_false(rv.has_creds);
	assert_true(rv.fd >= 0);
	assert_true(rv.fd != p[1]);
	same_file(rv.fd, p[1]);
	assert_int_equal(fcntl(rv.fd, F_GETFD), FD_CLOEXEC);
	assert_int_equal(wire_hello_decode(got, (size_t)rv.len, &h), WIRE_OK);
	assert_int_equal(h.pid, getpid());
	/* it is the very pipe: bytes written through it come out of p[0] */
	assert_int_equal(write(rv.fd, "x", 1), 1);
	assert_int_equal(read(p[0], got, 1), 1);
	assert_int_equal(got[0], 'x');
	close(rv.fd);
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
	assert_int_equal(unit_count_fds(), base);
}

static void test_send_no_fd(void **state)
{
	uint8_t ack[WIRE_ACK_SIZE], got[WIRE_ACK_SIZE];
	struct wire_recv rv;
	struct wire_ack a;
	int sv[2];

	(void)state;
	pair(SOCK_STREAM, sv);
	wire_ack_encode(ack, WIRE_ENOFDS);
	assert_int_equal(wire_send(sv[1], ack, sizeof(ack), -1), 0);
	memset(&rv, 0x55, sizeof(rv));
	assert_int_equal(wire_recv(sv[0], got, sizeof(got), 0, &rv), 0);
	assert_int_equal(rv.len, WIRE_ACK_SIZE);
	assert_int_equal(rv.fd, -1);
	assert_int_equal(rv.nfds, 0);
	assert_false(rv.truncated);
	assert_false(rv.has_creds);
	assert_int_equal(wire_ack_decode(got, sizeof(got), &a), 0);
	assert_int_equal(a.status, WIRE_ENOFDS);
	close(sv[0]);
	close(sv[1]);
}

/* sendmsg with n fds in one SCM_RIGHTS header (wire_send sends one). */
static void send_fds(int sock, const int *fds, int n)
{
	union {
		char buf[CMSG_SPACE(16 * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	char byte = 'h';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			      .msg_controllen = CMSG_SPACE(n * sizeof(int)) };
	struct cmsghdr *c;

	assert_true(n <= 16);
	memset(&ctl, 0, sizeof(ctl));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	assert_int_equal(sendmsg(sock, &msg, 0), 1);
}

static void test_send_several_fds(void **state)
{
	int base = unit_count_fds();
	int sv[2], fds[3], slot[3];
	struct wire_recv rv;
	char got[4];

	(void)state;
	pair(SOCK_STREAM, sv);
	fds[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	fds[1] = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	fds[2] = sv[0];
	assert_true(fds[0] >= 0 && fds[1] >= 0);
	send_fds(sv[0], fds, 3);
	lowest_free(sv[1], slot, 3);
	assert_int_equal(wire_recv(sv[1], got, sizeof(got), 0, &rv), 0);
	assert_int_equal(rv.len, 1);
	assert_int_equal(rv.nfds, 3);
	assert_false(rv.truncated);
	assert_int_equal(rv.fd, slot[0]);	/* the first one is kept */
	same_file(rv.fd, fds[0]);
	assert_int_equal(fcntl(rv.fd, F_GETFD), FD_CLOEXEC);
	/* the others were installed in the next free slots and closed */
	for (int i = 1; i < 3; i++) {
		errno = 0;
		assert_int_equal(fcntl(slot[i], F_GETFD), -1);
		assert_int_equal(errno, EBADF);
	}
	close(rv.fd);
	close(fds[0]);
	close(fds[1]);
	close(sv[0]);
	close(sv[1]);
	assert_int_equal(unit_count_fds(), base);
}

/* More fds than wire_recv's control buffer holds: MSG_CTRUNC, nothing
 * leaks (the kernel drops the ones that do not fit). */
static void test_ctrunc(void **state)
{
	int base = unit_count_fds();
	int sv[2], fds[16];
	struct wire_recv rv;
	char got[4];

	(void)state;
	pair(SOCK_STREAM, sv);
	for (int i = 0; i < 16; i++)
		fds[i] = sv[0];
	send_fds(sv[0], fds, 16);
	assert_int_equal(wire_recv(sv[1], got, sizeof(got), 0, &rv), 0);
	assert_true(rv.truncated);
	assert_true(rv.nfds < 16);
	assert_true(rv.fd >= 0);
	close(rv.fd);
	close(sv[0]);
	close(sv[1]);
	assert_int_equal(unit_count_fds(), base);
}

static void test_credentials(void **state)
{
	uint8_t ack[WIRE_ACK_SIZE], got[16];
	struct wire_recv rv;
	int sv[2], one = 1;

	(void)state;
	pair(SOCK_STREAM, sv);
	wire_ack_encode(ack, WIRE_OK);
	/* without SO_PASSCRED: none */
	assert_int_equal(wire_send(sv[0], ack, sizeof(ack), -1), 0);
	assert_int_equal(wire_recv(sv[1], got, sizeof(got), 0, &rv), 0);
	assert_false(rv.has_creds);
	/* with it: the sender's, next to a passed fd */
	assert_int_equal(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)), 0);
	assert_int_equal(wire_send(sv[0], ack, sizeof(ack), sv[0]), 0);
	assert_int_equal(wire_recv(sv[1], got, sizeof(got), 0, &rv), 0);
	assert_int_equal(rv.len, WIRE_ACK_SIZE);
	assert_true(rv.has_creds);
	assert_int_equal(rv.pid, getpid());
	assert_int_equal(rv.uid, geteuid());
	assert_int_equal(rv.nfds, 1);
	assert_false(rv.truncated);
	same_file(rv.fd, sv[0]);
	close(rv.fd);
	close(sv[0]);
	close(sv[1]);
}

static void test_truncated_message(void **state)
{
	uint8_t hello[WIRE_HELLO_SIZE], got[WIRE_ACK_SIZE];
	struct wire_recv rv;
	int sv[2];

	(void)state;
	pair(SOCK_SEQPACKET, sv);
	wire_hello_encode(hello, 9);
	assert_int_equal(wire_send(sv[0], hello, sizeof(hello), -1), 0);
	assert_int_equal(wire_recv(sv[1], got, sizeof(got), 0, &rv), 0);
	assert_int_equal(rv.len, sizeof(got));
	assert_true(rv.truncated);
	assert_memory_equal(got, hello, sizeof(got));
	/* an exact fit is not truncated */
	assert_int_equal(wire_send(sv[0], hello, sizeof(got), -1), 0);
	assert_int_equal(wire_recv(sv[1], got, sizeof(got), 0, &rv), 0);
	assert_false(rv.truncated);
	close(sv[0]);
	close(sv[1]);
}

static void test_errors(void **state)
{
	uint8_t buf[WIRE_ACK_SIZE];
	struct wire_recv rv;
	int sv[2];

	(void)state;
	pair(SOCK_STREAM, sv);
	wire_ack_encode(buf, WIRE_OK);
	assert_int_equal(wire_recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT, &rv), -EAGAIN);
	assert_int_equal(wire_send(sv[0], buf, sizeof(buf), 1000000), -EBADF);
	assert_int_equal(wire_send(-1, buf, sizeof(buf), -1), -EBADF);
	close(sv[1]);
	/* MSG_NOSIGNAL: -EPIPE, no SIGPIPE */
	assert_int_equal(wire_send(sv[0], buf, sizeof(buf), -1), -EPIPE);
	close(sv[0]);
	/* end of file: length 0 */
	pair(SOCK_STREAM, sv);
	close(sv[0]);
	assert_int_equal(wire_recv(sv[1], buf, sizeof(buf), 0, &rv), 0);
	assert_int_equal(rv.len, 0);
	assert_int_equal(rv.fd, -1);
	close(sv[1]);
}


int wire_sock_run(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_send_one_fd),
		cmocka_unit_test(test_send_no_fd),
		cmocka_unit_test(test_send_several_fds),
		cmocka_unit_test(test_ctrunc),
		cmocka_unit_test(test_credentials),
		cmocka_unit_test(test_truncated_message),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests_name("wire sockets", tests, NULL, NULL);
}
