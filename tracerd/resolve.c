/* Resolution for the target.
 *
 * Fast path: the target shares tracerd's mount namespace and root (its
 * /proc/TID/root has our root's mount id, dev and ino; a mount belongs to
 * one namespace only), so one openat2(RESOLVE_NO_SYMLINKS) of the parent
 * from our "/" or from the target's cwd/dirfd resolves exactly as the
 * kernel would for it. Any symlink on the way (ELOOP), or another root:
 * the component walk of walk.c, from the target's own root. (openat2's
 * RESOLVE_IN_ROOT is not enough there: it would resolve procfs's "self"
 * as tracerd.) */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../common/compat.h"
#include "resolve.h"
#include "walk.h"

#define MAX_DEPTH 4096

int ident_at(int dirfd, const char *name, int at_flags, struct ident *out)
{
	struct statx st;

	if (statx(dirfd, name, at_flags | AT_NO_AUTOMOUNT, STATX_INO | STATX_MNT_ID, &st) < 0)
		return -errno;
	out->mnt = (st.stx_mask & STATX_MNT_ID) ? st.stx_mnt_id : 0;
	out->dev = ((uint64_t)st.stx_dev_major << 32) | st.stx_dev_minor;
	out->ino = st.stx_ino;
	return 0;
}

bool ident_eq(const struct ident *a, const struct ident *b)
{
	return a->mnt == b->mnt && a->dev == b->dev && a->ino == b->ino;
}

/* Split c->path into the parent part (left in rest) and the last name. */
static void split(const char *path, char *rest, size_t cap, struct resolve_out *out)
{
	size_t end = strlen(path), start;

	while (end > 0 && path[end - 1] == '/')
		end--;
	if (end == 0) {		/* "/", "//": the root itself */
		snprintf(rest, cap, "/");
		out->last[0] = '\0';
		out->type = LAST_DOT;
		return;
	}
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	memcpy(out->last, path + start, end - start);
	out->last[end - start] = '\0';
	out->type = (!strcmp(out->last, ".") || !strcmp(out->last, "..")) ? LAST_DOT : LAST_NORM;
	memcpy(rest, path, start);
	rest[start] = '\0';
}

/* The canonical base of a relative path, as seen from the target's root:
 * strip the target's root (as tracerd sees it) from tracerd's view. */
static void canon_base(int procfd, const char *seen, bool same_root, struct canon *k)
{
	char root[PATH_MAX];
	ssize_t n;
	size_t rl;

	canon_set(k, seen[0] == '/' ? seen : "/");
	if (seen[0] != '/')
		k->bad = true;
	if (same_root)
		return;
	n = readlinkat(procfd, "root", root, sizeof(root) - 1);
	if (n <= 0) {
		k->bad = true;
		return;
	}
	root[n] = '\0';
	rl = (size_t)n;
	if (rl == 1)
		return;
	if (strncmp(seen, root, rl) || (seen[rl] != '/' && seen[rl] != '\0'))
		k->bad = true;
	else
		canon_set(k, seen[rl] ? seen + rl : "/");
}

/* The directory a relative path starts from: the thread's cwd, or the
 * mkdirat dirfd (an int: AT_FDCWD, else any negative -> EBADF). */
static int open_base(const struct resolve_in *in, struct call *c, bool same_root, struct canon *k)
{
	char name[32], seen[PATH_MAX];
	struct stat st;
	ssize_t n;
	int fd;

	if (c->kind != SYSCALLS_MKDIRAT || c->dirfd == AT_FDCWD) {
		fd = walk_open(in->procfd, "cwd", O_DIRECTORY);
		canon_base(in->procfd, c->cwd, same_root, k);
		return fd < 0 ? -EPERM : fd;
	}
	if (c->dirfd < 0)
		return -EBADF;
	snprintf(name, sizeof(name), "fd/%d", c->dirfd);
	fd = walk_open(in->procfd, name, 0);
	if (fd < 0)
		return fd == -ENOENT ? -EBADF : -EPERM;
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		close(fd);
		return -ENOTDIR;
	}
	n = readlinkat(in->procfd, name, seen, sizeof(seen) - 1);
	seen[n > 0 ? n : 0] = '\0';
	canon_base(in->procfd, seen, same_root, k);
	return fd;
}

static int fast_path(int dirfd, const char *parent)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS,
	};
	long fd = syscall(SYS_openat2, dirfd, parent[0] ? parent : ".", &how, sizeof(how));

	return fd < 0 ? -errno : (int)fd;
}

