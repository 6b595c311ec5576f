/* Fuzz the hello/ack decoders (common/wire.c) on arbitrary bytes, checked
 * against an independent reading of the 16- and 8-byte layouts: WIRE_OK
 * only for an exact, well-formed message, a decoded hello re-encodes to
 * the same bytes, and a refused message leaves the output untouched. */
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

/* What the hello decoder must say about these bytes. */
static int hello_oracle(const uint8_t *d, size_t n)
{
	if (n >= 6 && rd32(d) == WIRE_MAGIC && rd16(d + 4) != WIRE_VERSION)
		return WIRE_EVERSION;
	if (n != WIRE_HELLO_SIZE || rd32(d) != WIRE_MAGIC)
		return WIRE_EBADHELLO;
	if (rd16(d + 6) != 0 || rd32(d + 12) != 0 || (int32_t)rd32(d + 8) <= 0)
		return WIRE_EBADHELLO;
	return WIRE_OK;
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
	if (r != WIRE_OK) {
		FUZZ_CHECK(!memcmp(&h, &sentinel, sizeof(h)), "refused hello wrote its output");
		FUZZ_CHECK(wire_status_str((unsigned)r) != NULL, "no text for status %d", r);
		return;
	}
	FUZZ_CHECK(h.magic == WIRE_MAGIC && h.version == WIRE_VERSION && h.flags == 0 &&
		   h.reserved == 0 && h.pid > 0 && h.pid == (int32_t)rd32(d + 8),
		   "decoded fields differ from the bytes");
	wire_hello_encode(again, h.pid);
	FUZZ_CHECK(!memcmp(again, d, WIRE_HELLO_SIZE), "hello does not re-encode to its bytes");
}

static void check_ack(const uint8_t *d, size_t n)
{
	struct wire_ack a, sentinel;
	uint8_t again[WIRE_ACK_SIZE];
	int want = (n == WIRE_ACK_SIZE && rd32(d) == WIRE_MAGIC) ? 0 : -EPROTO;
	int r;

	memset(&a, 0x5a, sizeof(a));
	sentinel = a;
	r = wire_ack_decode(d, n, &a);
	FUZZ_CHECK(r == want, "ack of %zu bytes: got %d, want %d", n, r, want);
	if (r != 0) {
		FUZZ_CHECK(!memcmp(&a, &sentinel, sizeof(a)), "refused ack wrote its output");
		return;
	}
	FUZZ_CHECK(a.magic == WIRE_MAGIC && a.version == rd16(d + 4) && a.status == rd16(d + 6),
		   "decoded ack fields differ from the bytes");
	FUZZ_CHECK(wire_status_str(a.status) != NULL, "no text for status %u", a.status);
	if (a.version == WIRE_VERSION) {
		wire_ack_encode(again, (enum wire_status)a.status);
		FUZZ_CHECK(!memcmp(again, d, WIRE_ACK_SIZE), "ack does not re-encode to its bytes");
	}
}

/* libFuzzer hands over a copy of exactly size bytes: ASan sees any read
 * past the end. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_hello(data, size);
	check_ack(data, size);
	return 0;
}
