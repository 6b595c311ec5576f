/* The component walk: O_PATH|O_NOFOLLOW one component at a time, holding
 * an fd at every step (so a rename or a symlink swap meanwhile cannot
 * redirect what was checked). Symlinks are read and spliced by hand:
 * absolute ones restart at the target's root, ".." at the target's root
 * stays there, 40 links give ELOOP. In procfs, self and thread-self mean
 * the target as that procfs instance numbers it, and a magic link is
 * followed only under the target's own /proc/N.
 *
 * Every lookup is made with the target's credentials, and with the
 * capabilities of its user namespace only on directories that map into
 * it; only inside the target's own /proc/N (where the kernel lets a
 * process do anything to itself) does tracerd look up as itself. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "../common/compat.h"
#include "canon.h"
#include "fdutil.h"
#include "walk.h"

#define MAX_LINKS 40

/* Act as tracerd (self) or as the target for the next lookup in cur. */
static int act(struct walk *w, bool self, int cur)
{
	int r;

	if (self && !w->suspended) {
		w->adopted = creds_suspend(w->self);
		w->suspended = true;
	} else if (!self && w->suspended) {
		w->suspended = false;
		r = creds_resume(w->adopted);
		if (r < 0)
			return -EPERM;
	}
	return self ? 0 : creds_for_dir(cur) < 0 ? -EPERM : 0;
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

int walk_open(int dirfd, const char *name, int flags)
{
	int fd = openat(dirfd, name, O_PATH | O_CLOEXEC | flags);

	return fd < 0 ? -errno : fd;
}

int walk_open_dir(int dirfd, const char *name)
{
	_cleanup_close_ int fd = walk_open(dirfd, name, 0);
	struct stat st;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode))
		return -ENOTDIR;
	return TAKE_FD(fd);
}

/* Push a link body (len bytes at str[depth], already there) on the stack:
 * it is walked before the rest of the string below it, as the kernel does. */
static void push(struct walk *w)
{
	w->pos[w->depth] = w->str[w->depth];
	w->depth++;
}

/* Room for one more string? A link count past 40 is ELOOP anyway. */
static int room(struct walk *w)
{
	if (++w->links > MAX_LINKS || w->depth >= WALK_DEPTH)
		return -ELOOP;
	return 0;
}

/* The next component, popping the strings that are done. 0 at the end,
 * its length, or -ENAMETOOLONG. */
static int next(struct walk *w, char name[NAME_MAX + 2])
{
	for (;;) {
		const char *p = w->pos[w->depth - 1];
		size_t n;

		p += strspn(p, "/");
		if (!*p) {
			w->pos[w->depth - 1] = p;
			if (w->depth == 1)
				return 0;
			w->depth--;
			continue;
		}
		n = strcspn(p, "/");
		w->pos[w->depth - 1] = p + n;
		if (n > NAME_MAX)
			return -ENAMETOOLONG;
		memcpy(name, p, n);
		name[n] = '\0';
		return (int)n;
	}
}

static int step_up(struct walk *w, int *cur, struct canon *k)
{
	struct ident id;
	int r = ident_at(*cur, "", AT_EMPTY_PATH, &id), fd;

	if (r < 0)
		return r;
	if (ident_eq(&id, &w->root))	/* ".." at the target's root stays */
		return 0;
	fd = walk_open(*cur, "..", O_DIRECTORY | O_NOFOLLOW);
	if (fd < 0)
		return fd;
	fdutil_replace(cur, fd);
	w->in_target_proc = false;	/* up to the top of procfs at most */
	canon_push(k, "..", 2);
	return 0;
}

/* procfs: "self" and "thread-self" at its top mean the target, as this
 * instance numbers it. They are symlinks there, so they count as links
 * and are walked like one. 1 when pushed, 0 for another name. */
