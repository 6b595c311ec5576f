/* Fuzz the journal's payload encoder (tracerd/journal_fmt.c) and the
 * syslog datagram's form (tracerd/syslogout.c) on arbitrary lines. A
 * payload is made exactly when jread accepts the line, always fits in
 * journal_cap(), never runs past a buffer one byte too short (which it
 * refuses), and frames into well-named fields: NOTIF_ ones, then
 * MESSAGE, PRIORITY and SYSLOG_IDENTIFIER once each, no text value with a
 * newline. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "fuzz.h"
#include "journal_fmt.h"
#include "jread.h"
#include "syslogout.h"

static bool good_name(const char *p, size_t k)
{
	if (k == 0)
		return false;
	for (size_t i = 0; i < k; i++)
		if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '_'))
			return false;
	return true;
}

/* Walk the fields; count the three fixed ones. */
static void frames(const char *p, size_t len)
{
	const char *end = p + len;
	unsigned fixed = 0;

	while (p < end) {
		const char *eq = p;
		uint64_t n = 0;

		while (eq < end && *eq != '=' && *eq != '\n')
			eq++;
		FUZZ_CHECK(eq < end && good_name(p, (size_t)(eq - p)), "bad name at %zu\n",
			   len - (size_t)(end - p));
		if ((eq - p == 7 && !memcmp(p, "MESSAGE", 7)) ||
		    (eq - p == 8 && !memcmp(p, "PRIORITY", 8)) ||
		    (eq - p == 17 && !memcmp(p, "SYSLOG_IDENTIFIER", 17)))
			fixed++;
		else
			FUZZ_CHECK(!memcmp(p, "NOTIF_", 6), "field %.*s\n", (int)(eq - p), p);
		if (*eq == '\n') {
			FUZZ_CHECK(end - eq > 9, "short binary header\n");
			for (int i = 8; i >= 1; i--)
				n = n << 8 | (unsigned char)eq[i];
			p = eq + 9;
		} else {
			p = eq + 1;
			n = (uint64_t)((const char *)memchr(p, '\n', (size_t)(end - p)) - p);
		}
		FUZZ_CHECK(n < (uint64_t)(end - p) && p[n] == '\n', "value past the end\n");
		p += n + 1;
	}
	FUZZ_CHECK(fixed == 3, "%u fixed fields\n", fixed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size ? size : 1), *out, *sl;
	size_t cap = journal_cap(size);
	ssize_t n;

	memcpy(line, data, size);
	out = malloc(cap);
	n = journal_encode(line, size, out, cap);
	FUZZ_CHECK(n != -ENOSPC, "journal_cap(%zu) too small\n", size);
	FUZZ_CHECK((n >= 0) == jr_valid(line, size), "encode %zd, jr_valid %d\n", n,
		   jr_valid(line, size));
	if (n >= 0) {
		frames(out, (size_t)n);
		free(out);
		out = malloc((size_t)n - 1);	/* n > 0: the fixed fields */
		FUZZ_CHECK(journal_encode(line, size, out, (size_t)n - 1) == -ENOSPC,
			   "one byte short was taken\n");
	}
	sl = malloc(size + 64);
	FUZZ_CHECK(syslogout_format(line, size, (time_t)size * 977, sl, size + 64) > 0,
		   "syslog form refused\n");
	free(sl);
	free(out);
	free(line);
	return 0;
}
