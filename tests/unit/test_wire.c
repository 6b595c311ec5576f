/* common/wire.c: the hello/ack codec on good, truncated and garbage input,
 * the version ranges and their negotiation, and fd/credential passing over
 * real socketpairs. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "wire.h"
#include "test_wire.h"

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* A decode that fails must leave *out alone (but the version it names on
 * WIRE_EVERSION). */
static const struct wire_hello sentinel = { 0xdeadbeef, 0xaaaa, 0xbbbb, 0x1234567, 0xcccc, 0xdddd };

static int decode_keeps(const uint8_t *buf, size_t len)
{
	struct wire_hello h = sentinel, want = sentinel;
	int r = wire_hello_decode(buf, len, &h);

	if (r == WIRE_EVERSION)
		memcpy(&want.version, buf + 4, sizeof(want.version));
	assert_memory_equal(&h, &want, sizeof(h));
	return r;
}

static void test_hello_roundtrip(void **state)
{
	static const pid_t pids[] = { 1, 2, 4242, 0x7fffffff };
	uint8_t buf[WIRE_HELLO_SIZE];
	struct wire_hello h;

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(pids); i++) {
		memset(buf, 0xa5, sizeof(buf));
		wire_hello_encode(buf, pids[i]);
		memset(&h, 0, sizeof(h));
		assert_int_equal(wire_hello_decode(buf, sizeof(buf), &h), WIRE_OK);
		assert_int_equal(h.magic, WIRE_MAGIC);
		assert_int_equal(h.version, 1);
		assert_int_equal(h.flags, 0);
		assert_int_equal(h.pid, pids[i]);
		assert_int_equal(h.min_version, 1);
		assert_int_equal(h.reserved, 0);
		assert_int_equal(wire_version_pick(&h), 1);
	}
	assert_int_equal(WIRE_HELLO_SIZE, 16);
	assert_int_equal(WIRE_ACK_SIZE, 8);
}

static void test_hello_truncated(void **state)
{
	uint8_t buf[WIRE_HELLO_SIZE];

	(void)state;
	wire_hello_encode(buf, 77);
	for (size_t len = 0; len < WIRE_HELLO_SIZE; len++)
		assert_int_equal(decode_keeps(buf, len), WIRE_EBADHELLO);
}

static void test_hello_oversize(void **state)
{
	uint8_t buf[64];

	(void)state;
	memset(buf, 0, sizeof(buf));
	wire_hello_encode(buf, 77);
	assert_int_equal(decode_keeps(buf, WIRE_HELLO_SIZE + 1), WIRE_EBADHELLO);
	assert_int_equal(decode_keeps(buf, 32), WIRE_EBADHELLO);
	assert_int_equal(decode_keeps(buf, sizeof(buf)), WIRE_EBADHELLO);
}

static void test_hello_magic(void **state)
{
	static const uint32_t bad[] = { 0, ~WIRE_MAGIC, WIRE_MAGIC ^ 1, 0x46544f4eU };
	uint8_t buf[WIRE_HELLO_SIZE];

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(bad); i++) {
		wire_hello_encode(buf, 77);
		put32(buf, bad[i]);
		assert_int_equal(decode_keeps(buf, sizeof(buf)), WIRE_EBADHELLO);
	}
	/* garbage bytes */
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(decode_keeps(buf, sizeof(buf)), WIRE_EBADHELLO);
}

/* Version 0, or a version above ours not in the frozen layout, is reported
 * as a version problem whatever its length: a newer client may one day
 * send a longer hello and must learn that the version is the problem. */
static void test_hello_version(void **state)
{
	static const uint16_t bad[] = { 0, WIRE_VERSION_STATUS + 1, 0xffff };
	uint8_t buf[64];

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(bad); i++) {
		memset(buf, 0, sizeof(buf));
		wire_hello_encode(buf, 77);
		put16(buf + 4, bad[i]);
		assert_int_equal(decode_keeps(buf, 8), WIRE_EVERSION);
		assert_int_equal(decode_keeps(buf, sizeof(buf)), WIRE_EVERSION);
		/* 16 bytes, lowest version 0: no layout of ours */
		assert_int_equal(decode_keeps(buf, WIRE_HELLO_SIZE), WIRE_EVERSION);
	}
	/* our own versions with a wrong length are malformed */
	for (uint16_t v = WIRE_VERSION_MIN; v <= WIRE_VERSION_STATUS; v++) {
		wire_hello_encode_range(buf, 77, 1, v);
		assert_int_equal(decode_keeps(buf, 8), WIRE_EBADHELLO);
		assert_int_equal(decode_keeps(buf, WIRE_HELLO_SIZE + 1), WIRE_EBADHELLO);
	}
}

