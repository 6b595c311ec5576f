/* tracerd/logesc.c, logtable.c, logsummary.c: what `tracerd log` prints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "logesc.h"
#include "logsummary.h"
#include "logtable.h"
#include "test_logcmd.h"

static struct logbuf b;

static const char *esc(const char *s, size_t n, size_t *chars)
{
	b.len = 0;
	*chars = logesc_append(&b, s, n);
	assert_false(b.failed);
	return b.len ? b.p : "";
}

static void escaped(const char *in, size_t n, const char *want, size_t want_chars)
{
	size_t chars;

	assert_string_equal(esc(in, n, &chars), want);
	assert_int_equal(chars, want_chars);
}

static void test_escape(void **state)
{
	(void)state;
	escaped("/tmp/a b", 8, "/tmp/a b", 8);
	escaped("a\nb\tc\rd", 7, "a\\nb\\tc\\rd", 10);
	escaped("\x01\x1b[31m\x7f", 7, "\\x01\\x1b[31m\\x7f", 16);
	escaped("back\\slash", 10, "back\\\\slash", 11);
	escaped("nul\0x", 5, "nul\\x00x", 8);
	/* not UTF-8: lone continuation, overlong, surrogate, truncated */
	escaped("\xff\x80", 2, "\\xff\\x80", 8);
	escaped("\xc0\xaf", 2, "\\xc0\\xaf", 8);
	escaped("\xed\xa0\x80", 3, "\\xed\\xa0\\x80", 12);
	escaped("\xe2\x82", 2, "\\xe2\\x82", 8);
	/* valid UTF-8 kept, one column a character */
	escaped("caf\xc3\xa9 \xe2\x82\xac", 9, "caf\xc3\xa9 \xe2\x82\xac", 6);
	/* C1 controls, bidi overrides and line separators escaped */
	escaped("\xc2\x85\xc2\x9b", 4, "\\u0085\\u009b", 12);
	escaped("a\xe2\x80\xae" "b", 5, "a\\u202eb", 8);
	escaped("\xe2\x80\xa8\xe2\x81\xa6", 6, "\\u2028\\u2066", 12);
}

static void test_colour_decision(void **state)
{
	(void)state;
	assert_true(logtable_colour(true, NULL, "xterm"));
	assert_true(logtable_colour(true, NULL, NULL));
	assert_true(logtable_colour(true, "", "xterm"));	/* NO_COLOR empty: unset */
	assert_false(logtable_colour(true, "1", "xterm"));
	assert_false(logtable_colour(true, "0", "xterm"));	/* any value */
	assert_false(logtable_colour(false, NULL, "xterm"));
	assert_false(logtable_colour(true, NULL, "dumb"));
}

static struct logrec rec(const char *decision, const char *err, const char *path,
			 const char *resolved)
{
	struct logrec r = { 0 };

	r.ts = 1796560496LL * 1000000;
	r.has_pid = true;
	r.pid = 4242;
	r.comm = (struct logstr){ "mk\x1b]0;x\x07", 8 };
	r.decision = (struct logstr){ decision, strlen(decision) };
	if (err)
		r.err = (struct logstr){ err, strlen(err) };
	r.path = (struct logstr){ path, strlen(path) };
	if (resolved)
		r.resolved = (struct logstr){ resolved, strlen(resolved) };
	return r;
}

static void no_raw_controls(const char *s, bool colour)
{
	for (; *s; s++) {
		if (colour && s[0] == '\x1b' && s[1] == '[')
			continue;
		assert_true(*s == '\n' || ((unsigned char)*s >= 0x20 && *s != 0x7f));
	}
}

static void test_table(void **state)
{
	struct logtable t = { 0 };
	struct logrec r = rec("denied", "EPERM", "../x\ny", "/var/x\ny");
	char *nl;

	(void)state;
	b.len = 0;
	logtable_row(&t, &r, &b);
	nl = strchr(b.p, '\n');
	assert_non_null(nl);
	assert_int_equal(strncmp(b.p, "TIME", 4), 0);
	assert_string_equal(nl + 1, "2026-12-06 12:34:56    4242 mk\\x1b]0;x\\x07  denied   EPERM"
				    "        ../x\\ny -> /var/x\\ny\n");
	no_raw_controls(b.p, false);
	b.len = 0;
	r = rec("emulated", NULL, "/tmp/a", "/tmp/a");
	logtable_row(&t, &r, &b);	/* no header again; resolved the same: once */
	assert_string_equal(b.p, "2026-12-06 12:34:56    4242 mk\\x1b]0;x\\x07  emulated -"
				 "            /tmp/a\n");
	t.colour = true;
	b.len = 0;
	logtable_row(&t, &r, &b);
	assert_non_null(strstr(b.p, "\x1b[32memulated\x1b[0m -"));
	no_raw_controls(b.p, true);
}

static void test_summary(void **state)
{
	struct logsummary s = { 0 };
	struct logrec r = rec("denied", "EPERM", "/var/a/x", "/var/a/x");
	FILE *f;
	char *out = NULL;
	size_t n = 0;

	(void)state;
	for (int i = 0; i < 3; i++)
		logsummary_add(&s, &r);
	r = rec("denied", "EPERM", "/x", "/x");
	logsummary_add(&s, &r);
	r = rec("emulated", "EEXIST", "/tmp/a", "/tmp/a");
	logsummary_add(&s, &r);
	r = rec("error", "ENOMEM", "/tmp/a", NULL);
	r.reason = (struct logstr){ "no memory", 9 };
	logsummary_add(&s, &r);
	r = (struct logrec){ .is_event = true, .event = { "reject", 6 }, .has_count = true,
			     .count = 5 };
	logsummary_add(&s, &r);
	assert_int_equal(s.records, 6);
	assert_int_equal(s.events, 1);
	assert_int_equal(s.n[LS_DENIED], 4);
	assert_int_equal(s.n[LS_FAILED], 1);
	assert_int_equal(s.rejects, 5);
	f = open_memstream(&out, &n);
	logsummary_print(&s, f);
	fclose(f);
	/* no "exe" in these records */
	assert_non_null(strstr(out, "\n         0         1         4         1  (unknown)\n"));
	assert_non_null(strstr(out, "Most denied parent directories:\n         3  /var/a\n"
				    "         1  /\n"));
	assert_non_null(strstr(out, "Errors by reason:\n         1  no memory\n"));
	free(out);
	logsummary_free(&s);
}

int logcmd_out_run(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_colour_decision),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_summary),
	};
	int failed = cmocka_run_group_tests_name("logcmd output", tests, NULL, NULL);

	logbuf_free(&b);
	return failed;
}
