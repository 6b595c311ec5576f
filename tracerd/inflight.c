/* The in-flight table's memfd: made, mapped, named. The slots are sparse:
 * a thread touches the pages of its slot that its records reach. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inflight.h"

struct inflight inflight_cur = { .fd = -1 };

static size_t table_size(unsigned nslots)
{
	return sizeof(struct inflight_hdr) + (size_t)nslots * sizeof(struct inflight_slot);
}

static int map(struct inflight *t, int fd, size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		return -errno;
	t->fd = fd;
	t->size = size;
	t->hdr = p;
	t->slots = (struct inflight_slot *)((char *)p + sizeof(struct inflight_hdr));
	return 0;
}

int inflight_create(struct inflight *t, unsigned nslots, uint64_t gen)
{
	size_t size = table_size(nslots);
	int fd, r;

	(void)inflight_name(t->name, sizeof(t->name), gen);
	fd = memfd_create(t->name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	r = map(t, fd, size);
	if (r < 0) {
		close(fd);
		return r;
	}
	*t->hdr = (struct inflight_hdr){ .magic = INFLIGHT_MAGIC, .version = INFLIGHT_VERSION,
					 .nslots = nslots,
					 .slot_size = (uint32_t)sizeof(struct inflight_slot),
					 .generation = gen };
	return 0;
}

/* A table handed back: its size must be what its header says, and both
 * bounded, before anything in it is believed. */
int inflight_open(struct inflight *t, int fd)
{
	struct inflight_hdr h;
	struct stat st;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) || h.magic != INFLIGHT_MAGIC ||
	    h.version != INFLIGHT_VERSION || h.slot_size != sizeof(struct inflight_slot) ||
	    h.nslots == 0 || h.nslots > 1024 || (size_t)st.st_size != table_size(h.nslots) ||
	    map(t, fd, table_size(h.nslots)) < 0) {
		close(fd);
		return -EINVAL;
	}
	(void)inflight_name(t->name, sizeof(t->name), t->hdr->generation);
	return 0;
}

void inflight_close(struct inflight *t)
{
	if (t->hdr)
		munmap(t->hdr, t->size);
	if (t->fd >= 0)
		close(t->fd);
	t->hdr = NULL;
	t->slots = NULL;
	t->fd = -1;
}

int inflight_name(char *buf, size_t cap, uint64_t gen)
{
	int n = snprintf(buf, cap, "inflight-%" PRIu64, gen);

	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

int inflight_parse_name(const char *name, uint64_t *ret_gen)
{
	static const char prefix[] = "inflight-";
	uint64_t v = 0;
	const char *p;

	if (!name || strncmp(name, prefix, sizeof(prefix) - 1))
		return -EINVAL;
	p = name + sizeof(prefix) - 1;
	if (*p < '1' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p)
		return -EINVAL;
	*ret_gen = v;
	return 0;
}

struct inflight_slot *inflight_slot(unsigned i)
{
	if (!inflight_cur.hdr || i >= inflight_cur.hdr->nslots)
		return NULL;
	return &inflight_cur.slots[i];
}
