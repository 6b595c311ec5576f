/* Identities by statx: mount id, device and inode. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "../common/compat.h"
#include "ident.h"

static int ident_statx(int dirfd, const char *name, int at_flags, unsigned mask,
		       struct ident *out, struct statx *st)
{
	if (statx(dirfd, name, at_flags | AT_NO_AUTOMOUNT, mask | STATX_INO | STATX_MNT_ID, st) < 0)
		return -errno;
	out->mnt = (st->stx_mask & STATX_MNT_ID) ? st->stx_mnt_id : 0;
	out->dev = ((uint64_t)st->stx_dev_major << 32) | st->stx_dev_minor;
	out->ino = st->stx_ino;
	return 0;
}

int ident_at(int dirfd, const char *name, int at_flags, struct ident *out)
{
	struct statx st;

	return ident_statx(dirfd, name, at_flags, 0, out, &st);
}

int ident_live(int fd, struct ident *out)
{
	struct statx st;
	int r = ident_statx(fd, "", AT_EMPTY_PATH, STATX_NLINK, out, &st);

	if (r == 0 && (st.stx_mask & STATX_NLINK) && st.stx_nlink == 0)
		return -ENOENT;
	return r;
}

bool ident_eq(const struct ident *a, const struct ident *b)
{
	return a->mnt == b->mnt && a->dev == b->dev && a->ino == b->ino;
}
