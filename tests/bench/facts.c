/* The "floor + required facts" supervisor's per-call reads (serve.h):
 * what issue 2 makes a correct supervisor learn about the calling thread
 * before it acts and records. Read per call on fds kept per tid:
 * - /proc/TID/status, in full (one pread): Name (comm), Umask, Uid, Gid,
 *   Groups, CapEff;
 * - readlinkat of "exe" and "cwd" on an O_PATH fd of /proc/TID.
 * A kept fd of a thread that died fails (ESRCH, ENOENT) rather than
 * reading another task, so a reused tid is caught by the one retry.
 * The world supervisor (-s world) adds, after the status, the target's
 * root (statx of "root") and, for a capable target, its user namespace
 * (readlinkat of "ns/user"), each compared with our own, taken at start. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "serve.h"

#define STATUS_MAX 8192

#define WORLD_STATX (STATX_INO | STATX_MNT_ID)

/* Our own root and user namespace, once: the world every target must share. */
static int world_init(struct world *w)
{
	struct statx st;
	ssize_t n;

	if (statx(AT_FDCWD, "/", AT_NO_AUTOMOUNT, WORLD_STATX, &st) < 0)
		return -errno;
	if ((st.stx_mask & WORLD_STATX) != WORLD_STATX)
		return -EOPNOTSUPP;
	w->dev = makedev(st.stx_dev_major, st.stx_dev_minor);
	w->ino = (ino_t)st.stx_ino;
	w->mnt_id = st.stx_mnt_id;
	n = readlink("/proc/self/ns/user", w->userns, sizeof(w->userns) - 1);
	if (n < 0)
		return -errno;
	w->userns[n] = '\0';
	return 0;
}

int facts_init(struct serve *s)
{
	s->umask = umask(0);
	(void)umask(s->umask);
	for (unsigned i = 0; i < FACTS_SLOTS; i++)
		s->slot[i] = (struct facts_slot){ .procfd = -1, .statusfd = -1 };
	return s->kind == SERVE_WORLD ? world_init(&s->world) : 0;
}

static void slot_close(struct facts_slot *sl)
{
	if (sl->statusfd >= 0)
		close(sl->statusfd);
	if (sl->procfd >= 0)
		close(sl->procfd);
	*sl = (struct facts_slot){ .procfd = -1, .statusfd = -1 };
}

void facts_forget(struct serve *s, int lfd)
{
	for (unsigned i = 0; i < FACTS_SLOTS; i++)
		if (s->slot[i].tid && s->slot[i].lfd == lfd)
			slot_close(&s->slot[i]);
}

static int slot_open(struct facts_slot *sl, int lfd, pid_t tid)
{
	char p[32];

	slot_close(sl);
	snprintf(p, sizeof(p), "/proc/%d", (int)tid);
	sl->procfd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (sl->procfd < 0)
		return -errno;
	sl->statusfd = openat(sl->procfd, "status", O_RDONLY | O_CLOEXEC);
	if (sl->statusfd < 0) {
		int err = -errno;

		slot_close(sl);
		return err;
	}
	sl->tid = tid;
	sl->lfd = lfd;
	return 0;
}

/* "a\tb\tc\td" or "a b c ..." : up to max unsigned numbers; how many. */
static unsigned parse_ids(const char *p, unsigned *out, unsigned max)
{
	unsigned n = 0;
	char *end;

	while (n < max) {
		unsigned long v = strtoul(p, &end, 10);

		if (end == p)
			break;
		out[n++] = (unsigned)v;
		p = end;
	}
	return n;
}

static void parse_line(char *l, struct facts *f, unsigned *seen)
{
	if (!strncmp(l, "Name:\t", 6)) {
		snprintf(f->comm, sizeof(f->comm), "%s", l + 6);
		*seen |= 1;
	} else if (!strncmp(l, "Umask:\t", 7)) {
		f->umask = (mode_t)strtoul(l + 7, NULL, 8) & 0777;
		*seen |= 2;
	} else if (!strncmp(l, "Uid:\t", 5)) {
		if (parse_ids(l + 5, f->uid, 4) == 4)
			*seen |= 4;
	} else if (!strncmp(l, "Gid:\t", 5)) {
		if (parse_ids(l + 5, f->gid, 4) == 4)
			*seen |= 8;
	} else if (!strncmp(l, "Groups:\t", 8)) {
		f->ngroups = parse_ids(l + 8, f->groups, FACTS_GROUPS);
		*seen |= 16;
	} else if (!strncmp(l, "CapEff:\t", 8)) {
		f->capeff = strtoull(l + 8, NULL, 16);
		*seen |= 32;
	}
}

