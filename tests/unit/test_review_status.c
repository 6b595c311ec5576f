/* Review of `tracerd status`'s lines for people (statusprint.c): an
 * attached program's exe is a file name any program of the user can
 * choose; its C1 controls (CSI as U+009B) and bidirectional overrides
 * (U+202E) must print escaped, as `tracerd log` prints them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "statusprint.h"
#include "statusread.h"

#define HEAD "{\"tracerd\":\"status\",\"pid\":7,\"version\":\"0.1.0\",\"started\":\"2026-01-01T00:00:00.000000Z\"," \
	     "\"uptime_ms\":5,\"socket\":\"@s\",\"threads\":4,\"busy\":1,\"parked\":1,\"stalled\":0," \
	     "\"programs\":1,\"listed\":1,\"emulated\":6,\"denied\":3,\"error\":0,\"lost\":0," \
	     "\"lost_records\":0,\"roots\":1,\"outputs\":0}\n"

static void test_exe_controls_escaped(void **state)
{
	static const char answer[] = HEAD "{\"root\":\"/tmp\\u202e\"}\n"
		"{\"attach\":1,\"pid\":10,\"exe\":\"/x/\\u009b2J\\u202eexe\",\"since\":\"x\","
		"\"calls\":3}\n";
	struct status_view v;
	char err[128], *out = NULL;
	size_t n = 0;
	FILE *f;

	(void)state;
	assert_int_equal(statusread_parse(answer, strlen(answer), &v, err, sizeof(err)), 0);
	f = open_memstream(&out, &n);
	assert_non_null(f);
	statusprint_text(f, &v);
	fclose(f);
	assert_null(memmem(out, n, "\xc2\x9b", 2));		/* U+009B, CSI */
	assert_null(memmem(out, n, "\xe2\x80\xae", 3));	/* U+202E, RLO */
	assert_non_null(strstr(out, "/x/"));
	free(out);
	statusread_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exe_controls_escaped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
