/* tracerd/sdnotify.c: $NOTIFY_SOCKET addresses (path and abstract, their
 * lengths), the watchdog variables, the messages as a real datagram
 * socket receives them, and STATUS='s rate limit. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "unit.h"
#include "sdnotify.h"

#define SUN_OFF offsetof(struct sockaddr_un, sun_path)

static void test_addr_unset(void **state)
{
	struct sockaddr_un a;
	socklen_t len = 0;

	(void)state;
	assert_int_equal(sdnotify_addr(NULL, &a, &len), 0);
	assert_int_equal(sdnotify_addr("", &a, &len), 0);
	assert_int_equal(len, 0);
}

static void test_addr_path(void **state)
{
	struct sockaddr_un a;
	socklen_t len = 0;

	(void)state;
	assert_int_equal(sdnotify_addr("/run/user/0/systemd/notify", &a, &len), 1);
	assert_int_equal(a.sun_family, AF_UNIX);
	assert_string_equal(a.sun_path, "/run/user/0/systemd/notify");
	assert_int_equal(len, SUN_OFF + strlen("/run/user/0/systemd/notify") + 1);
}

static void test_addr_abstract(void **state)
{
	struct sockaddr_un a;
	socklen_t len = 0;

	(void)state;
	assert_int_equal(sdnotify_addr("@sd-notify/x", &a, &len), 1);
	assert_int_equal(a.sun_path[0], '\0');
	assert_memory_equal(a.sun_path + 1, "sd-notify/x", 11);
	/* exactly the name, no trailing NUL: a longer address is another name */
	assert_int_equal(len, SUN_OFF + 12);
}

static void test_addr_bad(void **state)
{
	struct sockaddr_un a;
	socklen_t len = 0;
	char big[200];

	(void)state;
	assert_int_equal(sdnotify_addr("relative/path", &a, &len), -EINVAL);
	assert_int_equal(sdnotify_addr("@", &a, &len), -EINVAL);
	assert_int_equal(sdnotify_addr("/", &a, &len), -EINVAL);
	assert_int_equal(sdnotify_addr("vsock:2:999", &a, &len), -EINVAL);
	/* a path needs room for its NUL: 107 bytes fit, 108 do not */
	memset(big, 'p', sizeof(big));
	big[0] = '/';
	big[107] = '\0';
	assert_int_equal(sdnotify_addr(big, &a, &len), 1);
	big[107] = 'p';
	big[108] = '\0';
	assert_int_equal(sdnotify_addr(big, &a, &len), -EINVAL);
	/* an abstract name may fill sun_path: 108 bytes with the '@' */
	big[0] = '@';
	assert_int_equal(sdnotify_addr(big, &a, &len), 1);
	assert_int_equal(len, sizeof(struct sockaddr_un));
	big[108] = 'p';
	big[109] = '\0';
	assert_int_equal(sdnotify_addr(big, &a, &len), -EINVAL);
	assert_int_equal(len, sizeof(struct sockaddr_un));	/* untouched on failure */
}

static void test_watchdog_parse(void **state)
{
	uint64_t u = 7;

	(void)state;
	assert_int_equal(sdnotify_watchdog_parse(NULL, NULL, 42, &u), 0);
	assert_int_equal(sdnotify_watchdog_parse(NULL, "42", 42, &u), 0);
	assert_int_equal(u, 7);
	assert_int_equal(sdnotify_watchdog_parse("2000000", NULL, 42, &u), 1);
	assert_int_equal(u, 2000000);
	assert_int_equal(sdnotify_watchdog_parse("3000000", "42", 42, &u), 1);
	assert_int_equal(u, 3000000);
	/* another process's watchdog (a child that inherited the variables) */
	u = 7;
	assert_int_equal(sdnotify_watchdog_parse("3000000", "43", 42, &u), 0);
	assert_int_equal(u, 7);
	assert_int_equal(sdnotify_watchdog_parse("0", NULL, 42, &u), -EINVAL);
	assert_int_equal(sdnotify_watchdog_parse("", NULL, 42, &u), -EINVAL);
	assert_int_equal(sdnotify_watchdog_parse("-5", NULL, 42, &u), -EINVAL);
	assert_int_equal(sdnotify_watchdog_parse(" 5", NULL, 42, &u), -EINVAL);
	assert_int_equal(sdnotify_watchdog_parse("5s", NULL, 42, &u), -EINVAL);
	assert_int_equal(sdnotify_watchdog_parse("18446744073709551615", NULL, 42, &u), -EINVAL);
	assert_int_equal(sdnotify_watchdog_parse("99999999999999999999", NULL, 42, &u), -EINVAL);
	assert_int_equal(sdnotify_watchdog_parse("5", "x", 42, &u), -EINVAL);
	assert_int_equal(sdnotify_watchdog_parse("5", "0", 42, &u), -EINVAL);
	assert_int_equal(u, 7);
}

/* A datagram socket bound to an abstract name (abstract: 1) or a path in
 * a temp dir; its $NOTIFY_SOCKET value in env. */
static int receiver(int abstract, char *env, size_t cap, char *dir)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	socklen_t len;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	if (abstract) {
		snprintf(env, cap, "@notif-unit-sd-%d", (int)getpid());
		memcpy(a.sun_path, env, strlen(env));
		a.sun_path[0] = '\0';
		len = (socklen_t)(SUN_OFF + strlen(env));
	} else {
		strcpy(dir, "/tmp/notif-unit-sd.XXXXXX");
		assert_non_null(mkdtemp(dir));
		snprintf(env, cap, "%s/notify", dir);
		strcpy(a.sun_path, env);
		len = (socklen_t)(SUN_OFF + strlen(env) + 1);
	}
	assert_int_equal(bind(fd, (struct sockaddr *)&a, len), 0);
	return fd;
}

