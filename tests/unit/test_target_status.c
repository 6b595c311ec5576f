/* tracerd/target.c: /proc/TID/status parsing, fed from a memfd, and the
 * credential comparison behind the `credentials` error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "unit.h"
#include "target.h"
#include "test_target.h"

static const char status_text[] =
	"Name:\tmkdir\n"
	"Umask:\t0027\n"
	"State:\tS (sleeping)\n"
	"Tgid:\t100\n"
	"Ngid:\t0\n"
	"Pid:\t101\n"
	"PPid:\t1\n"
	"TracerPid:\t0\n"
	"Uid:\t1000\t1001\t1002\t1003\n"
	"Gid:\t2000\t2001\t2002\t2003\n"
	"FDSize:\t64\n"
	"Groups:\t30 10 20 \n"
	"NStgid:\t100\t5\n"
	"NSpid:\t101\t6\n"
	"NSpgid:\t100\t5\n"
	"NSsid:\t1\t1\n"
	"CapInh:\t0000000000000000\n"
	"CapPrm:\t000001ffffffffff\n"
	"CapEff:\t000001fffeffffff\n"
	"CapBnd:\t000001ffffffffff\n";

static struct target_facts c;
static struct creds cr;
static struct target_buf tb;

static int status_of(const char *text)
{
	int fd = memfd_create("status", MFD_CLOEXEC);
	int r;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	memset(&c, 0, sizeof(c));
	memset(&c.creds, 0x5a, sizeof(c.creds));
	r = target_status(fd, &c, &tb);
	cr = c.creds;
	close(fd);
	return r;
}

static void test_status(void **state)
{
	(void)state;
	assert_int_equal(status_of(status_text), 0);
	assert_string_equal(c.comm, "mkdir");
	assert_int_equal(c.tgid, 100);
	assert_int_equal(c.umask, 027);
	assert_int_equal(c.creds.fsuid, 1003);
	/* every namespace's ids, the reader's first, the target's own last */
	assert_int_equal(c.nslevels, 2);
	assert_int_equal(c.nstgid[0], 100);
	assert_int_equal(c.nstgid[1], 5);
	assert_int_equal(c.nspid[0], 101);
	assert_int_equal(c.nspid[1], 6);
	assert_int_equal(cr.fsuid, 1003);
	assert_int_equal(cr.fsgid, 2003);
	assert_int_equal(cr.ngroups, 3);
	assert_int_equal(cr.groups[0], 10);	/* sorted */
	assert_int_equal(cr.groups[1], 20);
	assert_int_equal(cr.groups[2], 30);
	assert_false(cr.foreign_ns);
	assert_int_equal(cr.cap_eff, 0x000001fffeffffffULL);
}

/* Each of the needed lines missing: -EPROTO, never a half-filled answer
 * taken as good. */
static void test_status_missing(void **state)
{
	static const char *const needed[] = { "Name:", "Umask:", "Tgid:", "Uid:", "Gid:",
					       "CapEff:" };
	char text[sizeof(status_text)];

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(needed); i++) {
		char *l, *nl;

		strcpy(text, status_text);
		l = strstr(text, needed[i]);
		assert_non_null(l);
		nl = strchr(l, '\n');
		memmove(l, nl + 1, strlen(nl + 1) + 1);
		assert_int_equal(status_of(text), -EPROTO);
	}
	assert_int_equal(status_of(""), -EPROTO);
}

/* Name: is comm with the kernel's escapes of '\n' and '\\' (and only
 * those): undone, every other byte kept, at most 15 bytes plus NUL. */
static void test_status_name(void **state)
{
	static const struct {
		const char *line, *comm;
	} cases[] = {
		{ "Name:\ta\\nb\\\\c d\te\n", "a\nb\\c d\te" },
		{ "Name:\tx\\\\ny\n", "x\\ny" },
		{ "Name:\t\xff\xfe\t\r\n", "\xff\xfe\t\r" },
		{ "Name:\t\n", "" },
		{ "Name:\t0123456789abcdefghijklmnopqrstuvwxyz0123456789\n",
		  "0123456789abcdefghijklmnopqrstu" },
	};
	char text[sizeof(status_text) + 64];

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(cases); i++) {
		snprintf(text, sizeof(text), "%s%s", cases[i].line, strchr(status_text, '\n') + 1);
		assert_int_equal(status_of(text), 0);
		assert_string_equal(c.comm, cases[i].comm);
	}
}

/* Any number of groups the kernel allows (65 536), in a status of any
 * size: read whole (the buffer grows), parsed whole, sorted. */