static int proc_self(struct walk *w, int top, const char *name, const char **deny)
{
	bool thread = !strcmp(name, "thread-self");
	int r;

	if (!thread && strcmp(name, "self"))
		return 0;
	r = room(w);
	if (r == 0)
		r = act(w, true, top);
	if (r == 0)
		r = procid_self(&w->proc, top, thread, w->str[w->depth], PATH_MAX);
	if (r == -EPERM)
		*deny = "procfs of a pid namespace above tracerd's";
	if (r < 0)
		return r;
	push(w);
	return 1;
}

/* A magic link under /proc/N: followed only for the target itself, by
 * opening it as tracerd (the kernel lets a process open its own); the
 * identity rule then judges wherever it leads. */
static int follow_magic(struct walk *w, int *cur, const char *name, struct canon *k,
			const char **deny)
{
	int fd;

	if (!w->in_target_proc) {
		*deny = "magic link of another process";
		return -EPERM;
	}
	fd = walk_open_dir(*cur, name);
	if (fd < 0)
		return fd;
	canon_fd(k, fd, w->root_seen);
	fdutil_replace(cur, fd);
	w->in_target_proc = false;
	return 0;
}

/* A symlink met during the walk: its body is walked next. */
static int follow_link(struct walk *w, int *cur, int linkfd, struct canon *k)
{
	char *body = w->str[w->depth];
	ssize_t n = canon_readlink(linkfd, "", body, PATH_MAX);

	if (n < 0)
		return (int)n;
	if (body[0] == '/') {
		int fd = fcntl(w->rootfd, F_DUPFD_CLOEXEC, 3);

		if (fd < 0)
			return -errno;
		fdutil_replace(cur, fd);
		w->in_target_proc = false;
		canon_set(k, "/");
	}
	push(w);
	return 0;
}

/* One normal component: a directory becomes cur, a link is followed.
 * proc_top: cur is the top of a procfs, whose numeric entries are the
 * processes (is this one the target?). */
static int step(struct walk *w, int *cur, const char *name, bool in_proc, bool proc_top,
		struct canon *k, const char **deny)
{
	_cleanup_close_ int fd = walk_open(*cur, name, O_NOFOLLOW);
	struct stat st;
	int r;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode)) {
		if (proc_top) {
			r = act(w, true, fd);
			r = r < 0 ? r : procid_is_target(&w->proc, fd);
			if (r < 0)
				return r;
			w->in_target_proc = r > 0;
		}
		fdutil_replace(cur, TAKE_FD(fd));
		canon_push(k, name, strlen(name));
		return 0;
	}
	if (!S_ISLNK(st.st_mode))
		return -ENOTDIR;
	r = room(w);
	if (r < 0)
		return r;
	if (in_proc && !proc_top)
		return follow_magic(w, cur, name, k, deny);
	return follow_link(w, cur, fd, k);
}

/* Walk w->str[0] from *cur. On success *cur is the parent directory. */
static int walk_steps(struct walk *w, int *cur, struct canon *k, const char **deny)
{
	char name[NAME_MAX + 2];
	int n, r;

	w->depth = 0;
	push(w);
	while ((n = next(w, name)) > 0) {
		bool top = false, in_proc;

		if (++w->steps > WALK_MAX_STEPS)
			return -E2BIG;
		if (!strcmp(name, "."))
			continue;
		r = act(w, w->in_target_proc, *cur);
		if (r < 0)
			return r;
		if (!strcmp(name, "..")) {
			r = step_up(w, cur, k);
			if (r < 0)
				return r;
			continue;
		}
		in_proc = is_procfs(*cur, &top);
		if (in_proc && top) {
			r = proc_self(w, *cur, name, deny);
			if (r < 0)
				return r;
			if (r > 0)
				continue;
		}
		r = step(w, cur, name, in_proc, in_proc && top, k, deny);
		if (r < 0)
			return r;
	}
	return n;
}

int walk(struct walk *w, int *cur, struct canon *k, const char **deny)
{
	int r = walk_steps(w, cur, k, deny);
	int back = act(w, false, *cur);

	return r < 0 ? r : back;
}
