/* The floor and seed-style supervisors of the bench (see serve.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../../common/compat.h"
#include "../../common/syscalls.h"
#include "../../common/wire.h"
#include "../../shim/filter.h"
#include "serve.h"

int serve_init(struct serve *s, enum serve_kind kind, const char *log, const char *prefix)
{
	struct seccomp_notif_sizes sz;

	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->prefix = prefix;
	s->prefix_len = strlen(prefix);
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0)
		return -errno;
	s->req_size = sz.seccomp_notif > sizeof(*s->req) ? sz.seccomp_notif : sizeof(*s->req);
	s->resp_size = sz.seccomp_notif_resp > sizeof(*s->resp) ?
		       sz.seccomp_notif_resp : sizeof(*s->resp);
	s->req = calloc(1, s->req_size);
	s->resp = calloc(1, s->resp_size);
	if (!s->req || !s->resp)
		return -ENOMEM;
	if (serve_reads_facts(s)) {
		int r = facts_init(s);

		if (r < 0)
			return r;
	}
	s->logfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	return s->logfd < 0 ? -errno : 0;
}

int serve_attach(int sock)
{
	struct sock_filter insn[FILTER_MAX_INSNS];
	struct sock_fprog prog = { .filter = insn };
	int n = filter_build(insn, FILTER_MAX_INSNS), r;
	long fd;

	if (n < 0)
		return n;
	prog.len = (unsigned short)n;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		     SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
		     &prog);
	if (fd < 0)
		return -errno;
	r = wire_send(sock, "L", 1, (int)fd);
	close((int)fd);
	return r;
}

int serve_listener(struct serve *s, int lfd)
{
	if (s->kind != SERVE_FLOOR && !serve_reads_facts(s))
		return 0;
	if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) < 0)
		return -errno;
	return 0;
}

/* The floor's read: one process_vm_readv up to the end of the page, more
 * only when no NUL came. */
static int read_vm(pid_t pid, uint64_t addr, char *buf, size_t cap)
{
	size_t got = 0;

	while (got < cap) {
		size_t chunk = 4096 - ((addr + got) & 4095);
		struct iovec l, r;
		ssize_t n;

		if (chunk > cap - got)
			chunk = cap - got;
		l = (struct iovec){ buf + got, chunk };
		r = (struct iovec){ (void *)(uintptr_t)(addr + got), chunk };
		n = process_vm_readv(pid, &l, 1, &r, 1, 0);
		if (n <= 0)
			return n < 0 ? -errno : -EFAULT;
		if (memchr(buf + got, '\0', (size_t)n))
			return 0;
		got += (size_t)n;
	}
	return -ENAMETOOLONG;
}

/* The seed's read: its own /proc/PID/mem fd per call, PATH_MAX bytes. */
static int read_mem(pid_t pid, uint64_t addr, char *buf, size_t cap)
{
	char proc[32];
	ssize_t n;
	int fd, err = 0;

	snprintf(proc, sizeof(proc), "/proc/%d/mem", (int)pid);
	fd = open(proc, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (lseek(fd, (off_t)addr, SEEK_SET) < 0)
		err = -errno;
	else if ((n = read(fd, buf, cap)) <= 0)
		err = n < 0 ? -errno : -EFAULT;
	else if (!memchr(buf, '\0', (size_t)n))
		err = -ENAMETOOLONG;
	close(fd);
	return err;
}

static int allowed(const struct serve *s, const char *path)
{
	return !strncmp(path, s->prefix, s->prefix_len) && path[s->prefix_len] == '/';
}

static void log_line(struct serve *s, pid_t pid, const char *path, const char *what, int err)
{
	char line[PATH_MAX + 128];
	int n;

	if (serve_reads_facts(s)) {
		facts_log(s, pid, path, what, err);
		return;
	}
	n = snprintf(line, sizeof(line), "pid=%d decision=%s errno=%d path=%s\n",
			 (int)pid, what, err, path);

	if (n > (int)sizeof(line))
		n = (int)sizeof(line);
	(void)!write(s->logfd, line, (size_t)n);
}

/* Read, validate, decide, act, log: the answer's errno (>= 0), or -1 when
 * the target went away and nothing is to be answered. The facts are read
 * before ID_VALID, which then vouches for them as for the path. */
static int handle(struct serve *s, int lfd, char *path)
{
	const struct seccomp_data *d = &s->req->data;
	enum syscalls_kind k = syscalls_classify(d->arch, (uint32_t)d->nr);
	uint64_t addr = k == SYSCALLS_MKDIRAT ? d->args[1] : d->args[0];
	mode_t mode = (mode_t)(k == SYSCALLS_MKDIRAT ? d->args[2] : d->args[1]) & 07777;
	int r, fr = 0, err;

	if (k == SYSCALLS_OTHER)
		return ENOSYS;
	r = s->kind == SERVE_SEED ? read_mem((pid_t)s->req->pid, addr, path, PATH_MAX) :
				    read_vm((pid_t)s->req->pid, addr, path, PATH_MAX);
	if (serve_reads_facts(s))
		fr = facts_read(s, lfd, (pid_t)s->req->pid);
	if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &s->req->id) < 0)
		return -1;
	if (r < 0 || fr < 0) {	/* no facts: fail closed */
		log_line(s, (pid_t)s->req->pid, r < 0 ? "?" : path, "error", r < 0 ? -r : -fr);
		return r < 0 ? -r : EPERM;
	}
	if (!allowed(s, path)) {
		log_line(s, (pid_t)s->req->pid, path, "denied", EPERM);
		return EPERM;
	}
	if (serve_reads_facts(s))
		err = facts_mkdir(s, path, mode);
	else
		err = mkdir(path, mode) < 0 ? errno : 0;
	log_line(s, (pid_t)s->req->pid, path, "emulated", err);
	return err;
}

void serve_forget(struct serve *s, int lfd)
{
	if (serve_reads_facts(s))
		facts_forget(s, lfd);
}

int serve_one(struct serve *s, int lfd)
{
	char path[PATH_MAX];
	int err;

	memset(s->req, 0, s->req_size);
	if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, s->req) < 0)
		return errno == ENOENT || errno == EINTR ? 0 : -errno;
	err = handle(s, lfd, path);
	if (err < 0)
		return 0;
	memset(s->resp, 0, s->resp_size);
	s->resp->id = s->req->id;
	s->resp->error = -err;
	s->calls++;
	if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, s->resp) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}