static void test_status_groups(void **state)
{
	const char *head_end = strstr(status_text, "Groups:");
	const char *tail = strstr(status_text, "NStgid:");
	static const unsigned counts[] = { 0, 64, 65, 1000, 65536 };
	size_t cap = 65536 * 12 + sizeof(status_text);
	char *text = malloc(cap);

	(void)state;
	assert_non_null(text);
	for (size_t k = 0; k < UNIT_LEN(counts); k++) {
		int n = snprintf(text, cap, "%.*sGroups:\t", (int)(head_end - status_text),
				 status_text);

		for (unsigned i = 0; i < counts[k]; i++)
			n += snprintf(text + n, cap - (size_t)n, "%u ", 4000000000U - i);
		snprintf(text + n, cap - (size_t)n, "\n%s", tail);
		assert_int_equal(status_of(text), 0);
		assert_int_equal(cr.ngroups, counts[k]);
		for (unsigned i = 1; i < cr.ngroups; i++)
			assert_true(cr.groups[i - 1] < cr.groups[i]);
		if (counts[k])
			assert_int_equal(cr.groups[cr.ngroups - 1], 4000000000U);
		/* the lines after Groups: were reached */
		assert_int_equal(cr.cap_eff, 0x000001fffeffffffULL);
		assert_int_equal(c.nslevels, 2);
		assert_int_equal(c.nspid[1], 6);
	}
	free(text);
}

/* NStgid and NSpid name the same namespaces; when they disagree the
 * levels are not trusted (no self in another procfs is computed). */
static void test_status_nslevels(void **state)
{
	char text[sizeof(status_text) + 64];
	char *p;

	(void)state;
	strcpy(text, status_text);
	p = strstr(text, "NSpid:\t101\t6\n");
	assert_non_null(p);
	memcpy(p, "NSpid:\t101 6 7", 14);
	assert_int_equal(status_of(text), 0);
	assert_int_equal(c.nslevels, 0);
}

/* uid_map/gid_map as the kernel prints them, and what is not one. */
static void test_parse_map(void **state)
{
	struct idmap m;

	(void)state;
	assert_int_equal(creds_parse_map("         0          0 4294967295\n", &m), 0);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.ext[0].lower, 0);
	assert_true(m.ext[0].count == 4294967295U);
	assert_int_equal(creds_parse_map("0 65534 1\n1 100000 65536\n", &m), 0);
	assert_int_equal(m.n, 2);
	assert_int_equal(m.ext[0].lower, 65534);
	assert_int_equal(m.ext[1].count, 65536);
	assert_int_equal(creds_parse_map("", &m), 0);
	assert_int_equal(m.n, 0);
	assert_int_equal(creds_parse_map("0 1\n", &m), -EPROTO);
	assert_int_equal(creds_parse_map("0 x 1\n", &m), -EPROTO);
	assert_int_equal(creds_parse_map("0 0 99999999999\n", &m), -EPROTO);
}

/* Our own status: the values the kernel reports for us. */
static void test_self(void **state)
{
	struct creds me;

	(void)state;
	assert_int_equal(target_self_creds(&me, &tb), 0);
	assert_int_equal(me.fsuid, geteuid());
	assert_int_equal(me.fsgid, getegid());
	assert_true(creds_equal(&me, &me));
}

static void test_creds_equal(void **state)
{
	gid_t ga[2] = { 10, 20 }, gb[2] = { 10, 20 };
	struct creds a, b;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.fsuid = 1000;
	a.fsgid = 1000;
	a.ngroups = 2;
	a.groups = ga;
	a.cap_eff = 0;
	b = a;
	b.groups = gb;
	assert_true(creds_equal(&a, &b));
	b.fsuid = 1001;
	assert_false(creds_equal(&a, &b));
	b = a;
	b.fsgid = 0;
	assert_false(creds_equal(&a, &b));
	b = a;
	b.groups = gb;
	gb[1] = 21;
	assert_false(creds_equal(&a, &b));
	gb[1] = 20;
	b.ngroups = 1;
	assert_false(creds_equal(&a, &b));
	b = a;
	b.cap_eff = 1;
	assert_false(creds_equal(&b, &a));
	/* a target's capabilities in another user namespace: tracerd acting
	 * as itself has no more power when it has none */
	b.foreign_ns = true;
	b.cap_eff = ~0ULL;
	assert_true(creds_equal(&b, &a));
	a.cap_eff = 1ULL << 1;
	assert_false(creds_equal(&b, &a));
}

int target_status_run(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_status_missing),
		cmocka_unit_test(test_status_name),
		cmocka_unit_test(test_status_groups),
		cmocka_unit_test(test_status_nslevels),
		cmocka_unit_test(test_parse_map),
		cmocka_unit_test(test_self),
		cmocka_unit_test(test_creds_equal),
	};

	int failed = cmocka_run_group_tests_name("target status", tests, NULL, NULL);

	target_buf_free(&tb);
	return failed;
}
