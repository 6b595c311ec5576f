/* The allowed roots, pinned open. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "fdutil.h"
#include "resolve.h"
#include "roots.h"
#include "tracerd.h"

static int root_fd[ROOTS_MAX];
static struct ident root_id[ROOTS_MAX];
static unsigned nroots;

int roots_open(const char *const *dirs, unsigned n, unsigned *bad)
{
	for (unsigned i = 0; i < n && i < ROOTS_MAX; i++) {
		_cleanup_close_ int fd = open(dirs[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
		int r;

		*bad = i;
		if (fd < 0)
			return -errno;
		r = ident_at(fd, "", AT_EMPTY_PATH, &root_id[i]);
		if (r < 0)
			return r;
		root_fd[nroots++] = TAKE_FD(fd);
	}
	return n > ROOTS_MAX ? -E2BIG : 0;
}

unsigned roots_count(void)
{
	return nroots;
}

int roots_fd(unsigned i)
{
	return i < nroots ? root_fd[i] : -1;
}

int roots_within(int fd)
{
	/* pinned, no root's identity can pass to another directory; a
	 * deleted one has nothing below it, and the parent itself deleted
	 * is -ENOENT */
	return resolve_within(fd, root_id, nroots, &daemon_cfg.self_root);
}
