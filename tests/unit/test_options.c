/* tracerd/options.c: issue 2's command line, `tracerd [--socket NAME]
 * [--log PATH|-] [--allow DIR]... [--threads K] [--help] [--version]`,
 * TRACERD_SOCKET, and the default log path. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "options.h"

static struct options o;
static char err[256];

/* Parse a NULL-terminated list (argv[0] added); argv is copied since
 * getopt permutes it. */
static int parse_v(const char *const *args)
{
	static char store[160][64];
	static char *argv[161];
	static char *none[] = { store[0], NULL };
	int argc = 0;

	argv[argc] = strcpy(store[argc], "tracerd");
	argc++;
	for (; *args; args++, argc++) {
		assert_true(argc < 160 && strlen(*args) < sizeof(store[0]));
		argv[argc] = strcpy(store[argc], *args);
	}
	argv[argc] = NULL;
	memset(err, 0, sizeof(err));
	/* tracerd parses once; a test parses many times: clear glibc's
	 * getopt state (optind = 0 re-initializes it) left by an earlier
	 * parse that stopped inside a cluster like "-xh" */
	optind = 0;
	(void)getopt(1, none, "");
	return options_parse(argc, argv, &o, err, sizeof(err));
}

#define PARSE(...) parse_v((const char *const[]){ __VA_ARGS__, NULL })

static int setup(void **state)
{
	(void)state;
	unsetenv("TRACERD_SOCKET");
	return 0;
}

static void test_defaults(void **state)
{
	(void)state;
	assert_int_equal(parse_v((const char *const[]){ NULL }), 0);
	assert_null(o.socket);
	assert_null(o.log);
	assert_int_equal(o.nallow, 0);
	assert_int_equal(o.threads, 4);
	assert_int_equal(o.max_threads, 64);
	assert_int_equal(o.level_prefix, 0);
	assert_int_equal(o.help, 0);
	assert_int_equal(o.version, 0);
}

static void test_socket(void **state)
{
	(void)state;
	assert_int_equal(PARSE("--socket", "mine"), 0);
	assert_string_equal(o.socket, "mine");
	assert_int_equal(PARSE("--socket=@other"), 0);
	assert_string_equal(o.socket, "@other");
	/* --socket overrides TRACERD_SOCKET, which overrides the default */
	setenv("TRACERD_SOCKET", "fromenv", 1);
	assert_int_equal(parse_v((const char *const[]){ NULL }), 0);
	assert_string_equal(o.socket, "fromenv");
	assert_int_equal(PARSE("--socket", "mine"), 0);
	assert_string_equal(o.socket, "mine");
	unsetenv("TRACERD_SOCKET");
}

static void test_log(void **state)
{
	(void)state;
	assert_int_equal(PARSE("--log", "/var/tmp/a.jsonl"), 0);
	assert_string_equal(o.log, "/var/tmp/a.jsonl");
	assert_int_equal(PARSE("--log", "-"), 0);
	assert_string_equal(o.log, "-");
	assert_int_equal(PARSE("--log="), -EINVAL);
	assert_non_null(strstr(err, "--log"));
	assert_int_equal(PARSE("--log"), -EINVAL);
	assert_non_null(strstr(err, "--log"));
}

static void test_allow(void **state)
{
	static char dirs[OPTIONS_MAX_ALLOW + 1][16];
	const char *args[2 * (OPTIONS_MAX_ALLOW + 1) + 1];

	(void)state;
	assert_int_equal(PARSE("--allow", "/tmp", "--allow", "/var/tmp", "--allow=/srv"), 0);
	assert_int_equal(o.nallow, 3);
	assert_string_equal(o.allow[0], "/tmp");
	assert_string_equal(o.allow[1], "/var/tmp");
	assert_string_equal(o.allow[2], "/srv");

	assert_int_equal(PARSE("--allow", "tmp"), -EINVAL);
	assert_non_null(strstr(err, "'tmp'"));
	assert_int_equal(PARSE("--allow", ""), -EINVAL);

	for (int i = 0; i <= OPTIONS_MAX_ALLOW; i++) {
		snprintf(dirs[i], sizeof(dirs[i]), "/d%d", i);
		args[2 * i] = "--allow";
		args[2 * i + 1] = dirs[i];
	}
	args[2 * OPTIONS_MAX_ALLOW] = NULL;
	assert_int_equal(parse_v(args), 0);
	assert_int_equal(o.nallow, OPTIONS_MAX_ALLOW);
	assert_string_equal(o.allow[OPTIONS_MAX_ALLOW - 1], dirs[OPTIONS_MAX_ALLOW - 1]);
	args[2 * OPTIONS_MAX_ALLOW] = "--allow";
	args[2 * OPTIONS_MAX_ALLOW + 2] = NULL;
	assert_int_equal(parse_v(args), -EINVAL);
	assert_non_null(strstr(err, "64"));
}

