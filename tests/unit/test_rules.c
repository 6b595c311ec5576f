/* The policy in force (tracerd/rules.c) on real directories: the nearest
 * rule wins, exe= over plain, --allow roots as rules, and a reload that
 * swaps versions while a call still holds the old one. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "rules.h"
#include "tracerd.h"

struct daemon daemon_cfg;

static char top[64];

static void path_of(char *buf, size_t cap, const char *rel)
{
	snprintf(buf, cap, "%s/%s", top, rel);
}

static int open_dir(const char *rel)
{
	char p[256];
	int fd;

	path_of(p, sizeof(p), rel);
	fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	return fd;
}

static void write_policy(const char *text)
{
	char p[256], tmp[256];
	FILE *f;

	path_of(p, sizeof(p), "policy");
	path_of(tmp, sizeof(tmp), "policy.tmp");
	f = fopen(tmp, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(rename(tmp, p), 0);
}

static int setup(void **state)
{
	static const char *const dirs[] = { "a", "a/b", "a/b/c", "other", "x", "x/y" };
	char p[256];

	(void)state;
	snprintf(top, sizeof(top), "/tmp/test_rules.XXXXXX");
	assert_non_null(mkdtemp(top));
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		path_of(p, sizeof(p), dirs[i]);
		assert_int_equal(mkdir(p, 0700), 0);
	}
	daemon_cfg.self_rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_int_equal(ident_at(daemon_cfg.self_rootfd, "", AT_EMPTY_PATH, &daemon_cfg.self_root),
			 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	close(daemon_cfg.self_rootfd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd) == 0 ? 0 : -1;
}

static unsigned exe_reads;

/* The program's executable, as judge.c reads it: here given (NULL: it
 * cannot be read). */
static int read_exe(void *arg, struct ident *out)
{
	exe_reads++;
	if (!arg)
		return -ESRCH;
	*out = *(const struct ident *)arg;
	return 0;
}

/* The rule matched from directory rel, as "FILE:LINE", or "" for none. */
static const char *match(const struct rules *r, const char *rel, const struct ident *exe)
{
	static char name[512];
	struct rule_match m;
	int fd = open_dir(rel), k = rules_match(r, fd, read_exe, (void *)(uintptr_t)exe, &m);

	close(fd);
	assert_true(k == 0 || k == 1);
	name[0] = '\0';
	if (k == 1) {
		const char *slash = strrchr(r->set->file, '/');
		char full[512];

		rules_name(r, m.rule, full, sizeof(full));
		snprintf(name, sizeof(name), "%s", slash ? full + (slash + 1 - r->set->file) : full);
	}
	return name;
}

static void test_allow_roots(void **state)
{
	char a[256], x[256];
	const char *dirs[] = { a, x, a };	/* a twice: one rule */
	struct rules *r;

	(void)state;
	path_of(a, sizeof(a), "a");
	path_of(x, sizeof(x), "x/");
	assert_int_equal(rules_init(NULL, dirs, 3), 0);
	r = rules_get();
	assert_int_equal(r->gen, 1);
	assert_null(r->source);
	assert_string_equal(match(r, "a/b/c", NULL), "--allow:1");
	assert_string_equal(match(r, "x/y", NULL), "--allow:2");
	assert_string_equal(match(r, "other", NULL), "");
	assert_int_equal(r->set->loaded, 2);
	rules_put(r);
	rules_free_all();
}

