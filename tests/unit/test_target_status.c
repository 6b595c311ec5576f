/* tracerd/target.c: /proc/TID/status parsing, fed from a memfd, and the
 * credential comparison behind the `credentials` error. */
#include <errno.h>
#include <stdio.h>
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

static struct call c;
static struct creds cr;

static int status_of(const char *text)
{
	int fd = memfd_create("status", MFD_CLOEXEC);
	int r;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	memset(&c, 0, sizeof(c));
	memset(&cr, 0x5a, sizeof(cr));
	r = target_status(fd, &c, &cr);
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
	assert_int_equal(c.fsuid, 1003);
	assert_int_equal(c.ns_tgid, 5);
	assert_int_equal(c.ns_tid, 6);
	assert_int_equal(cr.fsuid, 1003);
	assert_int_equal(cr.fsgid, 2003);
	assert_int_equal(cr.ngroups, 3);
	assert_int_equal(cr.groups[0], 10);	/* sorted */
	assert_int_equal(cr.groups[1], 20);
	assert_int_equal(cr.groups[2], 30);
	assert_false(cr.groups_overflow);
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

static void test_status_groups(void **state)
{
	char text[4096], *g;
	int n;

	(void)state;
	/* none */
	strcpy(text, status_text);
	g = strstr(text, "Groups:");
	memcpy(g, "Groups:\t  \n", 11);
	memmove(g + 11, strstr(status_text, "NStgid:") - status_text + text,
		strlen(strstr(status_text, "NStgid:")) + 1);
	assert_int_equal(status_of(text), 0);
	assert_int_equal(cr.ngroups, 0);
	assert_false(cr.groups_overflow);
	/* more than TARGET_MAX_GROUPS: flagged, never silently cut */
	n = snprintf(text, sizeof(text), "%.*sGroups:\t", (int)(strstr(status_text, "Groups:") -
		     status_text), status_text);
	for (int i = 0; i <= TARGET_MAX_GROUPS; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "%d ", 1000 - i);
	snprintf(text + n, sizeof(text) - (size_t)n, "\n%s", strstr(status_text, "NStgid:"));
	assert_int_equal(status_of(text), 0);
	assert_true(cr.groups_overflow);
}

/* Our own status: the values the kernel reports for us. */
static void test_self(void **state)
{
	struct creds me;

	(void)state;
	assert_int_equal(target_self_creds(&me), 0);
	assert_int_equal(me.fsuid, geteuid());
	assert_int_equal(me.fsgid, getegid());
	assert_true(creds_equal(&me, &me));
}

static void test_creds_equal(void **state)
{
	struct creds a, b;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.fsuid = 1000;
	a.fsgid = 1000;
	a.ngroups = 2;
	a.groups[0] = 10;
	a.groups[1] = 20;
	a.cap_eff = 0;
	b = a;
	assert_true(creds_equal(&a, &b));
	b.groups[5] = 99;	/* beyond ngroups: ignored */
	assert_true(creds_equal(&a, &b));
	b = a;
	b.fsuid = 1001;
	assert_false(creds_equal(&a, &b));
	b = a;
	b.fsgid = 0;
	assert_false(creds_equal(&a, &b));
	b = a;
	b.groups[1] = 21;
	assert_false(creds_equal(&a, &b));
	b = a;
	b.ngroups = 1;
	assert_false(creds_equal(&a, &b));
	b = a;
	b.cap_eff = 1;
	assert_false(creds_equal(&a, &b));
	b = a;
	b.groups_overflow = true;
	assert_false(creds_equal(&a, &b));
	assert_false(creds_equal(&b, &b));	/* unknown groups are never equal */
}

int target_status_run(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_status_missing),
		cmocka_unit_test(test_status_name),
		cmocka_unit_test(test_status_groups),
		cmocka_unit_test(test_self),
		cmocka_unit_test(test_creds_equal),
	};

	return cmocka_run_group_tests_name("target status", tests, NULL, NULL);
}