/* Every range a hello can offer: decoded, re-encoded to the same bytes,
 * and answered in min(ours, its highest) when that is in both ranges. */
static void test_hello_range(void **state)
{
	static const struct { uint16_t lo, hi; unsigned pick; } cases[] = {
		{ 1, 1, 1 }, { 1, 2, 2 }, { 2, 2, 2 }, { 1, 3, 2 }, { 2, 99, 2 },
		{ 1, 0xffff, 2 }, { 3, 3, 0 }, { 3, 99, 0 }, { 99, 99, 0 },
	};
	uint8_t buf[WIRE_HELLO_SIZE], again[WIRE_HELLO_SIZE];
	struct wire_hello h;

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(cases); i++) {
		wire_hello_encode_range(buf, 4242, cases[i].lo, cases[i].hi);
		assert_int_equal(wire_hello_decode(buf, sizeof(buf), &h), WIRE_OK);
		assert_int_equal(h.version, cases[i].hi);
		assert_int_equal(h.min_version, cases[i].lo);
		assert_int_equal(h.pid, 4242);
		assert_int_equal(wire_version_pick(&h), cases[i].pick);
		wire_hello_encode_range(again, h.pid, h.min_version, h.version);
		assert_memory_equal(again, buf, sizeof(buf));
	}
	/* a version-1 hello keeps its reserved u32: 0, lowest 1 implied */
	wire_hello_encode_range(buf, 5, 1, 1);
	wire_hello_encode(again, 5);
	assert_memory_equal(again, buf, sizeof(buf));
	put16(buf + 12, 1);
	assert_int_equal(decode_keeps(buf, sizeof(buf)), WIRE_EBADHELLO);
	/* version 2 on: the lowest within 1..version, then a reserved u16 */
	wire_hello_encode_range(buf, 5, 1, 2);
	put16(buf + 12, 0);
	assert_int_equal(decode_keeps(buf, sizeof(buf)), WIRE_EBADHELLO);
	put16(buf + 12, 3);
	assert_int_equal(decode_keeps(buf, sizeof(buf)), WIRE_EBADHELLO);
	wire_hello_encode_range(buf, 5, 1, 2);
	put16(buf + 14, 1);
	assert_int_equal(decode_keeps(buf, sizeof(buf)), WIRE_EBADHELLO);
}

static void test_hello_flags_reserved(void **state)
{
	uint8_t buf[WIRE_HELLO_SIZE];

	(void)state;
	wire_hello_encode(buf, 77);
	put16(buf + 6, 1);
	assert_int_equal(decode_keeps(buf, sizeof(buf)), WIRE_EBADHELLO);
	put16(buf + 6, 0x8000);
	assert_int_equal(decode_keeps(buf, sizeof(buf)), WIRE_EBADHELLO);
	wire_hello_encode(buf, 77);
	put32(buf + 12, 1);
	assert_int_equal(decode_keeps(buf, sizeof(buf)), WIRE_EBADHELLO);
	put32(buf + 12, 0x80000000U);
	assert_int_equal(decode_keeps(buf, sizeof(buf)), WIRE_EBADHELLO);
	wire_hello_encode_range(buf, 77, 1, 2);
	put16(buf + 6, 2);	/* an unknown flag */
	assert_int_equal(decode_keeps(buf, sizeof(buf)), WIRE_EBADHELLO);
	/* EXEC (version 2 on): taken, and given back */
	wire_hello_encode_range(buf, 77, 1, 2);
	wire_hello_set_flags(buf, WIRE_HELLO_EXEC);
	{
		struct wire_hello h;

		assert_int_equal(wire_hello_decode(buf, sizeof(buf), &h), WIRE_OK);
		assert_int_equal(h.flags, WIRE_HELLO_EXEC);
	}
	put16(buf + 6, WIRE_HELLO_EXEC | 0x8000);
	assert_int_equal(decode_keeps(buf, sizeof(buf)), WIRE_EBADHELLO);
}

