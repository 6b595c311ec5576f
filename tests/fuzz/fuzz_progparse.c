/* Fuzz the attach event's /proc texts (tracerd/progparse.c). The first
 * byte picks the parser (even: the command line, a program's own bytes;
 * odd: a status file's Uid: line); the rest is the text, in a heap block
 * of exactly its length (the cmdline's one more byte for its NUL).
 * Invariants: the command line is the input with NULs as spaces, less the
 * last NUL, at most PROGPARSE_CMDLINE_MAX bytes, NUL-terminated, cut
 * exactly when longer (or read to the limit); a uid found is the fourth
 * number of a whole "\nUid:" line, printed back to the same digits. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "progparse.h"

static void cmdline(const uint8_t *data, size_t size)
{
	size_t n = size < PROGPARSE_CMDLINE_READ ? size : PROGPARSE_CMDLINE_READ, len, want;
	char *p = malloc(n + 1);
	bool cut = false, all = n < PROGPARSE_CMDLINE_READ;

	if (!p)
		return;
	memcpy(p, data, n);
	len = progparse_cmdline(p, n, &cut);
	want = all && n > 0 && data[n - 1] == 0 ? n - 1 : n;
	FUZZ_CHECK(len <= PROGPARSE_CMDLINE_MAX, "length %zu", len);
	FUZZ_CHECK(len == (want < PROGPARSE_CMDLINE_MAX ? want : PROGPARSE_CMDLINE_MAX),
		   "length %zu of %zu", len, want);
	FUZZ_CHECK(cut == (!all || want > PROGPARSE_CMDLINE_MAX), "cut %d", cut);
	FUZZ_CHECK(p[len] == '\0', "not terminated");
	for (size_t i = 0; i < len; i++)
		FUZZ_CHECK(p[i] == (data[i] ? (char)data[i] : ' '), "byte %zu", i);
	free(p);
}

static void fsuid(const uint8_t *data, size_t size)
{
	char *p = malloc(size ? size : 1), digits[16];
	const char *line;
	uid_t u = 12345;
	int r;

	if (!p)
		return;
	memcpy(p, data, size);
	r = progparse_fsuid(p, size, &u);
	FUZZ_CHECK(r == 0 || r == -EINVAL, "r %d", r);
	if (r == 0) {
		line = memmem(p, size, "\nUid:", 5);
		FUZZ_CHECK(line != NULL, "a uid without a Uid: line");
		snprintf(digits, sizeof(digits), "%u\n", (unsigned)u);
		FUZZ_CHECK(memmem(line, size - (size_t)(line - p), digits, strlen(digits)) != NULL,
			   "uid %u not in the line", (unsigned)u);
	} else {
		FUZZ_CHECK(u == 12345, "uid set on failure");
	}
	free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] % 2 == 0)
		cmdline(data + 1, size - 1);
	else
		fsuid(data + 1, size - 1);
	return 0;
}
