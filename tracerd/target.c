/* Reading the target. The order that makes it safe: open /proc/TID (the fd
 * pins that task's pid), read memory, then NOTIF_ID_VALID: if the
 * notification is still pending, TID was still our blocked thread when we
 * read, so the fd and the bytes belong to it. Later reads go through the fd. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../common/compat.h"
#include "canon.h"
#include "fdutil.h"
#include "target.h"

#define PAGE 4096UL

bool target_valid(int listener, uint64_t id)
{
	return ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

/* The fallback for kernels without process_vm_readv. */
static ssize_t read_mem(pid_t tid, uint64_t addr, char *buf, size_t len)
{
	_cleanup_close_ int fd = -1;
	char p[32];
	ssize_t n;

	snprintf(p, sizeof(p), "/proc/%d/mem", (int)tid);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, buf, len, (off_t)addr);
	return n < 0 ? -errno : n;
}

/* One process_vm_readv, the remote side split at page boundaries, so that a
 * fault shortens the read at the first unmapped page instead of failing it. */
static ssize_t read_remote(pid_t tid, uint64_t addr, char *buf, size_t len)
{
	struct iovec local = { .iov_base = buf, .iov_len = len };
	struct iovec remote[PATH_MAX / PAGE + 1];
	unsigned n = 0;
	uint64_t a = addr;
	size_t left = len;
	ssize_t r;

	while (left > 0 && n < sizeof(remote) / sizeof(remote[0])) {
		size_t chunk = PAGE - (a & (PAGE - 1));

		if (chunk > left)
			chunk = left;
		remote[n].iov_base = (void *)(uintptr_t)a;
		remote[n++].iov_len = chunk;
		a += chunk;
		left -= chunk;
	}
	r = process_vm_readv(tid, &local, 1, remote, n, 0);
	if (r < 0 && errno == ENOSYS)
		return read_mem(tid, addr, buf, len);
	return r < 0 ? -errno : r;
}

int target_path_check(const char *buf, ssize_t n, size_t cap)
{
	if (n == -EFAULT || n == -EIO || n == 0)
		return -EFAULT;
	if (n == -ESRCH)
		return -ESRCH;
	if (n < 0)
		return -EPERM;
	if (!memchr(buf, '\0', (size_t)n))
		return (size_t)n == cap ? -ENAMETOOLONG : -EFAULT;
	return 0;
}

/* Most paths are short: read up to FIRST_READ bytes (never past the page,
 * so a fault there cannot fail the read), and the rest of PATH_MAX only
 * when no NUL came yet. */
#define FIRST_READ 256UL

int target_read_path(pid_t tid, uint64_t addr, struct target_path *out)
{
	size_t first = PAGE - (addr & (PAGE - 1));
	ssize_t n, more;
	int r;

	if (first > FIRST_READ)
		first = FIRST_READ;
	n = read_remote(tid, addr, out->path, first);
	if (n == (ssize_t)first && !memchr(out->path, '\0', first)) {
		more = read_remote(tid, addr + first, out->path + first, sizeof(out->path) - first);
		if (more > 0)
			n += more;
	}
	r = target_path_check(out->path, n, sizeof(out->path));
	out->ok = r == 0;
	return r;
}

static int cmp_gid(const void *a, const void *b)
{
	gid_t x = *(const gid_t *)a, y = *(const gid_t *)b;

	return x < y ? -1 : x > y;
}

/* Groups into b's array, grown as needed; the count, or -ENOMEM. */
static int parse_groups(const char *s, struct target_buf *b)
{
	unsigned n = 0;
	char *end;

	for (;;) {
		unsigned long g = strtoul(s, &end, 10);

		if (end == s)
			break;
		if (n == b->groups_cap) {
			unsigned cap = b->groups_cap ? 2 * b->groups_cap : 64;
			gid_t *p = reallocarray(b->groups, cap, sizeof(gid_t));

			if (!p)
				return -ENOMEM;
			b->groups = p;
			b->groups_cap = cap;
		}
		b->groups[n++] = (gid_t)g;
		s = end;
	}
	if (n > 1)
		qsort(b->groups, n, sizeof(gid_t), cmp_gid);
	return (int)n;
}