/* --policy FILE: once, and never with --allow (either order). */
static void test_policy(void **state)
{
	(void)state;
	assert_int_equal(PARSE("--policy", "/etc/p"), 0);
	assert_string_equal(o.policy, "/etc/p");
	assert_int_equal(o.nallow, 0);
	assert_int_equal(PARSE("--policy", "/a", "--policy", "/b"), -EINVAL);
	assert_non_null(strstr(err, "twice"));
	assert_int_equal(PARSE("--policy", "/a", "--allow", "/tmp"), -EINVAL);
	assert_non_null(strstr(err, "cannot be combined"));
	assert_int_equal(PARSE("--allow", "/tmp", "--policy=/a"), -EINVAL);
	assert_int_equal(PARSE("--policy"), -EINVAL);
}

static void test_threads(void **state)
{
	static const char *const bad[] = { "0", "65", "-1", "abc", "4x", "", "99999999999999999999" };

	(void)state;
	assert_int_equal(PARSE("--threads", "1"), 0);
	assert_int_equal(o.threads, 1);
	assert_int_equal(PARSE("--threads=64"), 0);
	assert_int_equal(o.threads, 64);
	for (size_t i = 0; i < UNIT_LEN(bad); i++) {
		assert_int_equal(PARSE("--threads", bad[i]), -EINVAL);
		assert_non_null(strstr(err, "--threads"));
	}
}

static void test_max_threads(void **state)
{
	static const char *const bad[] = { "0", "257", "-1", "x", "" };

	(void)state;
	assert_int_equal(PARSE("--threads", "2", "--max-threads", "3"), 0);
	assert_int_equal(o.threads, 2);
	assert_int_equal(o.max_threads, 3);
	assert_int_equal(PARSE("--max-threads=256"), 0);
	assert_int_equal(o.max_threads, 256);
	assert_int_equal(PARSE("--threads", "8", "--max-threads", "4"), -EINVAL);
	assert_non_null(strstr(err, "below --threads"));
	for (size_t i = 0; i < UNIT_LEN(bad); i++) {
		assert_int_equal(PARSE("--max-threads", bad[i]), -EINVAL);
		assert_non_null(strstr(err, "--max-threads"));
	}
}

static void test_fd_store_max(void **state)
{
	static const char *const bad[] = { "-1", "1000001", "x", "", "12k" };

	(void)state;
	assert_int_equal(PARSE("--log", "-"), 0);
	assert_int_equal(o.fd_store_max, 0);
	assert_int_equal(PARSE("--fd-store-max", "4096"), 0);
	assert_int_equal(o.fd_store_max, 4096);
	for (size_t i = 0; i < UNIT_LEN(bad); i++) {
		assert_int_equal(PARSE("--fd-store-max", bad[i]), -EINVAL);
		assert_non_null(strstr(err, "--fd-store-max"));
	}
}

static void test_flags(void **state)
{
	(void)state;
	assert_int_equal(PARSE("--help"), 0);
	assert_int_equal(o.help, 1);
	assert_int_equal(PARSE("-h"), 0);
	assert_int_equal(o.help, 1);
	assert_int_equal(PARSE("--version"), 0);
	assert_int_equal(o.version, 1);
	assert_int_equal(o.help, 0);
	assert_int_equal(PARSE("--level-prefix"), 0);
	assert_int_equal(o.level_prefix, 1);
}

/* Usage errors name what was wrong (main turns -EINVAL into exit 2). */
/* --log repeatable: the first is the primary, up to 8, each once. */
static void test_logs(void **state)
{
	(void)state;
	assert_int_equal(PARSE("--log", "/a", "--log", "journal", "--log", "syslog", "--log", "-"), 0);
	assert_int_equal(o.nlogs, 4);
	assert_string_equal(o.log, "/a");
	assert_string_equal(o.logs[1], "journal");
	assert_string_equal(o.logs[3], "-");
	assert_int_equal(PARSE("--log", "1", "--log", "2", "--log", "3", "--log", "4", "--log", "5",
			       "--log", "6", "--log", "7", "--log", "8"), 0);
	assert_int_equal(o.nlogs, 8);
	assert_int_equal(PARSE("--log", "1", "--log", "2", "--log", "3", "--log", "4", "--log", "5",
			       "--log", "6", "--log", "7", "--log", "8", "--log", "9"), -EINVAL);
	assert_non_null(strstr(err, "at most 8 --log"));
	assert_int_equal(PARSE("--log", "journal", "--log", "journal"), -EINVAL);
	assert_non_null(strstr(err, "'journal' given twice"));
}

