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
#include "canon.h"
#include "fdutil.h"
#include "resolve.h"
#include "walk.h"

#define MAX_DEPTH 4096
#define ANCHOR_LEVELS 64	/* "../" x 64: 191 bytes */

struct resolve_arena {
	struct walk walk;
};

struct resolve_arena *resolve_arena_new(void)
{
	return malloc(sizeof(struct resolve_arena));
}

void resolve_arena_free(struct resolve_arena *a)
{
	free(a);
}

/* Split path into the parent part (left in rest) and the last name. */
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

/* What is opened as tracerd before acting as the target: the target's
 * root and the base of a relative path, with their paths as tracerd sees
 * them (from the fds, so they name what is used). */
struct base {
	int rootfd, fd;		/* fd: -1 for an absolute path */
	struct ident root;
	bool same_root;
	char root_seen[PATH_MAX];
};

static void base_close(struct base *b, const struct resolve_in *in)
{
	if (b->rootfd != in->self_rootfd)
		fdutil_replace(&b->rootfd, -1);
	fdutil_replace(&b->fd, -1);
}

/* The directory a relative path starts from: the thread's cwd, or the
 * mkdirat dirfd (an int: AT_FDCWD, else any negative -> EBADF). */
static int open_base(const struct resolve_in *in)
{
	char name[32];
	int fd;

	if (in->dirfd == AT_FDCWD) {
		fd = walk_open(in->procfd, "cwd", O_DIRECTORY);
		return fd < 0 ? -EPERM : fd;
	}
	if (in->dirfd < 0)
		return -EBADF;
	snprintf(name, sizeof(name), "fd/%d", in->dirfd);
	fd = walk_open_dir(in->procfd, name);
	if (fd == -ENOENT)
		return -EBADF;
	return fd >= 0 || fd == -ENOTDIR ? fd : -EPERM;
}

static int open_root(const struct resolve_in *in, struct base *b)
{
	if (ident_at(in->procfd, "root", 0, &b->root) < 0)
		return -EPERM;
	b->same_root = ident_eq(&b->root, &in->self_root);
	strcpy(b->root_seen, "/");
	if (b->same_root) {
		b->rootfd = in->self_rootfd;
		return 0;
	}
	b->rootfd = walk_open(in->procfd, "root", O_DIRECTORY);
	if (b->rootfd < 0)
		return -EPERM;
	(void)canon_fd_path(b->rootfd, b->root_seen, sizeof(b->root_seen));
	return 0;
}

/* As tracerd: the /proc links of the target need ptrace access, which
 * its own credentials need not give (CAP_SYS_PTRACE is never added to
 * them). The strings come from the fds opened here. */
static int open_bases(const struct resolve_in *in, struct base *b, struct canon *k,
		      struct resolve_out *out)
{
	const struct creds *t = creds_suspend(in->self);
	int r = open_root(in, b);

	if (r == 0 && in->path[0] != '/') {
		r = b->fd = open_base(in);
		if (r >= 0 && in->dirfd == AT_FDCWD) {
			/* one read of the cwd fd: the record's cwd and the base */
			out->have_cwd = canon_fd_path(b->fd, out->cwd, sizeof(out->cwd)) == 0;
			canon_seen(k, out->cwd, b->root_seen);
		} else if (r >= 0) {
			canon_fd(k, b->fd, b->root_seen);
		}
		r = r < 0 ? r : 0;
	} else if (r == 0) {
		canon_set(k, "/");
	}
	if (creds_resume(t) < 0)
		r = -EPERM;
	return r;
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

static int slow_path(const struct resolve_in *in, struct walk *w, const struct base *b,
		     struct canon *k, const char **deny)
{
	_cleanup_close_ int cur = fcntl(b->fd >= 0 ? b->fd : b->rootfd, F_DUPFD_CLOEXEC, 3);
	int r;

	if (cur < 0)
		return -errno;
	w->proc = (struct procid){
		.procfd = in->procfd, .nstgid = in->nstgid, .nspid = in->nspid,
		.nslevels = in->nslevels, .scratch = in->scratch,
	};
	w->self = in->self;
	w->suspended = w->in_target_proc = false;
	w->rootfd = b->rootfd;
	w->root = b->root;
	w->root_seen = b->root_seen;
	r = walk(w, &cur, k, deny);
	return r < 0 ? r : TAKE_FD(cur);
}

/* The parent part in w->str[0], from the bases in b: the kernel's own
 * walk when nothing in it needs the target's view (another root, procfs,
 * symlinks, capabilities per inode), else the walk of walk.c. A single
 * name relative to a base ("name", mkdirat(fd, "name")) has the base as
 * its parent: no walk at all. The search permission on it that the walk
 * of "." would check is checked by whatever acts on the parent next: the
 * creation or the probe, which look the name up in it as the kernel's
 * mkdir does first. Not "." or "..": the kernel checks that search
 * permission before it answers EEXIST for them. */
static int open_parent(const struct resolve_in *in, struct walk *w, struct base *b,
		       struct canon *k, const char **deny, bool single)
{
	int fd = -ELOOP;