/* The whole status file, then the lines the rules need. */
static int read_status(int fd, struct facts *f)
{
	char buf[STATUS_MAX];
	unsigned seen = 0;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	char *l, *nl;

	if (n <= 0)
		return n < 0 ? -errno : -ESRCH;
	buf[n] = '\0';
	for (l = buf; (nl = strchr(l, '\n')); l = nl + 1) {
		*nl = '\0';
		parse_line(l, f, &seen);
	}
	return seen == 63 ? 0 : -EPROTO;
}

static int read_link(int dirfd, const char *name, char *out)
{
	ssize_t n = readlinkat(dirfd, name, out, PATH_MAX - 1);

	if (n < 0)
		return -errno;
	out[n] = '\0';
	return 0;
}

/* The target's world: its root directory, and when it has capabilities
 * (they count only in the user namespace that owns them) that namespace.
 * 0, -EPERM when either is not ours, or -errno. */
static int read_world(const struct world *w, int procfd, const struct facts *f)
{
	char ns[sizeof(w->userns)];
	struct statx st;
	ssize_t n;

	if (statx(procfd, "root", AT_NO_AUTOMOUNT, WORLD_STATX, &st) < 0)
		return -errno;
	if ((st.stx_mask & WORLD_STATX) != WORLD_STATX ||
	    makedev(st.stx_dev_major, st.stx_dev_minor) != w->dev ||
	    (ino_t)st.stx_ino != w->ino || st.stx_mnt_id != w->mnt_id)
		return -EPERM;
	if (!f->capeff)
		return 0;
	n = readlinkat(procfd, "ns/user", ns, sizeof(ns) - 1);
	if (n < 0)
		return -errno;
	ns[n] = '\0';
	return strcmp(ns, w->userns) ? -EPERM : 0;
}

static int read_all(const struct serve *s, const struct facts_slot *sl, struct facts *f)
{
	int r = read_status(sl->statusfd, f);

	if (!r && s->kind == SERVE_WORLD)
		r = read_world(&s->world, sl->procfd, f);
	if (!r)
		r = read_link(sl->procfd, "exe", f->exe);
	if (!r)
		r = read_link(sl->procfd, "cwd", f->cwd);
	return r;
}

int facts_read(struct serve *s, int lfd, pid_t tid)
{
	struct facts_slot *sl = &s->slot[(unsigned)tid % FACTS_SLOTS];
	int r;

	if (sl->tid == tid && sl->lfd == lfd) {
		r = read_all(s, sl, &s->facts);
		if (!r)
			return 0;
	}
	/* first sight, another tid in the slot, or a kept fd gone stale */
	r = slot_open(sl, lfd, tid);
	if (!r)
		r = read_all(s, sl, &s->facts);
	if (r < 0) {	/* the record of the failure must not show stale facts */
		strcpy(s->facts.comm, "?");
		strcpy(s->facts.exe, "?");
		strcpy(s->facts.cwd, "?");
	}
	return r;
}

int facts_mkdir(struct serve *s, const char *path, mode_t mode)
{
	if (s->facts.umask != s->umask) {
		(void)umask(s->facts.umask);
		s->umask = s->facts.umask;
	}
	return mkdir(path, mode) < 0 ? errno : 0;
}

void facts_log(struct serve *s, pid_t pid, const char *path, const char *what, int err)
{
	const struct facts *f = &s->facts;
	char line[3 * PATH_MAX + 256];
	int n = snprintf(line, sizeof(line),
			 "pid=%d uid=%u exe=%s comm=%s cwd=%s path=%s decision=%s errno=%d\n",
			 (int)pid, (unsigned)f->uid[3], f->exe, f->comm, f->cwd, path, what, err);

	if (n > (int)sizeof(line))
		n = (int)sizeof(line);
	(void)!write(s->logfd, line, (size_t)n);
}