/* Every number on a line into ids (at most TARGET_MAX_PIDNS): the ids in
 * each pid namespace from the reader's down to the task's own. Returns
 * the count; the last one is the innermost. */
static unsigned all_numbers(const char *s, pid_t *ids)
{
	unsigned n = 0;
	char *end;

	for (;;) {
		long x = strtol(s, &end, 10);

		if (end == s || n == TARGET_MAX_PIDNS)
			return n;
		ids[n++] = (pid_t)x;
		s = end;
	}
}

/* The n-th (0-based) decimal number after s, or -1 (also for one that
 * does not fit in 32 bits: no id does). */
static long nth_number(const char *s, const char *end, int n)
{
	long v = -1;

	for (int i = 0; i <= n; i++) {
		while (s < end && (*s < '0' || *s > '9'))
			s++;
		if (s == end)
			return -1;
		for (v = 0; s < end && *s >= '0' && *s <= '9'; s++) {
			v = v * 10 + (*s - '0');
			if (v > 0xffffffffL)
				return -1;
		}
	}
	return v;
}

/* status's Name: is comm with '\n' and '\\' escaped by a backslash
 * (the kernel's proc_task_name); every other byte is as in comm. */
static void parse_name(const char *v, const char *end, char *out, size_t cap)
{
	size_t n = 0;

	if (v < end && *v == '\t')
		v++;
	for (; v < end && n + 1 < cap; v++) {
		if (*v == '\\' && v + 1 < end) {
			v++;
			out[n++] = *v == 'n' ? '\n' : *v;
		} else {
			out[n++] = *v;
		}
	}
	out[n] = '\0';
}

/* Is the key k (klen bytes) of a status line lit? */
#define KEY(lit) (klen == sizeof(lit) - 1 && !memcmp(k, lit, klen))

/* A credentials line of status into cr: 1 for a required key (Uid, Gid,
 * CapEff), 0 for Groups or another key, -1000 when out of memory (more
 * than every key: the status is never complete). */
static int parse_creds(const char *k, size_t klen, const char *v, const char *end,
		       struct creds *cr, struct target_buf *b)
{
	if (KEY("Uid")) {
		cr->fsuid = (uid_t)nth_number(v, end, 3);
		return 1;
	} else if (KEY("Gid")) {
		cr->fsgid = (gid_t)nth_number(v, end, 3);
		return 1;
	} else if (KEY("Groups")) {
		int n = parse_groups(v, b);

		if (n < 0)
			return -1000;
		cr->ngroups = (unsigned)n;
		cr->groups = b->groups;
	} else if (KEY("CapEff")) {
		cr->cap_eff = strtoull(v, NULL, 16);
		return 1;
	}
	return 0;
}

/* Any other line of status: 1 for a required key (Name, Umask, Tgid),
 * stored in f unless f is NULL (tracerd's own status: creds only). */
static int parse_facts(const char *k, size_t klen, const char *v, const char *end,
		       struct target_facts *f)
{
	if (KEY("Name")) {
		if (f)
			parse_name(v, end, f->comm, sizeof(f->comm));
		return 1;
	} else if (KEY("Umask")) {
		if (f)
			f->umask = (mode_t)strtoul(v, NULL, 8);
		return 1;
	} else if (KEY("Tgid")) {
		if (f)
			f->tgid = (pid_t)nth_number(v, end, 0);
		return 1;
	} else if (!f) {
		return 0;
	} else if (KEY("NStgid")) {
		f->nslevels = all_numbers(v, f->nstgid);
	} else if (KEY("NSpid")) {
		/* both lines list the same namespaces */
		if (all_numbers(v, f->nspid) != f->nslevels)
			f->nslevels = 0;
	}
	return 0;
}
#undef KEY

