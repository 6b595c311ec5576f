/* tracerd/json.c: the audit encoder. Every output must be valid UTF-8
 * JSON (checked by jsoncheck.c, written separately) and decode back to the
 * exact input bytes, with non-UTF-8 bytes as \udcXX. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "unit.h"
#include "json.h"
#include "jsoncheck.h"

static char out[16384];

/* Encode s[0..n) as a JSON string; return the output length. */
static size_t enc(const void *s, size_t n)
{
	struct jbuf j;

	j.buf = out;
	j.cap = sizeof(out);
	j.len = 0;
	j.full = false;
	j.first = true;
	json_str(&j, s, n);
	assert_false(j.full);
	return j.len;
}

/* The encoding of s[0..n) is valid and decodes to s[0..n). */
static void roundtrip(const void *s, size_t n)
{
	static struct jc_str dec;
	size_t len = enc(s, n);

	assert_true(jc_valid(out, len));
	assert_int_equal(jc_string(out, len, &dec), 0);
	assert_int_equal(dec.len, n);
	assert_memory_equal(dec.buf, s, n);
	assert_false(dec.lone_surrogate);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)out[i];

		assert_true(c >= 0x20 && c != 0x7f);	/* no raw control byte */
	}
}

static void expect(const char *in, size_t n, const char *want)
{
	size_t len = enc(in, n);

	assert_int_equal(len, strlen(want));
	assert_memory_equal(out, want, len);
	roundtrip(in, n);
}

#define EXPECT(lit, want) expect(lit, sizeof(lit) - 1, want)

static void test_ascii(void **state)
{
	(void)state;
	EXPECT("", "\"\"");
	EXPECT("/tmp/a b", "\"/tmp/a b\"");
	EXPECT("say \"hi\"", "\"say \\\"hi\\\"\"");
	EXPECT("back\\slash", "\"back\\\\slash\"");
	EXPECT("~!@#$%^&*()_+{}|:<>?`-=[];',./", "\"~!@#$%^&*()_+{}|:<>?`-=[];',./\"");
}

static void test_control(void **state)
{
	char c;

	(void)state;
	EXPECT("a\nb", "\"a\\u000ab\"");
	EXPECT("\t", "\"\\u0009\"");
	EXPECT("\x7f", "\"\\u007f\"");
	EXPECT("\x1b[31m", "\"\\u001b[31m\"");
	EXPECT("a\0b", "\"a\\u0000b\"");	/* n counts, not NUL */
	for (int i = 0; i < 0x20; i++) {
		c = (char)i;
		roundtrip(&c, 1);
	}
}

