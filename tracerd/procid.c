/* The target in a procfs instance, by identity: a /proc/N directory is
 * the target's process when the task's pid namespace (ns/pid) is the
 * target's and its innermost tgid (the last of status's NStgid, which
 * every instance shows) is the target's. Pid numbers are unique within a
 * namespace, so the two together name one live process. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdutil.h"
#include "procid.h"

/* The last number on status's NStgid: line, or -1. */
static long innermost_tgid(const char *status)
{
	const char *l = strstr(status, "\nNStgid:");
	long v = -1;
	char *end;

	if (!l)
		return -1;
	l += 8;
	for (;;) {
		long x = strtol(l, &end, 10);

		if (end == l || *l == '\n')
			return v;
		v = x;
		l = end;
	}
}

static int read_innermost(struct procid *p, int dirfd, long *tgid)
{
	struct target_buf local = { 0 }, *b = p->scratch ? p->scratch : &local;
	_cleanup_close_ int fd = openat(dirfd, "status", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = target_read_file(fd, b);
	*tgid = n < 0 ? -1 : innermost_tgid(b->status);
	if (b == &local)
		target_buf_free(&local);
	return n < 0 ? (int)n : 0;
}

int procid_is_target(struct procid *p, int dirfd)
{
	struct ident ns;
	long tgid;
	int r;

	if (!p->have_pidns) {
		r = ident_at(p->procfd, "ns/pid", 0, &p->pidns);
		if (r < 0)
			return r;
		p->have_pidns = true;
	}
	r = ident_at(dirfd, "ns/pid", 0, &ns);
	if (r == -ENOENT || r == -EACCES || r == -EPERM)
		return 0;	/* gone, or not ours to read: not the target */
	if (r < 0)
		return r;
	if (!ident_eq(&ns, &p->pidns))
		return 0;
	r = read_innermost(p, dirfd, &tgid);
	if (r < 0)
		return r == -ENOENT || r == -ESRCH ? 0 : r;
	return p->nslevels && tgid == p->nstgid[p->nslevels - 1];
}

int procid_self(struct procid *p, int topfd, bool thread, char *body, size_t cap)
{
	char name[16], mine[32];

	for (unsigned i = 0; i < p->nslevels; i++) {
		_cleanup_close_ int fd = -1;
		int r;

		snprintf(name, sizeof(name), "%d", (int)p->nstgid[i]);
		fd = openat(topfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		r = procid_is_target(p, fd);
		if (r < 0)
			return r;
		if (r == 0)
			continue;
		if (thread)
			snprintf(body, cap, "%d/task/%d", (int)p->nstgid[i], (int)p->nspid[i]);
		else
			snprintf(body, cap, "%d", (int)p->nstgid[i]);
		return 0;
	}
	/* tracerd itself is in that instance: its namespace is tracerd's (the
	 * target would have been found) or one above, where the target's pid
	 * is not known to tracerd */
	if (readlinkat(topfd, "self", mine, sizeof(mine)) > 0)
		return -EPERM;
	return -ENOENT;
}
