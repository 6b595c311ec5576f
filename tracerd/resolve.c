/* Resolution for the target.
 *
 * Fast path: the target shares tracerd's mount namespace and root (its
 * /proc/TID/root has our root's mount id, dev and ino; a mount belongs to
 * one namespace only), so one openat2(RESOLVE_NO_SYMLINKS) of the parent
 * from our "/" or from the target's cwd/dirfd resolves exactly as the
 * kernel would for it. Any symlink on the way (ELOOP), or another root:
 * the walk below, component by component with O_PATH|O_NOFOLLOW, symlinks
 * read and spliced by hand (absolute ones restart at the target's root,
 * ".." at the target's root stays there, 40 links -> ELOOP), and procfs's
 * self/thread-self meaning the target. Every step holds an fd, so a rename
 * or a symlink swap during the walk cannot redirect what was checked. */
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

#define MAX_LINKS 40
#define MAX_DEPTH 4096

struct canon {
	char *buf;
	size_t len, cap;
	bool bad;
};

struct walk {
	const struct resolve_in *in;
	int rootfd;
	struct ident root;
	int links;
	char rest[3 * PATH_MAX];	/* the part still to walk */
	char link[PATH_MAX];
};

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

static void canon_set(struct canon *k, const char *s)
{
	size_t n = strlen(s);

	k->bad = n >= k->cap;
	k->len = k->bad ? 0 : n;
	if (!k->bad)
		memcpy(k->buf, s, n + 1);
}

/* Apply one component lexically: valid for the canonical path because each
 * component was, or will be, really walked. */
static void canon_push(struct canon *k, const char *s, size_t n)
{
	if (k->bad || n == 0 || (n == 1 && s[0] == '.'))
		return;
	if (n == 2 && s[0] == '.' && s[1] == '.') {
		while (k->len > 1 && k->buf[k->len - 1] != '/')
			k->len--;
		if (k->len > 1)
			k->len--;
		k->buf[k->len] = '\0';
		return;
	}
	if (k->len + n + 2 >= k->cap) {
		k->bad = true;
		return;
	}
	if (k->len != 1 || k->buf[0] != '/')
		k->buf[k->len++] = '/';
	memcpy(k->buf + k->len, s, n);
	k->len += n;
	k->buf[k->len] = '\0';
}

static void canon_walk(struct canon *k, const char *p)
{
	while (*p) {
		size_t n = strcspn(p, "/");

		canon_push(k, p, n);
		p += n;
		p += strspn(p, "/");
	}
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

static bool is_procfs(int fd, bool *is_top)
{
	struct statfs sf;
	struct stat st;

	if (fstatfs(fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)
		return false;
	*is_top = fstat(fd, &st) == 0 && st.st_ino == 1;
	return true;
}

static int openat_path(int dirfd, const char *name, int flags)
{
	int fd = openat(dirfd, name, O_PATH | O_CLOEXEC | flags);

	return fd < 0 ? -errno : fd;
}

/* Replace rest with link + "/" + rest. */
static int walk_splice(struct walk *w, const char *remaining)
{
	char tmp[sizeof(w->rest)];
	int n = snprintf(tmp, sizeof(tmp), "%s/%s", w->link, remaining);

	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(w->rest, tmp, (size_t)n + 1);
	return 0;
}

static int step_up(struct walk *w, int *cur, struct canon *k)
{
	struct ident id;
	int r = ident_at(*cur, "", AT_EMPTY_PATH, &id), fd;

	if (r < 0)
		return r;
	if (ident_eq(&id, &w->root))	/* ".." at the target's root stays */
		return 0;
	fd = openat_path(*cur, "..", O_DIRECTORY | O_NOFOLLOW);
	if (fd < 0)
		return fd;
	close(*cur);
	*cur = fd;
	canon_push(k, "..", 2);
	return 0;
}

/* procfs: "self" and "thread-self" at its top mean the target. They are
 * symlinks there, so they count as links and splice like one. */
static int proc_self(struct walk *w, const char *name, const char *remaining)
{
	if (!strcmp(name, "self"))
		snprintf(w->link, sizeof(w->link), "%d", (int)w->in->ns_tgid);
	else if (!strcmp(name, "thread-self"))
		snprintf(w->link, sizeof(w->link), "%d/task/%d", (int)w->in->ns_tgid,
			 (int)w->in->ns_tid);
	else
		return 0;
	if (++w->links > MAX_LINKS)
		return -ELOOP;
	return walk_splice(w, remaining) < 0 ? -ENAMETOOLONG : 1;
}

/* A magic link under /proc/PID: followed only for the target itself, by
 * opening it; the identity rule then judges wherever it leads. */
static int follow_magic(struct walk *w, int *cur, int linkfd, const char *name,
			long proc_pid, struct canon *k, const char **deny)
{
	struct stat st;
	ssize_t n;
	int fd;

	if (proc_pid != w->in->ns_tgid && proc_pid != w->in->ns_tid) {
		*deny = "magic link of another process";
		return -EPERM;
	}
	fd = openat_path(*cur, name, 0);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		close(fd);
		return -ENOTDIR;
	}
	n = readlinkat(linkfd, "", w->link, sizeof(w->link) - 1);
	w->link[n > 0 ? n : 0] = '\0';
	if (w->link[0] == '/')
		canon_set(k, w->link);
	else
		k->bad = true;
	close(*cur);
	*cur = fd;
	return 0;
}

/* A symlink met during the walk: splice its body in front of the rest. */
static int follow_link(struct walk *w, int *cur, int linkfd, const char *remaining,
		       struct canon *k)
{
	ssize_t n = readlinkat(linkfd, "", w->link, sizeof(w->link) - 1);

	if (n < 0)
		return -errno;
	w->link[n] = '\0';
	if (w->link[0] == '/') {
		int fd = fcntl(w->rootfd, F_DUPFD_CLOEXEC, 3);

		if (fd < 0)
			return -errno;
		close(*cur);
		*cur = fd;
		canon_set(k, "/");
	}
	return walk_splice(w, remaining);
}

/* One normal component: a directory becomes cur, a link is followed. */
static int step(struct walk *w, int *cur, const char *name, char **p, long proc_pid,
		bool in_proc, struct canon *k, const char **deny)
{
	struct stat st;
	int fd = openat_path(*cur, name, O_NOFOLLOW), r;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0) {
		r = -errno;
	} else if (S_ISDIR(st.st_mode)) {
		close(*cur);
		*cur = fd;
		canon_push(k, name, strlen(name));
		return 0;
	} else if (!S_ISLNK(st.st_mode)) {
		r = -ENOTDIR;
	} else if (++w->links > MAX_LINKS) {
		r = -ELOOP;
	} else if (in_proc) {
		r = follow_magic(w, cur, fd, name, proc_pid, k, deny);
	} else {
		r = follow_link(w, cur, fd, *p, k);
		if (r == 0)
			*p = w->rest;
	}
	close(fd);
	return r;
}

