/* Fuzz the hello/ack decoders (common/wire.c) on arbitrary bytes, checked
 * against an independent reading of the layouts of every version (wire.h):
 * WIRE_OK only for an exact, well-formed message, the version negotiated
 * as specified, a decoded message re-encodes to the same bytes, and a
 * refused one leaves the output untouched (but the version it names). */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "wire.h"

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The fields after the version in the frozen 16-byte layout. */
static int hello_layout_ok(const uint8_t *d, size_t n, uint16_t v)
{
	uint16_t flags = n == WIRE_HELLO_SIZE ? rd16(d + 6) : 0;

	/* flags: none in version 1, EXEC from version 2, STATUS from 3, never
	 * the two together */
	uint16_t known = v >= 3 ? (WIRE_HELLO_EXEC | WIRE_HELLO_STATUS) :
			 v == 2 ? WIRE_HELLO_EXEC : 0;

	if (n != WIRE_HELLO_SIZE || (int32_t)rd32(d + 8) <= 0 || (flags & ~known) != 0 ||
	    flags == (WIRE_HELLO_EXEC | WIRE_HELLO_STATUS))
		return 0;
	if (v == 1)
		return rd32(d + 12) == 0;
	return rd16(d + 12) >= 1 && rd16(d + 12) <= v && rd16(d + 14) == 0;
}

/* What the hello decoder must say about these bytes. */
static int hello_oracle(const uint8_t *d, size_t n)
{
	uint16_t v;

	if (n < 6 || rd32(d) != WIRE_MAGIC)
		return WIRE_EBADHELLO;
	v = rd16(d + 4);
	if (v == 0)
		return WIRE_EVERSION;
	if (hello_layout_ok(d, n, v))
		return WIRE_OK;
	return v > WIRE_VERSION_STATUS ? WIRE_EVERSION : WIRE_EBADHELLO;
}

/* min(ours, its highest) when that is within both ranges, else 0: ours
 * is 1-2 for a listener's hello, 3-3 for a status request. */
static unsigned pick_oracle(unsigned lo, unsigned hi, int status)
{
	unsigned ours_hi = status ? WIRE_VERSION_STATUS : WIRE_VERSION_MAX;
	unsigned top = hi < ours_hi ? hi : ours_hi;

	return top >= lo && top >= (status ? WIRE_VERSION_STATUS : WIRE_VERSION_MIN) ? top : 0;
}

static void check_hello(const uint8_t *d, size_t n)
{
	struct wire_hello h, sentinel;
	uint8_t again[WIRE_HELLO_SIZE];
	int r, want = hello_oracle(d, n);

	memset(&h, 0xa5, sizeof(h));
	sentinel = h;
	r = wire_hello_decode(d, n, &h);
	FUZZ_CHECK(r == want, "hello of %zu bytes: got %d, want %d", n, r, want);
	if (r == WIRE_EVERSION)
		sentinel.version = rd16(d + 4);	/* the one field it names */
	if (r != WIRE_OK) {
		FUZZ_CHECK(!memcmp(&h, &sentinel, sizeof(h)), "refused hello wrote its output");
		FUZZ_CHECK(wire_status_str((unsigned)r) != NULL, "no text for status %d", r);
		return;
	}
	FUZZ_CHECK(h.magic == WIRE_MAGIC && h.version == rd16(d + 4) &&
		   h.flags == rd16(d + 6) && (h.flags & ~WIRE_HELLO_FLAGS) == 0 &&
		   (h.version >= 2 || h.flags == 0) &&
		   h.reserved == 0 && h.pid > 0 && h.pid == (int32_t)rd32(d + 8) &&
		   h.min_version == (h.version == 1 ? 1 : rd16(d + 12)),
		   "decoded fields differ from the bytes");
	FUZZ_CHECK(wire_version_pick(&h) ==
			   pick_oracle(h.min_version, h.version, h.flags & WIRE_HELLO_STATUS),
		   "version %u-%u: picked %u", h.min_version, h.version, wire_version_pick(&h));
	wire_hello_encode_range(again, h.pid, h.min_version, h.version);
	wire_hello_set_flags(again, h.flags);
	FUZZ_CHECK(!memcmp(again, d, WIRE_HELLO_SIZE), "hello does not re-encode to its bytes");
}

/* The exact length an ack must have: 8 for a refusal of any version and a
 * version-1 WIRE_OK, 16 for a version-2 one (id not 0) and a version-3
 * one (a status answer: id the text's length, not 0); 0: never valid. */
static size_t ack_oracle(const uint8_t *d, size_t n)
{
	if (n < WIRE_ACK_SIZE || rd32(d) != WIRE_MAGIC)
		return 0;
	if (rd16(d + 6) != WIRE_OK || rd16(d + 4) == 1)
		return WIRE_ACK_SIZE;
	if ((rd16(d + 4) == 2 || rd16(d + 4) == 3) && n == WIRE_ACK_V2_SIZE && rd64(d + 8) != 0)
		return WIRE_ACK_V2_SIZE;
	return 0;
}

static void check_ack(const uint8_t *d, size_t n)
{
	struct wire_ack a, sentinel;
	uint8_t again[WIRE_ACK_MAX];
	size_t size = ack_oracle(d, n);
	int want = size != 0 && size == n ? 0 : -EPROTO;
	int r;

	memset(&a, 0x5a, sizeof(a));
	sentinel = a;
	r = wire_ack_decode(d, n, &a);
	FUZZ_CHECK(r == want, "ack of %zu bytes: got %d, want %d", n, r, want);
	if (r != 0) {
		FUZZ_CHECK(!memcmp(&a, &sentinel, sizeof(a)), "refused ack wrote its output");
		return;
	}
	FUZZ_CHECK(a.magic == WIRE_MAGIC && a.version == rd16(d + 4) && a.status == rd16(d + 6) &&
		   a.id == (n == WIRE_ACK_V2_SIZE ? rd64(d + 8) : 0),
		   "decoded ack fields differ from the bytes");
	FUZZ_CHECK(wire_status_str(a.status) != NULL, "no text for status %u", a.status);
	FUZZ_CHECK(wire_ack_encode_v(again, a.version, (enum wire_status)a.status, a.id) == n &&
		   !memcmp(again, d, n), "ack does not re-encode to its bytes");
}

/* libFuzzer hands over a copy of exactly size bytes: ASan sees any read
 * past the end. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_hello(data, size);
	check_ack(data, size);
	return 0;
}