static void expect_msg(int fd, const char *want)
{
	char buf[512];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	assert_true(n >= 0);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

static void no_msg(int fd)
{
	char buf[64];

	assert_int_equal(recv(fd, buf, sizeof(buf), MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
}

static void messages_to(int abstract)
{
	char env[160], dir[64] = "", buf[256];
	int fd = receiver(abstract, env, sizeof(env), dir), before = unit_count_fds();
	unsigned long long us;

	setenv("NOTIFY_SOCKET", env, 1);
	setenv("WATCHDOG_USEC", "4000000", 1);
	unsetenv("WATCHDOG_PID");
	assert_int_equal(sdnotify_init(), 0);
	assert_true(sdnotify_enabled());
	assert_int_equal(unit_count_fds(), before + 1);
	assert_int_equal(sdnotify_watchdog_usec(), 4000000);
	assert_int_equal(sdnotify_ready(), 1);
	expect_msg(fd, "READY=1");
	assert_int_equal(sdnotify_watchdog(), 1);
	expect_msg(fd, "WATCHDOG=1");
	assert_int_equal(sdnotify_stopping(), 1);
	expect_msg(fd, "STOPPING=1");
	assert_int_equal(sdnotify_reloading(), 1);
	assert_true(recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT) > 0);
	assert_int_equal(sscanf(buf, "RELOADING=1\nMONOTONIC_USEC=%llu", &us), 1);
	assert_true(us > 0);
	assert_int_equal(sdnotify_status("a", 5000), UINT64_MAX);
	expect_msg(fd, "STATUS=a");
	assert_int_equal(sdnotify_status("b", 5500), 6000);	/* held back */
	no_msg(fd);
	assert_int_equal(sdnotify_status("b", 6000), UINT64_MAX);
	expect_msg(fd, "STATUS=b");
	no_msg(fd);
	sdnotify_close();
	assert_int_equal(unit_count_fds(), before);
	close(fd);
	if (dir[0]) {
		unlink(env);
		rmdir(dir);
	}
}

static void test_messages_abstract(void **state)
{
	(void)state;
	messages_to(1);
}

static void test_messages_path(void **state)
{
	(void)state;
	messages_to(0);
}

/* Nobody listens: no fd, every send a no-op, no watchdog. */
static void test_unset(void **state)
{
	int before = unit_count_fds();

	(void)state;
	unsetenv("NOTIFY_SOCKET");
	setenv("WATCHDOG_USEC", "4000000", 1);
	assert_int_equal(sdnotify_init(), 0);
	assert_false(sdnotify_enabled());
	assert_int_equal(sdnotify_watchdog_usec(), 0);
	assert_int_equal(sdnotify_ready(), 0);
	assert_int_equal(sdnotify_watchdog(), 0);
	assert_int_equal(sdnotify_status("x", 0), UINT64_MAX);
	assert_int_equal(unit_count_fds(), before);
}

static void test_bad_env(void **state)
{
	char env[160], dir[64];
	int fd = receiver(1, env, sizeof(env), dir);

	(void)state;
	setenv("NOTIFY_SOCKET", "not-an-address", 1);
	assert_int_equal(sdnotify_init(), -EINVAL);
	assert_false(sdnotify_enabled());
	setenv("NOTIFY_SOCKET", env, 1);
	setenv("WATCHDOG_USEC", "soon", 1);
	assert_int_equal(sdnotify_init(), -ERANGE);
	assert_true(sdnotify_enabled());	/* the rest still works */
	assert_int_equal(sdnotify_watchdog_usec(), 0);
	/* the socket gone: the send fails, nothing else */
	close(fd);
	assert_true(sdnotify_ready() < 0);
	sdnotify_close();
	unsetenv("WATCHDOG_USEC");
}

static void test_rate(void **state)
{
	struct sdnotify_rate s;
	bool send;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(sdnotify_rate(&s, "one", 100, &send), UINT64_MAX);
	assert_true(send);
	/* unchanged: never again, however late */
	assert_int_equal(sdnotify_rate(&s, "one", 100000, &send), UINT64_MAX);
	assert_false(send);
	/* changed: a second after the last one at the earliest */
	s.last_ms = 100000;
	assert_int_equal(sdnotify_rate(&s, "two", 100999, &send), 101000);
	assert_false(send);
	assert_int_equal(sdnotify_rate(&s, "two", 101000, &send), UINT64_MAX);
	assert_true(send);
	assert_string_equal(s.last, "two");
	/* changed back within the second: held too */
	assert_int_equal(sdnotify_rate(&s, "one", 101001, &send), 102000);
	assert_false(send);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_unset),
		cmocka_unit_test(test_addr_path),
		cmocka_unit_test(test_addr_abstract),
		cmocka_unit_test(test_addr_bad),
		cmocka_unit_test(test_watchdog_parse),
		cmocka_unit_test(test_messages_abstract),
		cmocka_unit_test(test_messages_path),
		cmocka_unit_test(test_unset),
		cmocka_unit_test(test_bad_env),
		cmocka_unit_test(test_rate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