static void test_hello_pid(void **state)
{
	static const uint32_t bad[] = { 0, (uint32_t)-1, 0x80000000U, 0xfffffffeU };
	uint8_t buf[WIRE_HELLO_SIZE];

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(bad); i++) {
		wire_hello_encode(buf, 77);
		put32(buf + 8, bad[i]);
		assert_int_equal(decode_keeps(buf, sizeof(buf)), WIRE_EBADHELLO);
		wire_hello_encode_range(buf, 77, 1, 2);
		put32(buf + 8, bad[i]);
		assert_int_equal(decode_keeps(buf, sizeof(buf)), WIRE_EBADHELLO);
	}
}

static void test_ack_roundtrip(void **state)
{
	uint8_t buf[WIRE_ACK_MAX], v1[WIRE_ACK_SIZE];
	struct wire_ack a;

	(void)state;
	for (unsigned s = WIRE_OK; s < WIRE_STATUS_MAX; s++) {
		memset(buf, 0xa5, sizeof(buf));
		wire_ack_encode(buf, (enum wire_status)s);
		memset(&a, 0xff, sizeof(a));
		assert_int_equal(wire_ack_decode(buf, WIRE_ACK_SIZE, &a), 0);
		assert_int_equal(a.magic, WIRE_MAGIC);
		assert_int_equal(a.version, 1);
		assert_int_equal(a.status, s);
		assert_int_equal(a.id, 0);
		/* in version 1 both encoders agree; a refusal is 8 bytes in any */
		assert_int_equal(wire_ack_encode_v(buf, 1, (enum wire_status)s, 9), WIRE_ACK_SIZE);
		wire_ack_encode(v1, (enum wire_status)s);
		assert_memory_equal(buf, v1, WIRE_ACK_SIZE);
		if (s != WIRE_OK)
			assert_int_equal(wire_ack_encode_v(buf, 2, (enum wire_status)s, 9),
					 WIRE_ACK_SIZE);
	}
}

/* Version 2's WIRE_OK carries the listener id: 16 bytes, id not 0. */
static void test_ack_v2(void **state)
{
	static const uint64_t ids[] = { 1, 42, 0x100000000ULL, UINT64_MAX };
	uint8_t buf[WIRE_ACK_MAX];
	struct wire_ack a;

	(void)state;
	assert_int_equal(WIRE_ACK_V2_SIZE, 16);
	for (size_t i = 0; i < UNIT_LEN(ids); i++) {
		assert_int_equal(wire_ack_encode_v(buf, 2, WIRE_OK, ids[i]), WIRE_ACK_V2_SIZE);
		assert_int_equal(wire_ack_decode(buf, WIRE_ACK_V2_SIZE, &a), 0);
		assert_int_equal(a.version, 2);
		assert_int_equal(a.status, WIRE_OK);
		assert_true(a.id == ids[i]);
		/* the header alone is not a version-2 WIRE_OK */
		assert_int_equal(wire_ack_decode(buf, WIRE_ACK_SIZE, &a), -EPROTO);
	}
	put64(buf + 8, 0);
	assert_int_equal(wire_ack_decode(buf, WIRE_ACK_V2_SIZE, &a), -EPROTO);
	/* a WIRE_OK in a version whose layout we do not know, or version 0 */
	wire_ack_encode_v(buf, 2, WIRE_OK, 7);
	put16(buf + 4, WIRE_VERSION_STATUS + 1);
	assert_int_equal(wire_ack_decode(buf, WIRE_ACK_V2_SIZE, &a), -EPROTO);
	assert_int_equal(wire_ack_decode(buf, WIRE_ACK_SIZE, &a), -EPROTO);
	put16(buf + 4, 0);
	assert_int_equal(wire_ack_decode(buf, WIRE_ACK_SIZE, &a), -EPROTO);
	/* a refusal from any version is the header: a newer tracerd's EVERSION */
	assert_int_equal(wire_ack_encode_v(buf, 7, WIRE_EVERSION, 0), WIRE_ACK_SIZE);
	assert_int_equal(wire_ack_decode(buf, WIRE_ACK_SIZE, &a), 0);
	assert_int_equal(a.version, 7);
	assert_int_equal(a.status, WIRE_EVERSION);
	assert_int_equal(wire_ack_decode(buf, WIRE_ACK_V2_SIZE, &a), -EPROTO);
}

