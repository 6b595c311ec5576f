/* The kernel's checks between a mkdir's lookup and the filesystem, in its
 * order (fs/namei.c): filename_create takes mnt_want_write, which fails
 * on a read-only mount or superblock (EROFS), but reports that only after
 * the lookup (EEXIST, the probe's answer); then may_create asks
 * inode_permission(parent, MAY_WRITE | MAY_EXEC): EROFS for a read-only
 * superblock, EPERM for an immutable parent, then the mode bits, ACLs and
 * capabilities (EACCES). An append-only parent refuses removals, not
 * creations: no errno of its own here.
 *
 * faccessat2(AT_EACCESS) makes the same inode_permission call with the
 * thread's fsuid, fsgid, groups and effective capabilities, but checks
 * the mount's read-only flag last, where mkdir checks it first: when it
 * refuses, a read-only mount (statfs's ST_RDONLY, mount or superblock)
 * turns the answer into EROFS. A call that would pass costs one syscall. */
#include <errno.h>
#include <fcntl.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "predict.h"

/* The raw call: glibc's fallback for kernels without faccessat2 guesses
 * from the mode bits, and a guess is no prediction. */
static int access_as_thread(int fd)
{
	if (syscall(SYS_faccessat2, fd, "", W_OK | X_OK, AT_EACCESS | AT_EMPTY_PATH) == 0)
		return 0;
	return -errno;
}

static int read_only(int fd)
{
	struct statfs sf;

	return fstatfs(fd, &sf) == 0 && (sf.f_flags & ST_RDONLY);
}

int predict_create(int parentfd)
{
	int r = access_as_thread(parentfd);

	if (r == -EROFS)
		return r;
	if (r != -EACCES && r != -EPERM)
		return 0;	/* passes, or cannot be told (ENOSYS, EBADF, ...) */
	return read_only(parentfd) ? -EROFS : r;
}
