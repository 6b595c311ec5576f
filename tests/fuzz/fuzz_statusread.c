/* Fuzz the client's reading of a status answer (tracerd/statusread.c) and
 * the start-time field of /proc/PID/stat (tracerd/procstat.c) on arbitrary
 * bytes: never a crash or a read past the end; an accepted answer has a
 * header and at most one item per line after it; freeing is always safe
 * (ASan's leak check sees what is not freed). */
#include <string.h>

#include "fuzz.h"
#include "procstat.h"
#include "statusread.h"

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
		FUZZ_CHECK(lines >= 1 && v.nroots + v.noutputs + v.nprogs <= lines - 1,
			   "%u items from %zu lines", v.nroots + v.noutputs + v.nprogs, lines);
		for (unsigned i = 0; i < ST_NINT; i++)
			FUZZ_CHECK(v.n[i] >= 0, "negative %s", status_int_keys[i]);
	}
	statusread_free(&v);
	r = procstat_starttime((const char *)data, size, &t);
	FUZZ_CHECK(r == 0 || t == 12345, "a refused stat line wrote its output");
	return 0;
}
