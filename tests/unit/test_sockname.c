/* common/sockname.c: the name rules and an abstract address that a real
 * bind and connect agree on. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "unit.h"
#include "sockname.h"

static void test_default(void **state)
{
	char out[SOCKNAME_MAX + 1];

	(void)state;
	assert_int_equal(sockname_get(NULL, 1000, out), 12);
	assert_string_equal(out, "tracerd-1000");
	assert_int_equal(sockname_get(NULL, 0, out), 9);
	assert_string_equal(out, "tracerd-0");
	assert_int_equal(sockname_get(NULL, 65534, out), 13);
	assert_string_equal(out, "tracerd-65534");
	assert_int_equal(sockname_get(NULL, 4294967294U, out), 18);
	assert_string_equal(out, "tracerd-4294967294");
}

static void test_override(void **state)
{
	char out[SOCKNAME_MAX + 1];

	(void)state;
	assert_int_equal(sockname_get("mine", 1000, out), 4);
	assert_string_equal(out, "mine");
	assert_int_equal(sockname_get("@mine", 1000, out), 4);
	assert_string_equal(out, "mine");
	/* only one '@' is stripped */
	assert_int_equal(sockname_get("@@x", 1000, out), 2);
	assert_string_equal(out, "@x");
	assert_int_equal(sockname_get("a@b", 1000, out), 3);
	assert_string_equal(out, "a@b");
	assert_int_equal(sockname_get("x", 1000, out), 1);
	assert_string_equal(out, "x");
}

/* A failure leaves out untouched. */
static int get_keeps(const char *name)
{
	char out[SOCKNAME_MAX + 1], keep[SOCKNAME_MAX + 1];
	int r;

	memset(out, 'Z', sizeof(out));
	memcpy(keep, out, sizeof(out));
	r = sockname_get(name, 1000, out);
	if (r < 0)
		assert_memory_equal(out, keep, sizeof(out));
	return r;
}

static void test_invalid(void **state)
{
	(void)state;
	assert_int_equal(get_keeps(""), -EINVAL);
	assert_int_equal(get_keeps("@"), -EINVAL);
	assert_int_equal(get_keeps("a\tb"), -EINVAL);
	assert_int_equal(get_keeps("a\x7f"), -EINVAL);
	assert_int_equal(get_keeps("\x1b[31m"), -EINVAL);
	assert_int_equal(get_keeps("caf\xc3\xa9"), 5);	/* UTF-8 is printable */
}

/* Each refusal says what is wrong, naming the variable or the option. */
static void test_invalid_says(void **state)
{
	char name[SOCKNAME_MAX + 2];

	(void)state;
	assert_null(sockname_invalid(NULL, false));
	assert_null(sockname_invalid("@ok", false));
	assert_non_null(strstr(sockname_invalid("", false), "TRACERD_SOCKET is empty"));
	assert_non_null(strstr(sockname_invalid("@", true), "--socket is empty"));
	assert_non_null(strstr(sockname_invalid("a\nb", false), "control character"));
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_non_null(strstr(sockname_invalid(name, true), "--socket is longer than 107"));
}

static void test_lengths(void **state)
{
	char name[SOCKNAME_MAX + 3], out[SOCKNAME_MAX + 1];

	(void)state;
	assert_int_equal(SOCKNAME_MAX, 107);
	memset(name, 'n', sizeof(name));
	name[107] = '\0';
	assert_int_equal(sockname_get(name, 0, out), 107);
	assert_memory_equal(out, name, 108);
	name[107] = 'n';
	name[108] = '\0';
	assert_int_equal(get_keeps(name), -EINVAL);
	/* '@' + 107 is 107 once stripped; '@' + 108 is too long */
	name[0] = '@';
	assert_int_equal(sockname_get(name, 0, out), 107);
	assert_int_equal(strlen(out), 107);
	assert_int_equal(out[0], 'n');
	name[108] = 'n';
	name[109] = '\0';
	assert_int_equal(get_keeps(name), -EINVAL);
}