static void test_ack_bad(void **state)
{
	static const struct wire_ack keep = { 1, 2, 3, 4 };
	uint8_t buf[32];
	struct wire_ack a;

	(void)state;
	memset(buf, 0, sizeof(buf));
	wire_ack_encode(buf, WIRE_OK);
	for (size_t len = 0; len < sizeof(buf); len++) {
		if (len == WIRE_ACK_SIZE)
			continue;
		a = keep;
		assert_int_equal(wire_ack_decode(buf, len, &a), -EPROTO);
		assert_memory_equal(&a, &keep, sizeof(a));
	}
	put32(buf, WIRE_MAGIC ^ 0x100);
	a = keep;
	assert_int_equal(wire_ack_decode(buf, WIRE_ACK_SIZE, &a), -EPROTO);
	assert_memory_equal(&a, &keep, sizeof(a));
	/* a version-1 hello is not an ack (a version-2 one has an ack's
	 * shape: the two go in opposite directions) */
	wire_hello_encode(buf, 5);
	assert_int_equal(wire_ack_decode(buf, WIRE_HELLO_SIZE, &a), -EPROTO);
	assert_memory_equal(&a, &keep, sizeof(a));
}

static void test_status_str(void **state)
{
	const char *seen[WIRE_STATUS_MAX];

	(void)state;
	assert_string_equal(wire_status_str(WIRE_OK), "ok");
	assert_string_equal(wire_status_str(WIRE_EVERSION), "protocol version unsupported");
	assert_string_equal(wire_status_str(WIRE_ETOOMANY), "too many programs");
	for (unsigned s = 0; s < WIRE_STATUS_MAX; s++) {
		seen[s] = wire_status_str(s);
		assert_non_null(seen[s]);
		assert_true(strlen(seen[s]) > 0);
		assert_string_not_equal(seen[s], "unknown status");
		for (unsigned t = 0; t < s; t++)
			assert_string_not_equal(seen[s], seen[t]);
	}
	assert_string_equal(wire_status_str(WIRE_STATUS_MAX), "unknown status");
	assert_string_equal(wire_status_str(0xffff), "unknown status");
	assert_string_equal(wire_status_str(~0U), "unknown status");
}

/* The status request (version 3): its own bytes, answered in 3 and only
 * 3; a listener's hello offering 3 still gets 2. */
static void test_status_hello(void **state)
{
	uint8_t buf[WIRE_HELLO_SIZE], again[WIRE_HELLO_SIZE];
	struct wire_hello h;

	(void)state;
	wire_hello_encode_status(buf, 99);
	assert_int_equal(wire_hello_decode(buf, sizeof(buf), &h), WIRE_OK);
	assert_int_equal(h.version, 3);
	assert_int_equal(h.min_version, 3);
	assert_int_equal(h.flags, WIRE_HELLO_STATUS);
	assert_int_equal(wire_version_pick(&h), 3);
	wire_hello_encode_range(again, 99, 3, 3);
	wire_hello_set_flags(again, WIRE_HELLO_STATUS);
	assert_memory_equal(again, buf, sizeof(buf));
	/* offered by a newer client (3-9, or 1-9): answered in 3 */
	put16(buf + 4, 9);
	assert_int_equal(wire_hello_decode(buf, sizeof(buf), &h), WIRE_OK);
	assert_int_equal(wire_version_pick(&h), 3);
	put16(buf + 12, 1);
	assert_int_equal(wire_hello_decode(buf, sizeof(buf), &h), WIRE_OK);
	assert_int_equal(wire_version_pick(&h), 3);
	/* a status request only newer versions have: none to answer in */
	put16(buf + 12, 4);
	assert_int_equal(wire_hello_decode(buf, sizeof(buf), &h), WIRE_OK);
	assert_int_equal(wire_version_pick(&h), 0);
	/* a listener's hello 1-3 or 3-3: 2, or none */
	wire_hello_encode_range(buf, 99, 1, 3);
	assert_int_equal(wire_hello_decode(buf, sizeof(buf), &h), WIRE_OK);
	assert_int_equal(wire_version_pick(&h), 2);
	wire_hello_encode_range(buf, 99, 3, 3);
	assert_int_equal(wire_hello_decode(buf, sizeof(buf), &h), WIRE_OK);
	assert_int_equal(wire_version_pick(&h), 0);
}

/* Hostile status hellos: the flag below version 3, with EXEC, with an
 * unknown flag, truncated or long, a bad pid; version 4 with an unknown
 * flag is a version problem (a newer client), version 3's is malformed. */
