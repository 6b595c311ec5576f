/* The policy file (tracerd/policyfile.c, policyset.c): every error with
 * its line, ~, if-exists, identities (a symlink or .. names the same
 * directory), exe= over plain, bounds; and what-if's and suggest's
 * answers on fixed logs. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "options.h"
#include "policyfile.h"
#include "suggest.h"
#include "whatif.h"

static char top[PATH_MAX];

/* the default log is t-policy-tools.sh's: options.c stays out of here */
int options_default_log(char *out, size_t cap)
{
	(void)out;
	(void)cap;
	return -ENOENT;
}

static int setup(void **state)
{
	char p[5 * PATH_MAX];

	(void)state;
	snprintf(top, sizeof(top), "/tmp/test-policyfile.XXXXXX");
	if (!mkdtemp(top))
		return -1;
	snprintf(p, sizeof(p), "mkdir -p %s/a/b %s/home/src && ln -s a %s/link && touch %s/file",
		 top, top, top, top);
	if (system(p) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s/home", top);
	return setenv("HOME", p, 1);
}

static int teardown(void **state)
{
	char p[PATH_MAX + 16];

	(void)state;
	snprintf(p, sizeof(p), "rm -rf %s", top);
	return system(p) == 0 ? 0 : -1;
}

/* The text with every "@" replaced by top, loaded. */
static int load(const char *text, unsigned flags, struct policyset **s)
{
	char buf[8192], *o = buf;

	for (const char *p = text; *p && o < buf + sizeof(buf) - PATH_MAX; p++)
		o += *p == '@' ? (size_t)sprintf(o, "%s", top) : (size_t)(*o = *p, 1);
	return policyset_load_buf("pf", buf, (size_t)(o - buf), flags, s);
}

static bool said(const struct policyset *s, const char *start)
{
	for (unsigned i = 0; i < s->msgs.n; i++)
		if (strncmp(s->msgs.line[i], start, strlen(start)) == 0)
			return true;
	for (unsigned i = 0; i < s->msgs.n; i++)
		fprintf(stderr, "  said: %s\n", s->msgs.line[i]);
	return false;
}

static void test_good(void **state)
{
	struct policyset *s;
	int fds = unit_count_fds();

	(void)state;
	assert_int_equal(load("# c\n\n  allow @/a   # x\ndeny @/a/b errno=EACCES\naudit /\n"
			      "allow @/a exe=/usr/bin/mkdir\nallow ~/src\ndeny ~ errno=EROFS\r\n",
			      0, &s), 0);
	assert_int_equal(s->n, 6);
	assert_int_equal(s->loaded, 6);
	assert_int_equal(s->msgs.n, 0);
	assert_int_equal(s->rules[0].line, 3);
	assert_int_equal(s->rules[1].action, POLICY_DENY);
	assert_int_equal(s->rules[1].err, EACCES);
	assert_int_equal(s->rules[2].action, POLICY_AUDIT);
	assert_string_equal(s->rules[3].exe, "/usr/bin/mkdir");
	assert_true(strncmp(s->rules[4].path, top, strlen(top)) == 0);
	assert_string_equal(s->rules[4].path + strlen(top), "/home/src");
	assert_int_equal(s->rules[5].err, EROFS);
	assert_int_equal(unit_count_fds(), fds + 7);	/* 6 directories, 1 exe */
	policyset_free(s);
	assert_int_equal(unit_count_fds(), fds);
}

static void test_errors(void **state)
{
	struct policyset *s;

	(void)state;
	assert_int_equal(load("allow @/a\nfrob /\nallow\nallow a/b\nallow ~x\n"
			      "allow @/a errno=EACCES\ndeny @/a/b errno=EIO\ndeny @/a/b errno=\n"
			      "allow @/a/b bogus\nallow @/a/b exe=/usr/bin/mkdir exe=/bin/sh\n"
			      "allow @/a/b if-exists exe=/usr/bin/mkdir\nallow @/none\n"
			      "allow @/file\nallow @/a/b exe=@/none\nallow @/a/b exe=@/a\n"
			      "allow @/a\nallow @/a/b if-existsx\n", 0, &s), -EINVAL);
	assert_true(said(s, "pf:2: unknown action 'frob'"));
	assert_true(said(s, "pf:3: allow needs a directory"));
	assert_true(said(s, "pf:4: directory 'a/b' is not an absolute path"));
	assert_true(said(s, "pf:5: directory '~x' is not an absolute path"));
	assert_true(said(s, "pf:6: errno= is for deny rules only"));
	assert_true(said(s, "pf:7: errno=EIO: not an errno mkdir returns"));
	assert_true(said(s, "pf:8: errno=: not an errno"));
	assert_true(said(s, "pf:9: unknown option 'bogus'"));
	assert_true(said(s, "pf:10: exe= given twice"));
	assert_true(said(s, "pf:11: if-exists must end the rule"));
	assert_true(said(s, "pf:12: directory /tmp/"));
	assert_true(said(s, "pf:13: /tmp/"));
	assert_true(said(s, "pf:14: exe=/tmp/"));
	assert_true(said(s, "pf:15: exe=/tmp/"));
	assert_true(said(s, "pf:16: duplicate of the rule on line 1"));
	assert_true(said(s, "pf:17: unknown option 'if-existsx'"));
	assert_int_equal(s->msgs.errors, 16);
	/* lines 2 to 17, in order */
	assert_non_null(strstr(s->msgs.line[10], "does not exist"));
	assert_non_null(strstr(s->msgs.line[11], "is not a directory"));
	assert_non_null(strstr(s->msgs.line[12], "does not exist"));
	assert_non_null(strstr(s->msgs.line[13], "is not a regular file"));
	policyset_free(s);
}

/* a symlink and .. name the directory they lead to now: one identity */
static void test_identity(void **state)
{
	struct policyset *s;
	struct ident a, b, mk, sh;

	(void)state;
	assert_int_equal(load("allow @/link\ndeny @/a/b/..\n", 0, &s), -EINVAL);
	assert_true(said(s, "pf:2: duplicate of the rule on line 1: the same directory"));
	policyset_free(s);
	assert_int_equal(load("allow @/link\ndeny @/a/b exe=/usr/bin/mkdir\n"
			      "allow @/a/b/../b\n", 0, &s), 0);
	assert_int_equal(ident_at(AT_FDCWD, s->rules[0].path, 0, &a), 0);
	assert_int_equal(ident_at(AT_FDCWD, s->rules[1].path, 0, &b), 0);
	assert_int_equal(ident_at(AT_FDCWD, "/usr/bin/mkdir", 0, &mk), 0);
	assert_int_equal(ident_at(AT_FDCWD, "/bin/sh", 0, &sh), 0);
	assert_string_equal(s->rules[0].path + strlen(top), "/a");	/* realpath at load */
	assert_ptr_equal(policyset_on(s, &a, &mk), &s->rules[0]);
	assert_ptr_equal(policyset_on(s, &a, NULL), &s->rules[0]);
	/* exe= over plain on the same directory, plain for other programs */
	assert_ptr_equal(policyset_on(s, &b, &mk), &s->rules[1]);
	assert_ptr_equal(policyset_on(s, &b, &sh), &s->rules[2]);
	assert_ptr_equal(policyset_on(s, &b, NULL), &s->rules[2]);
	/* no rule on the directory: none (the caller walks up) */
	assert_null(policyset_on(s, &mk, &mk));
	policyset_free(s);
	assert_int_equal(load("deny @/a exe=/usr/bin/mkdir\nallow @/a exe=/usr/bin/../bin/mkdir\n",
			      0, &s), -EINVAL);
	assert_true(said(s, "pf:2: duplicate of the rule on line 1: the same directory and exe="));
	policyset_free(s);
}

static void test_if_exists(void **state)
{
	struct policyset *s;
	int fds = unit_count_fds();

	(void)state;
	assert_int_equal(load("allow ~/build if-exists\nallow @/a if-exists\n", 0, &s), 0);
	assert_int_equal(s->msgs.errors, 0);
	assert_int_equal(s->msgs.warnings, 1);
	assert_true(said(s, "pf:1: warning: directory "));
	assert_true(s->rules[0].skipped);
	assert_int_equal(s->rules[0].dirfd, -1);
	assert_false(s->rules[1].skipped);
	assert_int_equal(s->loaded, 1);
	policyset_free(s);
	assert_int_equal(unit_count_fds(), fds);
}

static void test_bounds(void **state)
{
	size_t n = 2 * 1024 * 1024;
	char *big = malloc(n);
	struct policyset *s;

	(void)state;
	assert_non_null(big);
	memset(big, 'a', n);
	assert_int_equal(policyset_load_buf("pf", big, n, 0, &s), -EINVAL);
	assert_true(said(s, "pf:1: line longer than 4096 bytes; the rest is not read"));
	assert_int_equal(s->msgs.n, 1);
	policyset_free(s);
	for (size_t i = 0; i < n; i += 2)
		memcpy(big + i, "#\n", 2);
	assert_int_equal(policyset_load_buf("pf", big, n, 0, &s), -EINVAL);
	assert_true(said(s, "pf:100001: more than 100000 lines"));
	policyset_free(s);
	for (size_t i = 0; i < 2000; i++)
		memcpy(big + i * 9, "allow /\n\n", 9);
	assert_int_equal(policyset_load_buf("pf", big, 2000 * 9, POLICY_PARSE_ONLY, &s), -EINVAL);
	assert_true(said(s, "pf:2049: more than 1024 rules"));
	policyset_free(s);
	memcpy(big, "allow /\0x\n", 10);
	assert_int_equal(policyset_load_buf("pf", big, 10, 0, &s), -EINVAL);
	assert_true(said(s, "pf:1: a NUL byte"));
	policyset_free(s);
	for (size_t i = 0; i < 200; i++)
		memcpy(big + i * 5, "frob\n", 5);
	assert_int_equal(policyset_load_buf("pf", big, 1000, 0, &s), -EINVAL);
	assert_int_equal(s->msgs.n, POLICY_MSGS_MAX);
	assert_int_equal(s->msgs.errors, 200);
	assert_int_equal(s->msgs.dropped, 200 - POLICY_MSGS_MAX);
	policyset_free(s);
	free(big);
}

static void test_whatif_rule(void **state)
{
	struct policyset *s;
	char p[PATH_MAX + 16];

	(void)state;
	assert_int_equal(load("allow @\ndeny @/a\nallow @/a exe=/usr/bin/mkdir\nallow @/a/b\n",
			      0, &s), 0);

	snprintf(p, sizeof(p), "%s/a/x", top);
	assert_ptr_equal(whatif_rule(s, p, NULL), &s->rules[1]);
	assert_ptr_equal(whatif_rule(s, p, "/usr/bin/mkdir"), &s->rules[2]);
	snprintf(p, sizeof(p), "%s/a/b/c/d", top);
	assert_ptr_equal(whatif_rule(s, p, "/usr/bin/mkdir"), &s->rules[3]);
	snprintf(p, sizeof(p), "%s/ab", top);	/* a component, not a prefix */
	assert_ptr_equal(whatif_rule(s, p, NULL), &s->rules[0]);
	assert_null(whatif_rule(s, "/var/x", NULL));
	policyset_free(s);
}

/* suggest on a fixed log: lifted out of created directories, joined
 * under the deepest common one, the home never blanketed */
static void test_suggest(void **state)
{
	char log[PATH_MAX + 16], *text = NULL, *logs[1] = { log };
	size_t len = 0;
	unsigned bad;
	FILE *f, *out;

	(void)state;
	snprintf(log, sizeof(log), "%s/log", top);
	f = fopen(log, "w");
	assert_non_null(f);
	fprintf(f, "{\"event\":\"start\"}\n{\"resolved\":\"%s/a/n\",\"decision\":\"emulated\","
		"\"errno\":null}\n{\"resolved\":\"%s/a/n/m\",\"decision\":\"emulated\","
		"\"errno\":null}\n{\"resolved\":\"%s/a/b/o\",\"decision\":\"emulated\","
		"\"errno\":\"EEXIST\"}\n{\"resolved\":\"%s/a/b/p\",\"decision\":\"emulated\","
		"\"errno\":null,\"action\":\"audit\"}\n{\"resolved\":\"%s/home/src/q\","
		"\"decision\":\"emulated\",\"errno\":null}\n", top, top, top, top, top);
	fclose(f);
	out = open_memstream(&text, &len);
	assert_int_equal(suggest_run(out, logs, 1, false, getenv("HOME"), &bad), 0);
	fclose(out);
	assert_non_null(strstr(text, "# 3 calls created\nallow /tmp/test-policyfile"));
	assert_non_null(strstr(text, "/a\n"));
	assert_non_null(strstr(text, "# 1 call created\nallow ~/src\n"));
	assert_null(strstr(text, "allow ~\n"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_if_exists),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_whatif_rule),
		cmocka_unit_test(test_suggest),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