	if (b->same_root && !creds_per_inode()) {
		if (single && b->fd >= 0)
			return TAKE_FD(b->fd);
		fd = fast_path(b->fd >= 0 ? b->fd : in->self_rootfd, w->str[0]);
		if (fd >= 0)
			canon_walk(k, w->str[0]);
		else if (fd != -ELOOP && fd != -EXDEV && fd != -EAGAIN && fd != -ENOSYS)
			return fd;
	}
	if (fd < 0)
		fd = slow_path(in, w, b, k, deny);
	return fd;
}

int resolve_parent(const struct resolve_in *in, struct resolve_out *out)
{
	struct walk *w = &in->arena->walk;	/* large: no memset per call */
	struct canon k = { .buf = out->resolved, .cap = sizeof(out->resolved) };
	struct base b = { .rootfd = -1, .fd = -1 };
	int fd, r;

	w->links = 0;
	w->steps = 0;
	w->depth = 0;
	out->parentfd = -1;
	out->deny = NULL;
	out->have_resolved = out->have_cwd = false;
	split(in->path, w->str[0], sizeof(w->str[0]), out);
	r = open_bases(in, &b, &k, out);
	fd = r < 0 ? r : open_parent(in, w, &b, &k, &out->deny,
				     !w->str[0][0] && out->type == LAST_NORM);
	base_close(&b, in);
	if (fd < 0)
		return fd;
	canon_push(&k, out->last, strlen(out->last));
	out->have_resolved = !k.bad;
	out->parentfd = fd;
	return 0;
}

/* The nearest of the directory fd and its ancestors that match says yes.
 * Each level is one
 * statx of "..", "../..", ... relative to fd: a result that matches
 * proves that, at that moment, fd lay that many levels below it, which
 * is what an fd-by-fd walk proves too, at a third of the syscalls. A
 * level equal to the one before is the top, and so is top when given
 * (tracerd's own root: one statx less per denied call). Every
 * ANCHOR_LEVELS levels the walk goes on from an fd opened there, so that
 * a deep directory costs in proportion to its depth, not its square: a
 * parent 4 090 levels down took 174 ms with one anchor per PATH_MAX. */
int resolve_nearest(int fd, resolve_match_fn *match, void *arg, const struct ident *top)
{
	_cleanup_close_ int anchor = -1;	/* opened deeper up, once "../.." is too long */
	char up[3 * ANCHOR_LEVELS + 4];
	struct ident id, prev;
	int cur = fd, r;
	size_t len = 0;

	r = ident_live(fd, &id);
	for (unsigned depth = 0; r == 0; depth++) {
		if (match(&id, arg)) {
			r = 1;
			break;
		}
		if (top && ident_eq(&id, top))
			break;	/* r == 0: outside every root */
		if (depth == MAX_DEPTH) {
			r = -ELOOP;
			break;
		}
		if (len >= 3 * ANCHOR_LEVELS) {	/* re-anchor further up */
			r = walk_open(cur, up, O_DIRECTORY | O_NOFOLLOW);
			if (r < 0)
				break;
			fdutil_replace(&anchor, r);
			cur = anchor;
			len = 0;
		}
		memcpy(up + len, len ? "/.." : "..", len ? 4 : 3);
		len += len ? 3 : 2;
		prev = id;
		r = ident_at(cur, up, AT_SYMLINK_NOFOLLOW, &id);
		if (r == 0 && ident_eq(&prev, &id))
			break;	/* the top, outside every root */
	}
	return r;
}

struct root_list {
	const struct ident *roots;
	unsigned n;
};

static bool is_root(const struct ident *id, void *arg)
{
	const struct root_list *l = arg;

	for (unsigned i = 0; i < l->n; i++)
		if (ident_eq(id, &l->roots[i]))
			return true;
	return false;
}

int resolve_within(int fd, const struct ident *roots, unsigned nroots, const struct ident *top)
{
	struct root_list l = { roots, nroots };

	return resolve_nearest(fd, is_root, &l, top);
}