static void test_status_hello_bad(void **state)
{
	uint8_t buf[WIRE_HELLO_SIZE + 8];

	(void)state;
	wire_hello_encode_range(buf, 5, 1, 2);
	wire_hello_set_flags(buf, WIRE_HELLO_STATUS);
	assert_int_equal(decode_keeps(buf, WIRE_HELLO_SIZE), WIRE_EBADHELLO);
	wire_hello_encode_range(buf, 5, 1, 1);
	wire_hello_set_flags(buf, WIRE_HELLO_STATUS);
	assert_int_equal(decode_keeps(buf, WIRE_HELLO_SIZE), WIRE_EBADHELLO);
	wire_hello_encode_status(buf, 5);
	wire_hello_set_flags(buf, WIRE_HELLO_STATUS | WIRE_HELLO_EXEC);
	assert_int_equal(decode_keeps(buf, WIRE_HELLO_SIZE), WIRE_EBADHELLO);
	wire_hello_set_flags(buf, WIRE_HELLO_STATUS | 0x0004);
	assert_int_equal(decode_keeps(buf, WIRE_HELLO_SIZE), WIRE_EBADHELLO);
	put16(buf + 4, 4);
	assert_int_equal(decode_keeps(buf, WIRE_HELLO_SIZE), WIRE_EVERSION);
	for (size_t len = 0; len < sizeof(buf); len++) {
		wire_hello_encode_status(buf, 5);
		if (len != WIRE_HELLO_SIZE)
			assert_int_equal(decode_keeps(buf, len), WIRE_EBADHELLO);
	}
	wire_hello_encode_status(buf, 5);
	put32(buf + 8, 0);
	assert_int_equal(decode_keeps(buf, WIRE_HELLO_SIZE), WIRE_EBADHELLO);
	wire_hello_encode_status(buf, 5);
	put16(buf + 14, 1);
	assert_int_equal(decode_keeps(buf, WIRE_HELLO_SIZE), WIRE_EBADHELLO);
}

/* The status answer's ack: version 3, WIRE_OK, 16 bytes, the text's
 * length in id (never 0); the header alone is not one. */
static void test_status_ack(void **state)
{
	uint8_t buf[WIRE_ACK_MAX];
	struct wire_ack a;

	(void)state;
	assert_int_equal(wire_ack_encode_v(buf, WIRE_VERSION_STATUS, WIRE_OK, 321),
			 WIRE_ACK_V2_SIZE);
	assert_int_equal(wire_ack_decode(buf, WIRE_ACK_V2_SIZE, &a), 0);
	assert_int_equal(a.version, 3);
	assert_int_equal(a.status, WIRE_OK);
	assert_true(a.id == 321);
	assert_int_equal(wire_ack_decode(buf, WIRE_ACK_SIZE, &a), -EPROTO);
	put64(buf + 8, 0);
	assert_int_equal(wire_ack_decode(buf, WIRE_ACK_V2_SIZE, &a), -EPROTO);
	/* an old tracerd's refusal: the header, naming its highest, 2 */
	assert_int_equal(wire_ack_encode_v(buf, 2, WIRE_EVERSION, 0), WIRE_ACK_SIZE);
	assert_int_equal(wire_ack_decode(buf, WIRE_ACK_SIZE, &a), 0);
	assert_int_equal(a.version, 2);
	assert_int_equal(a.status, WIRE_EVERSION);
}


int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_roundtrip),
		cmocka_unit_test(test_hello_truncated),
		cmocka_unit_test(test_hello_oversize),
		cmocka_unit_test(test_hello_magic),
		cmocka_unit_test(test_hello_version),
		cmocka_unit_test(test_hello_range),
		cmocka_unit_test(test_hello_flags_reserved),
		cmocka_unit_test(test_hello_pid),
		cmocka_unit_test(test_ack_roundtrip),
		cmocka_unit_test(test_ack_v2),
		cmocka_unit_test(test_ack_bad),
		cmocka_unit_test(test_status_str),
		cmocka_unit_test(test_status_hello),
		cmocka_unit_test(test_status_hello_bad),
		cmocka_unit_test(test_status_ack),
	};

	int failed = cmocka_run_group_tests_name("wire codec", tests, NULL, NULL);

	return failed + wire_sock_run();
}
