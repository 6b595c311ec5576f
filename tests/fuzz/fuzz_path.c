/* Fuzz the verdict on a path read from target memory (tracerd/target.c
 * target_path_check) against an independent oracle. The input chooses the
 * buffer size (cap), what the read returned (n: a full read, a short read,
 * nothing, or a -errno) and the bytes. The bytes past n are poisoned for
 * ASan: the verdict may look only at what was read. */
#include <errno.h>
#include <limits.h>
#include <sanitizer/asan_interface.h>
#include <string.h>
#include <sys/types.h>

#include "fuzz.h"
#include "target.h"

struct shape {
	size_t cap;
	ssize_t n;
	uint8_t fill;		/* the bytes the input does not cover */
};

static uint32_t take(const uint8_t **d, size_t *size, unsigned bytes)
{
	uint32_t v = 0;

	while (bytes-- > 0 && *size > 0) {
		v = v << 8 | **d;
		(*d)++;
		(*size)--;
	}
	return v;
}

/* n: a whole buffer, a short read, or one of the errors a read can give. */
static ssize_t pick_n(unsigned mode, uint32_t raw, size_t cap)
{
	static const int errs[] = { EFAULT, EIO, ESRCH, EPERM, ENOMEM, EINVAL, ENOSYS };

	switch (mode % 6) {
	case 0:
		return (ssize_t)cap;
	case 1:
		return (ssize_t)(raw % (cap + 1));
	case 2:
		return -(ssize_t)errs[raw % (sizeof(errs) / sizeof(errs[0]))];
	case 3:
		return -(ssize_t)(raw % 4096);
	case 4:
		return raw & 1 ? (ssize_t)cap - 1 : 1;
	default:
		return raw & 1 ? -SSIZE_MAX - 1 : -(ssize_t)raw;
	}
}

static void parse(const uint8_t **d, size_t *size, struct shape *s)
{
	unsigned mode = take(d, size, 1);
	uint32_t cap = take(d, size, 2), raw = take(d, size, 4);

	s->cap = (mode & 0x80) ? PATH_MAX : 1 + cap % PATH_MAX;
	s->n = pick_n(mode & 0x7f, raw, s->cap);
	s->fill = (uint8_t)take(d, size, 1);
}

/* The documented verdict (tracerd/target.h), written from scratch. */
static int oracle(const char *buf, ssize_t n, size_t cap)
{
	if (n < 0) {
		if (n == -EFAULT || n == -EIO)
			return -EFAULT;
		return n == -ESRCH ? -ESRCH : -EPERM;
	}
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			return 0;
	return (size_t)n == cap ? -ENAMETOOLONG : -EFAULT;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shape s;
	char *buf;
	size_t copy, valid;
	int got, want;

	parse(&data, &size, &s);
	buf = malloc(s.cap);
	FUZZ_CHECK(buf != NULL, "out of memory");
	memset(buf, s.fill, s.cap);
	copy = size < s.cap ? size : s.cap;
	memcpy(buf, data, copy);
	want = oracle(buf, s.n, s.cap);
	valid = s.n > 0 ? (size_t)s.n : 0;
	ASAN_POISON_MEMORY_REGION(buf + valid, s.cap - valid);
	got = target_path_check(buf, s.n, s.cap);
	ASAN_UNPOISON_MEMORY_REGION(buf, s.cap);
	FUZZ_CHECK(got == want, "cap %zu, n %zd: got %d, want %d", s.cap, s.n, got, want);
	free(buf);
	return 0;
}
