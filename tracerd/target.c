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

int target_read_path(struct call *c)
{
	ssize_t n = read_remote(c->tid, c->path_ptr, c->path, sizeof(c->path));
	int r = target_path_check(c->path, n, sizeof(c->path));

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

/* Parse the status lines we need; returns how many of the 5 were found. */
static int parse_status(char *buf, struct call *c, struct creds *cr)
{
	unsigned long u[4];
	int found = 0;

	for (char *line = buf; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (!strncmp(line, "Tgid:", 5)) {
			c->tgid = (pid_t)strtol(line + 5, NULL, 10);
			found++;
		} else if (!strncmp(line, "NStgid:", 7)) {
			c->ns_tgid = (pid_t)last_number(line + 7);
		} else if (!strncmp(line, "NSpid:", 6)) {
			c->ns_tid = (pid_t)last_number(line + 6);
		} else if (!strncmp(line, "Umask:", 6)) {
			c->umask = (mode_t)strtoul(line + 6, NULL, 8);
			found++;
		} else if (!strncmp(line, "Uid:", 4) &&
			   sscanf(line + 4, "%lu %lu %lu %lu", &u[0], &u[1], &u[2], &u[3]) == 4) {
			cr->fsuid = c->fsuid = (uid_t)u[3];
			found++;
		} else if (!strncmp(line, "Gid:", 4) &&
			   sscanf(line + 4, "%lu %lu %lu %lu", &u[0], &u[1], &u[2], &u[3]) == 4) {
			cr->fsgid = (gid_t)u[3];
			found++;
		} else if (!strncmp(line, "Groups:", 7)) {
			parse_groups(line + 7, cr);
		} else if (!strncmp(line, "CapEff:", 7)) {
			cr->cap_eff = strtoull(line + 7, NULL, 16);
			found++;
		}
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
	if (parse_status(buf, c, out) != 5)
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

void target_facts(int procfd, int commfd, struct call *c)
{
	ssize_t n;

	n = commfd >= 0 ? pread(commfd, c->comm, sizeof(c->comm) - 1, 0) : -1;
	if (n > 0 && c->comm[n - 1] == '\n')
		n--;
	c->comm[n > 0 ? n : 0] = '\0';
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