/* SIZE: K, M, G (binary), 0 off, 4K to 1024G; anything else refused. */
static void test_log_max_size(void **state)
{
	static const struct { const char *arg; long long v; } good[] = {
		{ "0", 0 }, { "4096", 4096 }, { "4K", 4096 }, { "64k", 65536 },
		{ "64M", 64LL << 20 }, { "1G", 1LL << 30 }, { "1024G", 1LL << 40 },
		{ "1099511627776", 1LL << 40 },
	};
	static const char *const bad_sizes[] = { "12Q", "-5", "+5", " 5", "5 ", "", "K", "4095",
		"1K", "64MB", "64M2", "1025G", "1099511627777", "99999999999999999999",
		"18446744073709551616K", "0x10", "4.5M" };

	(void)state;
	assert_int_equal(parse_v((const char *const[]){ NULL }), 0);
	assert_int_equal(o.log_max_size, 64LL << 20);
	assert_int_equal(o.log_keep, 5);
	assert_int_equal(o.log_max_age, 0);
	assert_int_equal(o.syslog_facility, -1);
	assert_int_equal(o.nlogs, 0);
	for (size_t i = 0; i < UNIT_LEN(good); i++) {
		assert_int_equal(PARSE("--log-max-size", good[i].arg), 0);
		assert_true(o.log_max_size == good[i].v);
	}
	for (size_t i = 0; i < UNIT_LEN(bad_sizes); i++) {
		if (PARSE("--log-max-size", bad_sizes[i]) != -EINVAL)
			fail_msg("--log-max-size '%s' accepted", bad_sizes[i]);
		assert_non_null(strstr(err, "--log-max-size needs"));
	}
}

static void test_log_keep_age_facility(void **state)
{
	static const char *const bad_keep[] = { "0", "1001", "-1", "", "5x", "99999999999999999999" };
	static const char *const bad_age[] = { "0", "36501", "-1", "", "5x", "99999999999999999999" };

	(void)state;
	assert_int_equal(PARSE("--log-keep", "1", "--log-max-age", "30"), 0);
	assert_int_equal(o.log_keep, 1);
	assert_int_equal(o.log_max_age, 30);
	assert_int_equal(PARSE("--log-keep", "1000", "--log-max-age", "36500"), 0);
	assert_int_equal(o.log_keep, 1000);
	for (size_t i = 0; i < UNIT_LEN(bad_keep); i++) {
		assert_int_equal(PARSE("--log-keep", bad_keep[i]), -EINVAL);
		assert_non_null(strstr(err, "--log-keep needs"));
		assert_int_equal(PARSE("--log-max-age", bad_age[i]), -EINVAL);
		assert_non_null(strstr(err, "--log-max-age needs"));
	}
	assert_int_equal(PARSE("--syslog-facility", "local3"), 0);
	assert_int_equal(o.syslog_facility, 19 << 3);
	assert_int_equal(PARSE("--syslog-facility", "authpriv"), 0);
	assert_int_equal(o.syslog_facility, 10 << 3);
	assert_int_equal(PARSE("--syslog-facility", "bogus"), -EINVAL);
	assert_non_null(strstr(err, "--syslog-facility needs one of"));
	assert_int_equal(PARSE("--syslog-facility", ""), -EINVAL);
}

static void test_usage_errors(void **state)
{
	(void)state;
	assert_int_equal(PARSE("--bogus"), -EINVAL);
	assert_non_null(strstr(err, "--bogus"));
	assert_int_equal(PARSE("--socket"), -EINVAL);
	assert_non_null(strstr(err, "--socket"));
	assert_int_equal(PARSE("extra"), -EINVAL);
	assert_non_null(strstr(err, "extra"));
	assert_int_equal(PARSE("--log", "-", "extra"), -EINVAL);
	assert_non_null(strstr(err, "extra"));
	assert_int_equal(PARSE("-x"), -EINVAL);
	assert_non_null(strstr(err, "-x"));
}

/* An unknown short option first in a cluster is named, not argv[0]:
 * getopt has not moved optind past "-xh" yet (use optopt). */
static void test_cluster_error(void **state)
{
	(void)state;
	assert_int_equal(PARSE("-xh"), -EINVAL);
	assert_null(strstr(err, "tracerd"));
	assert_non_null(strstr(err, "-x"));
}