/* Parse the status lines we need, one pass up to CapEff (the last of
 * them); returns how many of the 6 required were found. */
static int parse_status(char *buf, size_t len, struct target_facts *f, struct creds *cr,
			struct target_buf *b)
{
	char *p = buf, *end = buf + len;
	int found = 0;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *colon;

		if (!nl)
			nl = end;
		*nl = '\0';
		colon = memchr(p, ':', (size_t)(nl - p));
		if (colon) {
			size_t klen = (size_t)(colon - p);

			found += parse_creds(p, klen, colon + 1, nl, cr, b) +
				 parse_facts(p, klen, colon + 1, nl, f);
			if (klen == 6 && !memcmp(p, "CapEff", 6))
				break;
		}
		p = nl + 1;
	}
	return found;
}

ssize_t target_read_file(int fd, struct target_buf *b)
{
	for (;;) {
		ssize_t n;
		char *p;

		if (b->status_cap) {
			n = pread(fd, b->status, b->status_cap - 1, 0);
			if (n < 0)
				return -errno;
			if ((size_t)n < b->status_cap - 1) {
				b->status[n] = '\0';
				return n;
			}
		}
		if (b->status_cap >= TARGET_STATUS_MAX)
			return -E2BIG;
		p = realloc(b->status, b->status_cap ? 2 * b->status_cap : 4096);
		if (!p)
			return -ENOMEM;
		b->status = p;
		b->status_cap = b->status_cap ? 2 * b->status_cap : 4096;
	}
}

/* The status of a target (f) or of tracerd itself (f NULL) into cr. */
static int read_status(int statusfd, struct target_facts *f, struct creds *cr,
		       struct target_buf *b)
{
	ssize_t n = target_read_file(statusfd, b);

	memset(cr, 0, sizeof(*cr));
	cr->fsuid = (uid_t)-1;
	if (n < 0)
		return (int)n;
	if (parse_status(b->status, (size_t)n, f, cr, b) != 6)
		return -EPROTO;
	return 0;
}

int target_status(int statusfd, struct target_facts *f, struct target_buf *b)
{
	return read_status(statusfd, f, &f->creds, b);
}

void target_buf_free(struct target_buf *b)
{
	free(b->status);
	free(b->groups);
	memset(b, 0, sizeof(*b));
}

int target_self_creds(struct creds *out, struct target_buf *b)
{
	_cleanup_close_ int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	return read_status(fd, NULL, out, b);
}

static int read_map(int procfd, const char *name, struct idmap *m, struct target_buf *b)
{
	_cleanup_close_ int fd = openat(procfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = target_read_file(fd, b);
	if (n < 0)
		return (int)n;
	return creds_parse_map(b->status, m);
}

int target_userns(int procfd, const char *self_ns, struct creds *cr, struct target_buf *b)
{
	/* a readlink costs 1.4 us here, a statx of the link 3.7 us */
	char ns[48];
	ssize_t n = canon_readlink(procfd, "ns/user", ns, sizeof(ns));
	int r;

	if (n < 0)
		return (int)n;
	cr->foreign_ns = strcmp(ns, self_ns) != 0;
	if (!cr->foreign_ns)
		return 0;
	/* the status text in b is parsed already: b->status is free */
	r = read_map(procfd, "uid_map", &b->uids, b);
	if (r == 0)
		r = read_map(procfd, "gid_map", &b->gids, b);
	cr->uids = &b->uids;
	cr->gids = &b->gids;
	return r;
}

void target_read_facts(int procfd, struct target_facts *f)
{
	(void)canon_readlink(procfd, "exe", f->exe, sizeof(f->exe));
	f->cwd[0] = '\0';
	f->have_cwd = false;
	f->ok = true;
}

void target_cwd(int procfd, struct target_facts *f)
{
	if (f->have_cwd || procfd < 0)
		return;
	(void)canon_readlink(procfd, "cwd", f->cwd, sizeof(f->cwd));
	f->have_cwd = true;
}
