/* Fuzz what `tracerd log` does with the bytes of a log (tracerd/logrec.c,
 * logfilter.c, logtable.c, logsummary.c, logtime.c) on arbitrary input,
 * split into lines as the reader splits it. Nothing crashes or reads past
 * a line; a line taken as a record is valid JSON to the independent
 * checker of the unit tests; the table's row is valid UTF-8 with no raw
 * control byte but its final '\n' (and, with colour on, the ESC of the
 * decision's own colour codes); the summary's counts add up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "jsoncheck.h"
#include "logfilter.h"
#include "logrec.h"
#include "logsummary.h"
#include "logtable.h"
#include "logtime.h"

static struct logrec rec;
static struct logbuf out;
static struct logsummary sum;

static void row_clean(const char *s, size_t n, bool colour)
{
	const unsigned char *u = (const unsigned char *)s;

	FUZZ_CHECK(n > 0 && s[n - 1] == '\n', "a row ends with its newline");
	/* one row, one line: n - 1 bytes before the '\n', none a newline */
	for (size_t i = 0; i < n;) {
		size_t k = jc_utf8_len(u + i, n - i);

		FUZZ_CHECK(k > 0, "invalid UTF-8 at %zu", i);
		if (k == 1 && u[i] == 0x1b) {
			FUZZ_CHECK(colour && i + 1 < n && s[i + 1] == '[', "a raw ESC at %zu", i);
		} else if (k == 1) {
			FUZZ_CHECK((u[i] >= 0x20 && u[i] != 0x7f) || (u[i] == '\n' && i == n - 1),
				   "a raw control byte 0x%02x at %zu", u[i], i);
		} else if (k == 2) {
			FUZZ_CHECK(!(u[i] == 0xc2 && u[i + 1] < 0xa0), "a raw C1 control at %zu", i);
		}
		i += k;
	}
}

static void one_line(const char *line, size_t n, const struct logfilter *f, bool colour)
{
	struct logtable t = { .colour = colour, .header_done = true };
	unsigned long before = sum.records + sum.events;

	if (logrec_parse(&rec, line, n) != 0)
		return;
	FUZZ_CHECK(jc_valid(line, n), "took a line that is not JSON");
	(void)logfilter_match(f, &rec);
	out.len = 0;
	logtable_row(&t, &rec, &out);
	if (!out.failed)
		row_clean(out.p, out.len, colour);
	logsummary_add(&sum, &rec);
	FUZZ_CHECK(sum.records + sum.events == before + 1, "a line counted once");
	FUZZ_CHECK(sum.n[LS_CREATED] + sum.n[LS_FAILED] + sum.n[LS_DENIED] + sum.n[LS_ERROR] +
			   sum.other == sum.records, "decisions add up to the records");
}

/* The summary of this input's lines: printed lines, nothing raw. */
static void summary_clean(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f) {
		logsummary_print(&sum, f);
		fclose(f);
		for (size_t i = 0; text && i < len; i++)
			FUZZ_CHECK((unsigned char)text[i] >= 0x20 || text[i] == '\n',
				   "a raw control byte in the summary");
		free(text);
	}
	logsummary_free(&sum);
	memset(&sum, 0, sizeof(sum));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct logfilter f = { .events = true, .has_since = true, .decision = "denied" };
	const char *p = (const char *)data, *end = p + size;
	char s[64];
	long long us;
	bool colour = size > 0 && data[0] & 1;

	if (!f.under)
		(void)logfilter_under(&f, "/tmp/a");
	/* the same bytes as a TIME */
	memcpy(s, p, size < sizeof(s) - 1 ? size : sizeof(s) - 1);
	s[size < sizeof(s) - 1 ? size : sizeof(s) - 1] = '\0';
	(void)logtime_parse(s, 1796560496LL * 1000000, &us);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);

		one_line(p, n, &f, colour);
		p += n;
	}
	summary_clean();
	return 0;
}