/* A long message is cut to the buffer, never past it. */
static void test_err_bounded(void **state)
{
	char small[9], argv0[] = "tracerd", opt[] = "--allow", arg[] = "relative/long/path";
	char *argv[] = { argv0, opt, arg, NULL };

	(void)state;
	memset(small, 'Z', sizeof(small));
	assert_int_equal(options_parse(3, argv, &o, small, 8), -EINVAL);
	assert_int_equal(small[7], '\0');
	assert_int_equal(small[8], 'Z');
}

static void test_default_log(void **state)
{
	char out[256];

	(void)state;
	setenv("XDG_STATE_HOME", "/xdg/state", 1);
	setenv("HOME", "/home/u", 1);
	assert_int_equal(options_default_log(out, sizeof(out)), 0);
	assert_string_equal(out, "/xdg/state/tracerd/audit.jsonl");
	/* a relative XDG_STATE_HOME is ignored (XDG base directory spec) */
	setenv("XDG_STATE_HOME", "rel", 1);
	assert_int_equal(options_default_log(out, sizeof(out)), 0);
	assert_string_equal(out, "/home/u/.local/state/tracerd/audit.jsonl");
	unsetenv("XDG_STATE_HOME");
	assert_int_equal(options_default_log(out, sizeof(out)), 0);
	assert_string_equal(out, "/home/u/.local/state/tracerd/audit.jsonl");
	/* exactly fitting, and one byte short */
	assert_int_equal(options_default_log(out, strlen(out) + 1), 0);
	assert_int_equal(options_default_log(out, strlen(out)), -ENAMETOOLONG);
	unsetenv("HOME");
	assert_int_equal(options_default_log(out, sizeof(out)), -ENOENT);
	setenv("HOME", "relative", 1);
	assert_int_equal(options_default_log(out, sizeof(out)), -ENOENT);
}

/* --idle-exit SECONDS: 0 to a year; absent, never (-1). */
static void test_idle_exit(void **state)
{
	(void)state;
	assert_int_equal(PARSE("--socket", "x"), 0);
	assert_int_equal(o.idle_exit, -1);
	assert_int_equal(PARSE("--idle-exit", "0"), 0);
	assert_int_equal(o.idle_exit, 0);
	assert_int_equal(PARSE("--idle-exit=60"), 0);
	assert_int_equal(o.idle_exit, 60);
	assert_int_equal(PARSE("--idle-exit", "31536000"), 0);
	assert_int_equal(PARSE("--idle-exit", "31536001"), -EINVAL);
	assert_non_null(strstr(err, "--idle-exit needs seconds"));
	assert_int_equal(PARSE("--idle-exit", "-1"), -EINVAL);
	assert_int_equal(PARSE("--idle-exit", "5s"), -EINVAL);
	assert_int_equal(PARSE("--idle-exit", ""), -EINVAL);
}

/* --detach is found in argv and taken out of it (the argv an upgrade
 * execs again); a --log named "--detach" stays. */
static void test_detach(void **state)
{
	char a0[] = "tracerd", a1[] = "--log", a2[] = "--detach", a3[] = "--detach", a4[] = "--idle-exit=1";
	char *argv[] = { a0, a1, a2, a3, a4, NULL };

	(void)state;
	assert_int_equal(PARSE("--socket", "x"), 0);
	assert_int_equal(o.detach, 0);
	assert_int_equal(PARSE("--detach", "--detach"), -EINVAL);
	assert_non_null(strstr(err, "twice"));
	optind = 0;
	assert_int_equal(options_parse(5, argv, &o, err, sizeof(err)), 0);
	assert_int_equal(o.detach, 1);
	assert_int_equal(o.detach_at, 3);
	assert_string_equal(o.log, "--detach");
	options_drop_detach(&o, 5, argv);
	assert_string_equal(argv[1], "--log");
	assert_string_equal(argv[2], "--detach");
	assert_string_equal(argv[3], "--idle-exit=1");
	assert_null(argv[4]);
}

static void test_usage_text(void **state)
{
	static const char *const opts[] = { "--socket", "--log", "--allow", "--threads", "--max-threads", "--fd-store-max",
					    "--idle-exit", "--detach", "~/.local/state",
					    "--help", "--version", "TRACERD_SOCKET" };

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(opts); i++)
		assert_non_null(strstr(options_usage, opts[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_socket),
		cmocka_unit_test(test_log),
		cmocka_unit_test(test_logs),
		cmocka_unit_test(test_log_max_size),
		cmocka_unit_test(test_log_keep_age_facility),
		cmocka_unit_test(test_allow),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_max_threads),
		cmocka_unit_test(test_fd_store_max),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_cluster_error),
		cmocka_unit_test(test_err_bounded),
		cmocka_unit_test(test_default_log),
		cmocka_unit_test(test_idle_exit),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_usage_text),
	};

	return cmocka_run_group_tests_name("options", tests, setup, NULL);
}