static void test_nearest_and_exe(void **state)
{
	char text[1024];
	struct ident self, other = { 0 };	/* self: the program /usr/bin/true */
	struct rules *r;
	char p[256];

	(void)state;
	assert_int_equal(ident_at(AT_FDCWD, "/usr/bin/true", 0, &self), 0);
	snprintf(text, sizeof(text),
		 "# comment\n"
		 "allow %s/a\n"
		 "deny %s/a/b errno=EACCES\n"
		 "audit %s/a/b exe=/usr/bin/true\n"
		 "allow %s/x if-exists\n",
		 top, top, top, top);
	write_policy(text);
	path_of(p, sizeof(p), "policy");
	assert_int_equal(rules_init(p, NULL, 0), 0);
	r = rules_get();
	assert_true(r->has_exe);
	assert_string_equal(match(r, "a", NULL), "policy:2");
	assert_string_equal(match(r, "a/b/c", NULL), "policy:3");	/* nearest */
	assert_string_equal(match(r, "a/b/c", &other), "policy:3");
	assert_string_equal(match(r, "a/b", &self), "policy:4");	/* exe= first */
	assert_string_equal(match(r, "x/y", NULL), "policy:5");
	exe_reads = 0;
	assert_string_equal(match(r, "other", &self), "");
	assert_string_equal(match(r, "a", &self), "policy:2");
	assert_int_equal(exe_reads, 0);	/* no exe= rule met: never read */
	assert_string_equal(match(r, "a/b/c", &self), "policy:4");
	assert_int_equal(exe_reads, 1);
	rules_put(r);
	rules_free_all();
}

/* A call holding version 1 keeps it whole while a reload brings 2; a
 * file with errors changes nothing and says its first error. */
static void test_reload(void **state)
{
	char text[512], why[512] = "", p[256];
	struct rules *held, *now;
	uint64_t gen = 0;
	unsigned n = 0;

	(void)state;
	snprintf(text, sizeof(text), "allow %s/a\n", top);
	write_policy(text);
	path_of(p, sizeof(p), "policy");
	assert_int_equal(rules_init(p, NULL, 0), 0);
	held = rules_get();
	snprintf(text, sizeof(text), "deny %s/a\nallow %s/x\n", top, top);
	write_policy(text);
	assert_int_equal(rules_reload(&gen, &n, why, sizeof(why)), 1);
	assert_int_equal(gen, 2);
	assert_int_equal(n, 2);
	now = rules_get();
	assert_int_equal(held->gen, 1);
	assert_int_equal(held->set->rules[0].action, POLICY_ALLOW);
	assert_int_equal(now->set->rules[0].action, POLICY_DENY);
	rules_put(held);	/* version 1 freed here, not before */
	rules_put(now);
	write_policy("allow /nonexistent-dir-of-test-rules\nbogus\n");
	assert_int_equal(rules_reload(&gen, &n, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "policy:1: "));
	now = rules_get();
	assert_int_equal(now->gen, 2);
	rules_put(now);
	rules_free_all();
}

/* Without --policy or --allow: the default file when it exists, /tmp
 * otherwise; one that appears is loaded, one that goes keeps the policy. */
static void test_default_file(void **state)
{
	char text[512], why[512], p[256], dir[256];
	struct rules *r;
	uint64_t gen = 0;
	unsigned n = 0;

	(void)state;
	path_of(dir, sizeof(dir), "conf");
	assert_int_equal(setenv("XDG_CONFIG_HOME", dir, 1), 0);
	assert_int_equal(rules_init(NULL, NULL, 0), 0);
	r = rules_get();
	assert_string_equal(r->set->file, "default");
	rules_put(r);
	assert_int_equal(rules_reload(&gen, &n, why, sizeof(why)), 0);
	path_of(p, sizeof(p), "conf/tracerd");
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(mkdir(p, 0700), 0);
	path_of(p, sizeof(p), "conf/tracerd/policy");
	snprintf(text, sizeof(text), "allow %s/x\n", top);
	{
		FILE *f = fopen(p, "w");

		assert_non_null(f);
		fputs(text, f);
		fclose(f);
	}
	assert_int_equal(rules_reload(&gen, &n, why, sizeof(why)), 1);
	assert_int_equal(gen, 2);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(rules_reload(&gen, &n, why, sizeof(why)), 0);
	r = rules_get();
	assert_int_equal(r->gen, 2);	/* the file's policy stays */
	rules_put(r);
	rules_free_all();
	unsetenv("XDG_CONFIG_HOME");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allow_roots),
		cmocka_unit_test(test_nearest_and_exe),
		cmocka_unit_test(test_reload),
		cmocka_unit_test(test_default_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
