/* The component walk: O_PATH|O_NOFOLLOW one component at a time, holding
 * an fd at every step (so a rename or a symlink swap meanwhile cannot
 * redirect what was checked). Symlinks are read and spliced by hand:
 * absolute ones restart at the target's root, ".." at the target's root
 * stays there, 40 links give ELOOP. In procfs, self and thread-self mean
 * the target, and a magic link is followed only under the target's own
 * /proc/PID. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "../common/compat.h"
#include "walk.h"

#define MAX_LINKS 40

void canon_set(struct canon *k, const char *s)
{
	size_t n = strlen(s);

	k->bad = n >= k->cap;
	k->len = k->bad ? 0 : n;
	if (!k->bad)
		memcpy(k->buf, s, n + 1);
}

/* Apply one component lexically: valid for the canonical path because each
 * component was, or will be, really walked. */
void canon_push(struct canon *k, const char *s, size_t n)
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

void canon_walk(struct canon *k, const char *p)
{
	while (*p) {
		size_t n = strcspn(p, "/");

		canon_push(k, p, n);
		p += n;
		p += strspn(p, "/");
	}
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

/* Push a link body (len bytes at str[depth], already there) on the stack:
 * it is walked before the rest of the string below it, as the kernel does. */
static int push(struct walk *w)
{
	w->pos[w->depth] = w->str[w->depth];
	w->depth++;
	return 0;
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
	close(*cur);
	*cur = fd;
	canon_push(k, "..", 2);
	return 0;
}

/* procfs: "self" and "thread-self" at its top mean the target. They are
 * symlinks there, so they count as links and are walked like one. */
static int proc_self(struct walk *w, const char *name)
{
	char *body;
	int r;

	if (strcmp(name, "self") && strcmp(name, "thread-self"))
		return 0;
	r = room(w);
	if (r < 0)
		return r;
	body = w->str[w->depth];
	if (!strcmp(name, "self"))
		snprintf(body, PATH_MAX, "%d", (int)w->in->ns_tgid);
	else
		snprintf(body, PATH_MAX, "%d/task/%d", (int)w->in->ns_tgid, (int)w->in->ns_tid);
	push(w);
	return 1;
}

/* A magic link under /proc/PID: followed only for the target itself, by
 * opening it; the identity rule then judges wherever it leads. */
static int follow_magic(struct walk *w, int *cur, int linkfd, const char *name,
			long proc_pid, struct canon *k, const char **deny)
{
	char seen[PATH_MAX];
	struct stat st;
	ssize_t n;
	int fd;

	if (proc_pid != w->in->ns_tgid && proc_pid != w->in->ns_tid) {
		*deny = "magic link of another process";
		return -EPERM;
	}
	fd = walk_open(*cur, name, 0);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		close(fd);
		return -ENOTDIR;
	}
	n = readlinkat(linkfd, "", seen, sizeof(seen) - 1);
	seen[n > 0 ? n : 0] = '\0';
	if (seen[0] == '/')
		canon_set(k, seen);
	else
		k->bad = true;
	close(*cur);
	*cur = fd;
	return 0;
}

/* A symlink met during the walk: its body is walked next. */
static int follow_link(struct walk *w, int *cur, int linkfd, struct canon *k)
{
	char *body = w->str[w->depth];
	ssize_t n = readlinkat(linkfd, "", body, PATH_MAX - 1);

	if (n < 0)
		return -errno;
	body[n] = '\0';
	if (body[0] == '/') {
		int fd = fcntl(w->rootfd, F_DUPFD_CLOEXEC, 3);

		if (fd < 0)
			return -errno;
		close(*cur);
		*cur = fd;
		canon_set(k, "/");
	}
	return push(w);
}

/* One normal component: a directory becomes cur, a link is followed. */
static int step(struct walk *w, int *cur, const char *name, long proc_pid, bool in_proc,
		struct canon *k, const char **deny)
{
	struct stat st;
	int fd = walk_open(*cur, name, O_NOFOLLOW), r;

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
	} else if ((r = room(w)) < 0) {
		/* ELOOP */
	} else if (in_proc) {
		r = follow_magic(w, cur, fd, name, proc_pid, k, deny);
	} else {
		r = follow_link(w, cur, fd, k);
	}
	close(fd);
	return r;
}

/* Walk w->str[0] from *cur. On success *cur is the parent directory. */
int walk(struct walk *w, int *cur, struct canon *k, const char **deny)
{
	char name[NAME_MAX + 2];
	long proc_pid = -1;
	int n, r;

	w->depth = 0;
	push(w);
	while ((n = next(w, name)) > 0) {
		bool top = false, in_proc;

		if (!strcmp(name, "."))
			continue;
		if (!strcmp(name, "..")) {
			r = step_up(w, cur, k);
			if (r < 0)
				return r;
			continue;
		}
		in_proc = is_procfs(*cur, &top);
		if (in_proc && top) {
			r = proc_self(w, name);
			if (r < 0)
				return r;
			if (r > 0)
				continue;
			proc_pid = strtol(name, NULL, 10);
		}
		r = step(w, cur, name, proc_pid, in_proc && !top, k, deny);
		if (r < 0)
			return r;
	}
	return n;
}