static int start_walk(struct walk *w, struct call *c, bool absolute, bool same_root,
		      struct canon *k, const char **deny)
{
	int cur, r;

	if (same_root) {
		w->rootfd = w->in->self_rootfd;
	} else {
		w->rootfd = walk_open(w->in->procfd, "root", O_DIRECTORY);
		if (w->rootfd < 0)
			return -EPERM;
	}
	if (absolute) {
		cur = fcntl(w->rootfd, F_DUPFD_CLOEXEC, 3);
		canon_set(k, "/");
		if (cur < 0)
			cur = -errno;
	} else {
		cur = open_base(w->in, c, same_root, k);
	}
	if (cur >= 0) {
		r = walk(w, &cur, k, deny);
		if (r < 0) {
			close(cur);
			cur = r;
		}
	}
	if (!same_root)
		close(w->rootfd);
	return cur;
}

int resolve_parent(const struct resolve_in *in, struct call *c, struct resolve_out *out)
{
	struct walk w;	/* large: no initializer, so no memset per call */
	struct canon k = { .buf = c->resolved, .cap = sizeof(c->resolved) };
	bool absolute = c->path[0] == '/', same_root;
	int fd = -1, r;

	w.in = in;
	w.links = 0;
	w.depth = 0;
	out->parentfd = -1;
	out->deny = NULL;
	c->have_resolved = false;
	split(c->path, w.str[0], sizeof(w.str[0]), out);
	r = ident_at(in->procfd, "root", 0, &w.root);
	if (r < 0)
		return -EPERM;
	same_root = ident_eq(&w.root, &in->self_root);
	if (same_root) {
		int base = absolute ? in->self_rootfd : open_base(in, c, true, &k);

		if (base < 0)
			return base;
		fd = fast_path(base, w.str[0]);
		if (!absolute)
			close(base);
		else
			canon_set(&k, "/");
		if (fd >= 0)
			canon_walk(&k, w.str[0]);
		else if (fd != -ELOOP && fd != -EXDEV && fd != -EAGAIN && fd != -ENOSYS)
			return fd;
	}
	if (fd < 0) {
		fd = start_walk(&w, c, absolute, same_root, &k, &out->deny);
		if (fd < 0)
			return fd;
	}
	canon_push(&k, out->last, strlen(out->last));
	c->have_resolved = !k.bad;
	out->parentfd = fd;
	return 0;
}

static bool is_root(const struct ident *id, const struct ident *roots, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (ident_eq(id, &roots[i]))
			return true;
	return false;
}

/* Is the directory fd one of the roots or beneath one? Each level is one
 * statx of "..", "../..", ... relative to fd: a result equal to a root
 * proves that, at that moment, fd lay that many levels below it, which
 * is what an fd-by-fd walk proves too, at a third of the syscalls. A
 * level equal to the one before is the top, and so is top when given
 * (tracerd's own root: one statx less per denied call). Deeper than a
 * path can hold, the walk goes on from an fd opened there. */
int resolve_within(int fd, const struct ident *roots, unsigned nroots, const struct ident *top)
{
	char up[PATH_MAX];
	struct ident id, prev;
	int cur = fd, r;
	size_t len = 0;

	r = ident_at(fd, "", AT_EMPTY_PATH, &id);
	for (unsigned depth = 0; r == 0; depth++) {
		if (is_root(&id, roots, nroots)) {
			r = 1;
			break;
		}
		if (top && ident_eq(&id, top))
			break;	/* r == 0: outside every root */
		if (depth == MAX_DEPTH) {
			r = -ELOOP;
			break;
		}
		if (len + 3 >= sizeof(up)) {	/* re-anchor deeper up */
			int next = walk_open(cur, up, O_DIRECTORY | O_NOFOLLOW);

			if (cur != fd)
				close(cur);
			cur = next;
			len = 0;
			if (cur < 0) {
				r = cur;
				break;
			}
		}
		memcpy(up + len, len ? "/.." : "..", len ? 4 : 3);
		len += len ? 3 : 2;
		prev = id;
		r = ident_at(cur, up, AT_SYMLINK_NOFOLLOW, &id);
		if (r == 0 && ident_eq(&prev, &id))
			break;	/* the top, outside every root */
	}
	if (cur != fd && cur >= 0)
		close(cur);
	return r;
}
