/* Fuzz notif-run's strict record reader (run/jsonl.c) and the summary's
 * line handling (run/summary.c) on arbitrary bytes. A line the reader
 * accepts must be valid JSON to the independent checker of the unit tests
 * (tests/unit/jsoncheck.c), and each string it kept must be what the
 * checker decodes (up to the reader's buffer); nothing is read past the
 * input, and the summary's counts stay consistent. */
#include <string.h>

#include "fuzz.h"
#include "jsoncheck.h"
#include "jsonl.h"
#include "summary.h"

static struct summary sum;
static struct jc_str want;

/* A kept string is the checker's decoding, cut at a NUL or the buffer. */
static void same_string(const char *line, size_t n, const char *key, const char *got, size_t cap)
{
	size_t len;

	if (jc_member(line, n, key, &want) != 0 || want.overflow)
		return;
	len = strnlen(want.buf, want.len);
	if (len >= cap)
		len = cap - 1;
	FUZZ_CHECK(strlen(got) == len && memcmp(got, want.buf, len) == 0,
		   "\"%s\": reader '%s', checker '%.*s'", key, got, (int)len, want.buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct jsonl_rec r;
	const char *line = (const char *)data;
	unsigned long before;

	if (jsonl_parse(line, size, &r) == 0) {
		FUZZ_CHECK(jc_valid(line, size), "accepted what is not JSON");
		FUZZ_CHECK(size > 0 && memchr(line, '{', size), "accepted no object");
		if (r.has_event)
			same_string(line, size, "event", r.event, sizeof(r.event));
		if (r.has_resolved)
			same_string(line, size, "resolved", r.resolved, sizeof(r.resolved));
		if (r.has_reason)
			same_string(line, size, "reason", r.reason, sizeof(r.reason));
	}
	/* the summary: a run with attach id 1 seen from its attach event on */
	sum.id = 1;
	sum.pid = 7;
	before = sum.records;
	summary_line(&sum, line, size);
	FUZZ_CHECK(sum.records >= before || sum.records == 0, "records went back");
	FUZZ_CHECK(sum.created + sum.failed + sum.denied + sum.errors == sum.records,
		   "counts do not add up");
	FUZZ_CHECK(sum.ndirs <= SUMMARY_DIRS && sum.nreasons <= SUMMARY_REASONS, "tables");
	return 0;
}