/* Walk w->rest from *cur. On success *cur is the parent directory. */
static int walk(struct walk *w, int *cur, struct canon *k, const char **deny)
{
	char name[NAME_MAX + 2];
	char *p = w->rest;
	long proc_pid = -1;
	int r;

	while (*p) {
		size_t n = strcspn(p, "/");
		bool top = false, in_proc;

		if (n > NAME_MAX)
			return -ENAMETOOLONG;
		memcpy(name, p, n);
		name[n] = '\0';
		p += n;
		p += strspn(p, "/");
		if (n == 0 || !strcmp(name, "."))
			continue;
		if (!strcmp(name, "..")) {
			r = step_up(w, cur, k);
			if (r < 0)
				return r;
			continue;
		}
		in_proc = is_procfs(*cur, &top);
		if (in_proc && top) {
			r = proc_self(w, name, p);
			if (r < 0)
				return r;
			if (r > 0) {
				p = w->rest;
				continue;
			}
			proc_pid = strtol(name, NULL, 10);
		}
		r = step(w, cur, name, &p, proc_pid, in_proc && !top, k, deny);
		if (r < 0)
			return r;
	}
	return 0;
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
		fd = openat_path(in->procfd, "cwd", O_DIRECTORY);
		canon_base(in->procfd, c->cwd, same_root, k);
		return fd < 0 ? -EPERM : fd;
	}
	if (c->dirfd < 0)
		return -EBADF;
	snprintf(name, sizeof(name), "fd/%d", c->dirfd);
	fd = openat_path(in->procfd, name, 0);
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
		w->rootfd = openat_path(w->in->procfd, "root", O_DIRECTORY);
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
	struct walk w = { .in = in };
	struct canon k = { .buf = c->resolved, .cap = sizeof(c->resolved) };
	bool absolute = c->path[0] == '/', same_root;
	int fd = -1, r;

	out->parentfd = -1;
	out->deny = NULL;
	c->have_resolved = false;
	split(c->path, w.rest, sizeof(w.rest), out);
	r = ident_at(in->procfd, "root", 0, &w.root);
	if (r < 0)
		return -EPERM;
	same_root = ident_eq(&w.root, &in->self_root);
	if (same_root) {
		int base = absolute ? in->self_rootfd : open_base(in, c, true, &k);

		if (base < 0)
			return base;
		fd = fast_path(base, w.rest);
		if (!absolute)
			close(base);
		else
			canon_set(&k, "/");
		if (fd >= 0)
			canon_walk(&k, w.rest);
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

int resolve_within(int fd, const struct ident *roots, unsigned nroots)
{
	struct ident id, prev;
	int cur = fd, r;

	r = ident_at(fd, "", AT_EMPTY_PATH, &id);
	for (unsigned depth = 0; r == 0; depth++) {
		int up;

		if (is_root(&id, roots, nroots)) {
			r = 1;
			break;
		}
		if (depth == MAX_DEPTH) {
			r = -ELOOP;
			break;
		}
		up = openat_path(cur, "..", O_DIRECTORY | O_NOFOLLOW);
		if (cur != fd)
			close(cur);
		cur = up;
		if (up < 0) {
			r = up;
			break;
		}
		prev = id;
		r = ident_at(cur, "", AT_EMPTY_PATH, &id);
		if (r == 0 && ident_eq(&prev, &id))
			break;	/* the top, outside every root */
	}
	if (cur != fd && cur >= 0)
		close(cur);
	return r;
}
