/* Fuzz the client's reading of a status answer (tracerd/statusread.c) and
 * the start-time field of /proc/PID/stat (tracerd/procstat.c) on arbitrary
 * bytes: never a crash or a read past the end; an accepted answer has a
 * header and at most one item per line after it; freeing is always safe
 * (ASan's leak check sees what is not freed). An accepted answer's rules
 * are printed as `tracerd policy show` prints them (policyshow.c): never
 * a raw control byte, one line per rule plus the first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "policyshow.h"
#include "procstat.h"
#include "statusread.h"

/* policyshow_print's text of v: checked, then dropped. */
static void check_show(const struct status_view *v)
{
	char *out = NULL;
	size_t len = 0, nl = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return;
	(void)policyshow_print(f, v);
	fclose(f);
	for (size_t i = 0; i < len; i++) {
		FUZZ_CHECK(out[i] == '\n' || (unsigned char)out[i] >= ' ', "a raw byte 0x%02x shown",
			   (unsigned char)out[i]);
		nl += out[i] == '\n';
	}
	FUZZ_CHECK(nl == 1 + v->nrules, "%zu lines for %u rules", nl, v->nrules);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct status_view v;
	unsigned long long t = 12345;
	char err[128];
	size_t lines = 0;
	int r;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	r = statusread_parse((const char *)data, size, &v, err, sizeof(err));
	FUZZ_CHECK(r == 0 || (r < 0 && strlen(err) > 0), "a refusal without a reason: %d", r);
	if (r == 0) {
		unsigned items = v.nroots + v.noutputs + v.nprogs + v.nrules;

		FUZZ_CHECK(lines >= 1 && items <= lines - 1, "%u items from %zu lines", items, lines);
		FUZZ_CHECK(v.rules_total >= v.nrules, "%lld rules said, %u read", v.rules_total,
			   v.nrules);
		check_show(&v);
		for (unsigned i = 0; i < ST_NINT; i++)
			FUZZ_CHECK(v.n[i] >= 0, "negative %s", status_int_keys[i]);
	}
	statusread_free(&v);
	r = procstat_starttime((const char *)data, size, &t);
	FUZZ_CHECK(r == 0 || t == 12345, "a refused stat line wrote its output");
	return 0;
}
