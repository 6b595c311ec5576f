/* Fuzz the audit JSON encoder (tracerd/json.c) on arbitrary bytes, checked
 * with the independent strict checker of the unit tests
 * (tests/unit/jsoncheck.c): the output is valid UTF-8 and valid JSON, it
 * decodes (\udcXX -> byte XX) to exactly the input, only bytes that are not
 * valid UTF-8 are escaped that way, and a buffer too small is reported,
 * never overrun. */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "json.h"
#include "jsoncheck.h"

#define MAX_IN 4096
#define BIG (6 * MAX_IN + 256)

static char out[BIG];

/* The number of input bytes that are not part of a valid UTF-8 sequence. */
static size_t invalid_bytes(const unsigned char *s, size_t n)
{
	size_t bad = 0;

	for (size_t i = 0; i < n;) {
		size_t u = jc_utf8_len(s + i, n - i);

		FUZZ_CHECK(json_utf8_len(s + i, n - i) == u,
			   "utf8 length at %zu: encoder %zu, checker %zu", i,
			   json_utf8_len(s + i, n - i), u);
		bad += u == 0;
		i += u ? u : 1;
	}
	return bad;
}

/* The \udcXX escapes in a JSON string's text (quotes included). */
static size_t dc_escapes(const char *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i + 1 < n; i++) {
		if (s[i] != '\\')
			continue;
		if (s[i + 1] == 'u' && i + 5 < n && s[i + 2] == 'd' && s[i + 3] == 'c')
			k++;
		i++;	/* skip the escaped character */
	}
	return k;
}

static void check_utf8(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		size_t l = jc_utf8_len(u + i, n - i);

		FUZZ_CHECK(l > 0, "output byte %zu (0x%02x) is not UTF-8", i, u[i]);
		i += l;
	}
}

static void check_decoded(const struct jc_str *d, const uint8_t *in, size_t n)
{
	FUZZ_CHECK(!d->overflow && !d->lone_surrogate, "bad escape in output");
	FUZZ_CHECK(d->len == n && !memcmp(d->buf, in, n),
		   "round trip: %zu bytes in, %zu bytes back", n, d->len);
}

/* One string alone, in a buffer large enough for the worst case. */
static size_t check_str(const uint8_t *in, size_t n)
{
	struct jbuf j = { .buf = out, .cap = sizeof(out) };
	struct jc_str d;

	json_str(&j, (const char *)in, n);
	FUZZ_CHECK(!j.full && j.len <= 6 * n + 2, "%zu bytes gave %zu", n, j.len);
	check_utf8(out, j.len);
	FUZZ_CHECK(jc_valid(out, j.len), "not a JSON value: %.*s", (int)j.len, out);
	FUZZ_CHECK(jc_string(out, j.len, &d) == 0, "not a JSON string");
	check_decoded(&d, in, n);
	FUZZ_CHECK(dc_escapes(out, j.len) == invalid_bytes(in, n),
		   "\\udcXX escapes differ from the invalid bytes");
	return j.len;
}

/* A record line whose key and value come from the input. */
static void check_line(const uint8_t *in, size_t n)
{
	size_t split = n ? in[0] % (n + 1) : 0, klen;
	char key[256];
	struct jc_str d;
	struct jbuf j;
	int len;

	/* "x" + bytes (up to a NUL): never one of the other keys */
	klen = split < sizeof(key) - 1 ? split : sizeof(key) - 2;
	key[0] = 'x';
	memcpy(key + 1, in, klen);
	key[klen + 1] = '\0';
	json_begin(&j, out, sizeof(out));
	json_key_str(&j, key, (const char *)in, n);
	json_key_str(&j, "path", (const char *)in + split, n - split);
	json_key_null(&j, "errno");
	len = json_end(&j);
	FUZZ_CHECK(len > 0 && out[len - 1] == '\n', "json_end gave %d", len);
	check_utf8(out, (size_t)len);
	FUZZ_CHECK(jc_valid(out, (size_t)len), "not a JSON line: %.*s", len, out);
	FUZZ_CHECK(jc_member(out, (size_t)len, key, &d) == 0, "key %s lost", key);
	check_decoded(&d, in, n);
	FUZZ_CHECK(jc_member(out, (size_t)len, "path", &d) == 0, "path lost");
	check_decoded(&d, in + split, n - split);
	FUZZ_CHECK(jc_member(out, (size_t)len, "errno", &d) == 1, "errno not null");
}

/* Too small by one byte, or exactly the size: never written past cap,
 * reported as full exactly when it did not fit. */
static void check_small(const uint8_t *in, size_t n, size_t need)
{
	char *buf;
	struct jbuf j;

	for (size_t cap = need - 1; cap <= need; cap++) {
		buf = malloc(cap ? cap : 1);
		FUZZ_CHECK(buf != NULL, "out of memory");
		j = (struct jbuf){ .buf = buf, .cap = cap };
		json_str(&j, (const char *)in, n);
		FUZZ_CHECK(j.full == (cap < need), "cap %zu of %zu: full %d", cap, need, j.full);
		FUZZ_CHECK(j.len <= cap, "length %zu past cap %zu", j.len, cap);
		if (!j.full)
			FUZZ_CHECK(!memcmp(buf, out, need), "output depends on the cap");
		free(buf);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t need;

	if (size > MAX_IN)
		return 0;
	need = check_str(data, size);
	check_small(data, size, need);
	check_line(data, size);
	return 0;
}
