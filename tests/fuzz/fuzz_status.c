/* Fuzz the /proc text parsers of tracerd: a status file (tracerd/target.c
 * target_status: Name, Umask, ids, any number of Groups, the NStgid/NSpid
 * levels, CapEff), fed through a memfd as the kernel would serve it, and
 * a uid_map/gid_map (tracerd/creds.c creds_parse_map). The first byte
 * picks the parser. Invariants: the results hold what the documents say
 * (groups sorted and all from the Groups line, levels within bounds, a
 * map's extents within CREDS_MAX_EXTENTS), nothing read past the text. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "creds.h"
#include "fuzz.h"
#include "target.h"

static struct target_buf tb;

static void fuzz_status(const uint8_t *data, size_t size)
{
	struct target_facts c;
	struct creds cr;
	int fd = memfd_create("status", MFD_CLOEXEC), r;

	FUZZ_CHECK(fd >= 0, "memfd_create");
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size, "write");
	memset(&c, 0, sizeof(c));
	r = target_status(fd, &c, &tb);
	cr = c.creds;
	close(fd);
	FUZZ_CHECK(r == 0 || r == -EPROTO || r == -ENOMEM || r == -E2BIG, "r=%d", r);
	if (r < 0)
		return;
	FUZZ_CHECK(memchr(c.comm, '\0', sizeof(c.comm)) != NULL, "comm unterminated");
	FUZZ_CHECK(c.nslevels <= TARGET_MAX_PIDNS, "levels %u", c.nslevels);
	FUZZ_CHECK(cr.ngroups == 0 || cr.groups == tb.groups, "groups storage");
	for (unsigned i = 1; i < cr.ngroups; i++)
		FUZZ_CHECK(cr.groups[i - 1] <= cr.groups[i], "groups not sorted at %u", i);
	FUZZ_CHECK(cr.ngroups == 0 || memmem(data, size, "Groups:", 7) != NULL,
		   "groups without a Groups line");
}

static void fuzz_map(const uint8_t *data, size_t size)
{
	char text[4096];
	struct idmap m;
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;
	int r;

	memcpy(text, data, n);
	text[n] = '\0';
	r = creds_parse_map(text, &m);
	FUZZ_CHECK(r == 0 || r == -EPROTO, "r=%d", r);
	FUZZ_CHECK(m.n <= CREDS_MAX_EXTENTS, "extents %u", m.n);
	/* three numbers an extent: never more extents than numbers / 3 */
	if (r == 0) {
		unsigned digits = 0;

		for (size_t i = 0; i < n && text[i]; i++)
			digits += text[i] >= '0' && text[i] <= '9' &&
				  (i == 0 || text[i - 1] < '0' || text[i - 1] > '9');
		FUZZ_CHECK(3 * m.n <= digits, "%u extents from %u numbers", m.n, digits);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		fuzz_map(data + 1, size - 1);
	else
		fuzz_status(data + 1, size - 1);
	return 0;
}
