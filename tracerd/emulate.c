/* The creation. No mode arithmetic and no chown afterwards: the thread takes
 * the target's umask (its fs context is private after unshare(CLONE_FS))
 * and calls mkdirat on the very parent fd that was judged, so default ACLs,
 * setgid parents and a concurrent rename behave exactly as natively. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>

#include "emulate.h"

static __thread mode_t thread_umask = (mode_t)-1;

int emulate_thread_init(void)
{
	if (unshare(CLONE_FS) < 0)
		return -errno;
	thread_umask = umask(0);
	umask(thread_umask);
	return 0;
}

int emulate_mkdir(int parentfd, const char *name, unsigned mode, mode_t mask)
{
	if (mask != thread_umask) {
		umask(mask);
		thread_umask = mask;
	}
	return mkdirat(parentfd, name, (mode_t)mode) < 0 ? -errno : 0;
}

int emulate_probe(int parentfd, const char *name)
{
	struct stat st;

	if (fstatat(parentfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return -EEXIST;
	return errno == ENOENT ? 0 : -errno;
}
