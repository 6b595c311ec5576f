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
#include "target.h"

#define PAGE 4096UL

bool target_valid(int listener, uint64_t id)
{
	return ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

/* The fallback for kernels without process_vm_readv. */
static ssize_t read_mem(pid_t tid, uint64_t addr, char *buf, size_t len)
{
	char p[32];
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "/proc/%d/mem", (int)tid);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, buf, len, (off_t)addr);
	if (n < 0)
		n = -errno;
	close(fd);
	return n;
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

int target_read_path(struct call *c)
{
	size_t first = PAGE - (c->path_ptr & (PAGE - 1));
	ssize_t n, more;
	int r;

	if (first > FIRST_READ)
		first = FIRST_READ;
	n = read_remote(c->tid, c->path_ptr, c->path, first);
	if (n == (ssize_t)first && !memchr(c->path, '\0', first)) {
		more = read_remote(c->tid, c->path_ptr + first, c->path + first,
				   sizeof(c->path) - first);
		if (more > 0)
			n += more;
	}
	r = target_path_check(c->path, n, sizeof(c->path));

	c->path_ok = r == 0;
	return r;
}

static int cmp_gid(const void *a, const void *b)
{
	gid_t x = *(const gid_t *)a, y = *(const gid_t *)b;

	return x < y ? -1 : x > y;
}

static void parse_groups(const char *s, struct creds *cr)
{
	char *end;

	cr->ngroups = 0;
	for (;;) {
		unsigned long g = strtoul(s, &end, 10);

		if (end == s)
			break;
		if (cr->ngroups == TARGET_MAX_GROUPS) {
			cr->groups_overflow = true;
			break;
		}
		cr->groups[cr->ngroups++] = (gid_t)g;
		s = end;
	}
	qsort(cr->groups, cr->ngroups, sizeof(gid_t), cmp_gid);
}

/* The last of the numbers on a line: the id in the innermost namespace. */
static long last_number(const char *s)
{
	long v = -1;
	char *end;

	for (;;) {
		long x = strtol(s, &end, 10);

		if (end == s)
			return v;
		v = x;
		s = end;
	}
}

/* The n-th (0-based) decimal number after s, or -1. */
static long nth_number(const char *s, const char *end, int n)
{
	long v = -1;

	for (int i = 0; i <= n; i++) {
		while (s < end && (*s < '0' || *s > '9'))
			s++;
		if (s == end)
			return -1;
		for (v = 0; s < end && *s >= '0' && *s <= '9'; s++)
			v = v * 10 + (*s - '0');
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

/* One "Key:\tvalue" line of status; returns 1 for each required key. */
static int parse_line(const char *k, size_t klen, const char *v, const char *end,
		      struct call *c, struct creds *cr)
{
#define KEY(lit) (klen == sizeof(lit) - 1 && !memcmp(k, lit, klen))
	if (KEY("Name")) {
		parse_name(v, end, c->comm, sizeof(c->comm));
		return 1;
	} else if (KEY("Umask")) {
		c->umask = (mode_t)strtoul(v, NULL, 8);
		return 1;
	} else if (KEY("Tgid")) {
		c->tgid = (pid_t)nth_number(v, end, 0);
		return 1;
	} else if (KEY("Uid")) {
		cr->fsuid = c->fsuid = (uid_t)nth_number(v, end, 3);
		return 1;
	} else if (KEY("Gid")) {
		cr->fsgid = (gid_t)nth_number(v, end, 3);
		return 1;
	} else if (KEY("Groups")) {
		parse_groups(v, cr);
	} else if (KEY("NStgid")) {
		c->ns_tgid = (pid_t)last_number(v);
	} else if (KEY("NSpid")) {
		c->ns_tid = (pid_t)last_number(v);
	} else if (KEY("CapEff")) {
		cr->cap_eff = strtoull(v, NULL, 16);
		return 1;
	}
	return 0;
#undef KEY
}

/* Parse the status lines we need, one pass up to CapEff (the last of
 * them); returns how many of the 6 required were found. */
static int parse_status(char *buf, size_t len, struct call *c, struct creds *cr)
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
			found += parse_line(p, (size_t)(colon - p), colon + 1, nl, c, cr);
			if (colon - p == 6 && !memcmp(p, "CapEff", 6))
				break;
		}
		p = nl + 1;
	}
	return found;
}

int target_status(int statusfd, struct call *c, struct creds *out)
{
	char buf[4096];
	ssize_t n = pread(statusfd, buf, sizeof(buf) - 1, 0);

	memset(out, 0, sizeof(*out));
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (parse_status(buf, (size_t)n, c, out) != 6)
		return -EPROTO;
	return 0;
}

int target_self_creds(struct creds *out)
{
	struct call c;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -errno;
	r = target_status(fd, &c, out);
	close(fd);
	return r;
}

void target_facts(int procfd, struct call *c)
{
	ssize_t n;

	n = readlinkat(procfd, "exe", c->exe, sizeof(c->exe) - 1);
	c->exe[n > 0 ? n : 0] = '\0';
	n = readlinkat(procfd, "cwd", c->cwd, sizeof(c->cwd) - 1);
	c->cwd[n > 0 ? n : 0] = '\0';
	c->have_facts = true;
}

bool creds_equal(const struct creds *a, const struct creds *b)
{
	return a->fsuid == b->fsuid && a->fsgid == b->fsgid && a->cap_eff == b->cap_eff &&
	       !a->groups_overflow && !b->groups_overflow && a->ngroups == b->ngroups &&
	       !memcmp(a->groups, b->groups, a->ngroups * sizeof(gid_t));
}