static void test_addr(void **state)
{
	char name[SOCKNAME_MAX + 1];
	struct sockaddr_un a;
	socklen_t len;

	(void)state;
	memset(&a, 0x5a, sizeof(a));
	len = sockname_addr("abc", &a);
	assert_int_equal(len, offsetof(struct sockaddr_un, sun_path) + 1 + 3);
	assert_int_equal(a.sun_family, AF_UNIX);
	assert_int_equal(a.sun_path[0], '\0');
	assert_memory_equal(a.sun_path + 1, "abc", 3);
	for (size_t i = 4; i < sizeof(a.sun_path); i++)
		assert_int_equal(a.sun_path[i], 0);

	memset(name, 'q', SOCKNAME_MAX);
	name[SOCKNAME_MAX] = '\0';
	len = sockname_addr(name, &a);
	assert_int_equal(len, sizeof(struct sockaddr_un));
	assert_int_equal(a.sun_path[0], '\0');
	assert_memory_equal(a.sun_path + 1, name, SOCKNAME_MAX);
}

/* The flags column of NAME's line in /proc/net/unix, or -1 when absent. */
static long proc_net_unix_flags(const char *name)
{
	FILE *f = fopen("/proc/net/unix", "re");
	char line[512], path[256];
	unsigned long flags;
	long found = -1;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %*s %*s %lx %*s %*s %*s %255s", &flags, path) != 2)
			continue;
		if (path[0] == '@' && strcmp(path + 1, name) == 0)
			found = (long)flags;
	}
	fclose(f);
	return found;
}

/* Control bytes, non-ASCII and backslashes cannot break a diagnostic line
 * or reach a terminal raw; the output is cut, never overrun. */
static void test_escape(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(sockname_escape("x\ny\033[31m", out, sizeof(out)), 14);
	assert_string_equal(out, "x\\x0ay\\x1b[31m");
	sockname_escape("a\\b\xff\x7f", out, sizeof(out));
	assert_string_equal(out, "a\\\\b\\xff\\x7f");
	sockname_escape("plain-name_1", out, sizeof(out));
	assert_string_equal(out, "plain-name_1");
	/* room for 4 more bytes is needed before an escape starts */
	assert_int_equal(sockname_escape("\n\n\n", out, 6), 4);
	assert_string_equal(out, "\\x0a");
	assert_int_equal(sockname_escape("abcdef", out, 4), 0);
	assert_string_equal(out, "");
}

static void test_bind_connect(void **state)
{
	char name[SOCKNAME_MAX + 1], bad[64];
	struct sockaddr_un a, got;
	socklen_t len, glen = sizeof(got);
	int srv, cli, acc;

	(void)state;
	snprintf(bad, sizeof(bad), "@unit-sockname-%d", getpid());
	assert_true(sockname_get(bad, 0, name) > 0);
	len = sockname_addr(name, &a);
	srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(srv >= 0);
	assert_int_equal(bind(srv, (struct sockaddr *)&a, len), 0);
	assert_int_equal(proc_net_unix_flags(name), 0);		/* bound */
	assert_int_equal(listen(srv, 4), 0);
	assert_int_equal(proc_net_unix_flags(name), 0x10000);	/* listening */
	assert_int_equal(getsockname(srv, (struct sockaddr *)&got, &glen), 0);
	assert_int_equal(glen, len);
	assert_memory_equal(&got, &a, len);

	cli = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(cli >= 0);
	/* the whole sun_path is another name: nobody serves it */
	assert_int_equal(connect(cli, (struct sockaddr *)&a, sizeof(a)), -1);
	assert_int_equal(errno, ECONNREFUSED);
	assert_int_equal(connect(cli, (struct sockaddr *)&a, len), 0);
	acc = accept4(srv, NULL, NULL, SOCK_CLOEXEC);
	assert_true(acc >= 0);
	assert_int_equal(write(cli, "k", 1), 1);
	assert_int_equal(read(acc, bad, 1), 1);
	assert_int_equal(bad[0], 'k');
	close(acc);
	close(cli);
	close(srv);
	assert_int_equal(proc_net_unix_flags(name), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_override),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_invalid_says),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_bind_connect),
	};

	return cmocka_run_group_tests_name("sockname", tests, NULL, NULL);
}