static void test_utf8_passthrough(void **state)
{
	(void)state;
	EXPECT("caf\xc3\xa9", "\"caf\xc3\xa9\"");			/* é */
	EXPECT("\xc2\x80", "\"\xc2\x80\"");				/* U+0080 */
	EXPECT("\xdf\xbf", "\"\xdf\xbf\"");				/* U+07FF */
	EXPECT("\xe0\xa0\x80", "\"\xe0\xa0\x80\"");			/* U+0800 */
	EXPECT("\xe2\x82\xac", "\"\xe2\x82\xac\"");			/* € */
	EXPECT("\xed\x9f\xbf", "\"\xed\x9f\xbf\"");			/* U+D7FF */
	EXPECT("\xee\x80\x80", "\"\xee\x80\x80\"");			/* U+E000 */
	EXPECT("\xef\xbf\xbf", "\"\xef\xbf\xbf\"");			/* U+FFFF */
	EXPECT("\xf0\x90\x80\x80", "\"\xf0\x90\x80\x80\"");		/* U+10000 */
	EXPECT("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");		/* 😀 */
	EXPECT("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"");		/* U+10FFFF */
	EXPECT("\xe2\x80\xa8", "\"\xe2\x80\xa8\"");			/* U+2028 */
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	EXPECT("\x80", "\"\\udc80\"");
	EXPECT("\xff", "\"\\udcff\"");
	EXPECT("a\xfe" "b", "\"a\\udcfeb\"");
	EXPECT("\xc0\x80", "\"\\udcc0\\udc80\"");			/* overlong NUL */
	EXPECT("\xc1\xbf", "\"\\udcc1\\udcbf\"");
	EXPECT("\xe0\x80\xaf", "\"\\udce0\\udc80\\udcaf\"");		/* overlong / */
	EXPECT("\xed\xa0\x80", "\"\\udced\\udca0\\udc80\"");		/* U+D800 */
	EXPECT("\xed\xbf\xbf", "\"\\udced\\udcbf\\udcbf\"");		/* U+DFFF */
	EXPECT("\xf0\x8f\xbf\xbf", "\"\\udcf0\\udc8f\\udcbf\\udcbf\"");	/* overlong */
	EXPECT("\xf4\x90\x80\x80", "\"\\udcf4\\udc90\\udc80\\udc80\"");	/* > U+10FFFF */
	EXPECT("\xf5\x80\x80\x80", "\"\\udcf5\\udc80\\udc80\\udc80\"");
	EXPECT("\xe2\x82", "\"\\udce2\\udc82\"");			/* cut at the end */
	EXPECT("\xc3" "A", "\"\\udcc3A\"");				/* cut by ASCII */
	EXPECT("\xf0\x9f\x98", "\"\\udcf0\\udc9f\\udc98\"");
	EXPECT("\xe2\x82\xac\xe2\x82", "\"\xe2\x82\xac\\udce2\\udc82\"");
}

/* A valid sequence cut by n is not read past n. */
static void test_bounded(void **state)
{
	static const char euro[] = "\xe2\x82\xac";

	(void)state;
	expect(euro, 2, "\"\\udce2\\udc82\"");
	expect(euro, 1, "\"\\udce2\"");
	assert_int_equal(json_utf8_len((const unsigned char *)euro, 3), 3);
	assert_int_equal(json_utf8_len((const unsigned char *)euro, 2), 0);
	assert_int_equal(json_utf8_len((const unsigned char *)"A", 1), 1);
}

/* json_utf8_len agrees with an independent decoder on every lead and second
 * byte with representative further bytes. */
static void test_utf8_len_exhaustive(void **state)
{
	static const unsigned char tail[] = { 0x00, 0x41, 0x7f, 0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xff };
	unsigned char b[4];

	(void)state;
	for (unsigned b0 = 0; b0 < 256; b0++)
		for (unsigned b1 = 0; b1 < 256; b1++)
			for (size_t i = 0; i < UNIT_LEN(tail); i++)
				for (size_t k = 0; k < UNIT_LEN(tail); k++) {
					b[0] = (unsigned char)b0;
					b[1] = (unsigned char)b1;
					b[2] = tail[i];
					b[3] = tail[k];
					if (json_utf8_len(b, 4) != jc_utf8_len(b, 4))
						fail_msg("%02x %02x %02x %02x: %zu, want %zu",
							 b0, b1, b[2], b[3], json_utf8_len(b, 4),
							 jc_utf8_len(b, 4));
				}
}

/* Every byte string of length 1 and 2, and pseudo-random longer ones. */
static void test_roundtrip_all(void **state)
{
	unsigned char b[64];
	uint32_t x = 12345;

	(void)state;
	for (unsigned i = 0; i < 65536; i++) {
		b[0] = (unsigned char)i;
		b[1] = (unsigned char)(i >> 8);
		roundtrip(b, 2);
	}
	for (int round = 0; round < 3000; round++) {
		size_t n = round % sizeof(b);

		for (size_t i = 0; i < n; i++) {
			x = x * 1103515245 + 12345;
			/* bias towards UTF-8-looking bytes */
			b[i] = (unsigned char)(x >> 16);
			if ((x >> 8) & 1)
				b[i] = (unsigned char)(0x80 | (b[i] & 0x3f));
		}
		roundtrip(b, n);
	}
}

static void test_object(void **state)
{
	static const char want[] = "{\"a\":\"x\",\"n\":-9223372036854775808,\"z\":null,"
				   "\"big\":9223372036854775807,\"s\":null,\"k\\\"\":\"\\udcff\"}\n";
	struct jc_str v;
	struct jbuf j;
	int n;

	(void)state;
	json_begin(&j, out, sizeof(out));
	json_key_cstr(&j, "a", "x");
	json_key_int(&j, "n", LLONG_MIN);
	json_key_null(&j, "z");
	json_key_int(&j, "big", LLONG_MAX);
	json_key_cstr(&j, "s", NULL);
	json_key_str(&j, "k\"", "\xff", 1);
	n = json_end(&j);
	assert_int_equal(n, sizeof(want) - 1);
	assert_memory_equal(out, want, sizeof(want) - 1);
	assert_true(jc_valid(out, (size_t)n));
	assert_int_equal(jc_member(out, (size_t)n, "k\"", &v), 0);
	assert_int_equal(v.len, 1);
	assert_int_equal((unsigned char)v.buf[0], 0xff);
	assert_int_equal(jc_member(out, (size_t)n, "z", &v), 1);

	json_begin(&j, out, sizeof(out));
	n = json_end(&j);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "{}\n", 3);
}

/* A line that does not fit is refused whole, and nothing is written past
 * the capacity; an exact fit works. */
static void test_full(void **state)
{
	char buf[64];
	struct jbuf j;
	int need;

	(void)state;
	json_begin(&j, out, sizeof(out));
	json_key_cstr(&j, "path", "/tmp/\xff\x01");
	need = json_end(&j);
	assert_true(need > 0);
	for (size_t cap = 0; cap < (size_t)need; cap++) {
		memset(buf, 'Z', sizeof(buf));
		json_begin(&j, buf, cap);
		json_key_cstr(&j, "path", "/tmp/\xff\x01");
		assert_int_equal(json_end(&j), -ENOSPC);
		for (size_t i = cap; i < sizeof(buf); i++)
			assert_int_equal(buf[i], 'Z');
	}
	json_begin(&j, buf, (size_t)need);
	json_key_cstr(&j, "path", "/tmp/\xff\x01");
	assert_int_equal(json_end(&j), need);
	assert_memory_equal(buf, out, (size_t)need);
	/* once full, a later small member does not sneak in */
	json_begin(&j, buf, 16);
	json_key_cstr(&j, "long", "0123456789abcdef");
	json_key_int(&j, "n", 1);
	assert_int_equal(json_end(&j), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii),
		cmocka_unit_test(test_control),
		cmocka_unit_test(test_utf8_passthrough),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_utf8_len_exhaustive),
		cmocka_unit_test(test_roundtrip_all),
		cmocka_unit_test(test_object),
		cmocka_unit_test(test_full),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
