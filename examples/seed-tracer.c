/* The tracer: receives the listener with the project's hello, then answers
 * each notification: read the path from the target's memory (confirmed with
 * NOTIF_ID_VALID), create `/tmp/...` on the target's behalf and answer the
 * real result, refuse anything else with EPERM. With -d it waits between
 * acting and answering, so a signal can catch the target in the wait.
 *
 * Unlike tracerd this judges the path string, as the seed did: it is a
 * demonstration of the kernel interface, not of the policy. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../common/syscalls.h"
#include "../common/wire.h"
#include "seed-demo.h"

struct tracer {
	int fd;
	const struct demo_opts *o;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	size_t req_size, resp_size;
	unsigned count;
	int signalled;
};

/* The hello with exactly one fd, from the pid the kernel vouches for
 * (SCM_CREDENTIALS), and the fd really a seccomp listener. */
static int receive_listener(int sock)
{
	uint8_t buf[WIRE_HELLO_SIZE + 1];
	char link[64] = "", proc[64];
	struct wire_hello h;
	struct wire_recv r;
	int e = wire_recv(sock, buf, sizeof(buf), 0, &r);

	if (e < 0)
		return e;
	if (r.fd < 0 || r.nfds != 1 || r.truncated ||
	    wire_hello_decode(buf, (size_t)r.len, &h) != WIRE_OK ||
	    !r.has_creds || r.pid != h.pid) {
		printf("Tracer: bad hello (%zd bytes, %d fds)\n", r.len, r.nfds);
		if (r.fd >= 0)
			close(r.fd);
		return -EPROTO;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", r.fd);
	if (readlink(proc, link, sizeof(link) - 1) < 0 ||
	    strcmp(link, "anon_inode:seccomp notify") != 0) {
		close(r.fd);
		return -EBADF;
	}
	printf("Tracer: received the listener (fd %d, %s) from PID %d: hello v%u, "
	       "SCM_CREDENTIALS pid %d\n", r.fd, link, h.pid, h.version, r.pid);
	return r.fd;
}

/* Buffers sized by the kernel, which may be larger than our headers say. */
static int alloc_buffers(struct tracer *t)
{
	struct seccomp_notif_sizes sz;

	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0)
		return -errno;
	t->req_size = sz.seccomp_notif > sizeof(*t->req) ? sz.seccomp_notif : sizeof(*t->req);
	t->resp_size = sz.seccomp_notif_resp > sizeof(*t->resp) ?
		       sz.seccomp_notif_resp : sizeof(*t->resp);
	t->req = calloc(1, t->req_size);
	t->resp = calloc(1, t->resp_size);
	if (!t->req || !t->resp)
		return -ENOMEM;
	printf("Tracer: SECCOMP_GET_NOTIF_SIZES: request %u, response %u, data %u bytes\n",
	       sz.seccomp_notif, sz.seccomp_notif_resp, sz.seccomp_data);
	return 0;
}

/* Is the notification still pending? A read of target memory or /proc is
 * only trusted after this says yes (the pid may have been reused). */
static int id_valid(struct tracer *t, const char *tag, int verbose)
{
	__u64 id = t->req->id;
	char buf[64];

	if (ioctl(t->fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0) {
		if (verbose)
			printf("Tracer: ID_VALID (%s): valid, the target is still waiting\n", tag);
		return 1;
	}
	printf("Tracer: ID_VALID (%s): %s: the call is gone "
	       "(the target was interrupted by a signal, or it died)\n",
	       tag, demo_errstr(errno, buf, sizeof(buf)));
	return 0;
}

/* One page-bounded piece of target memory: process_vm_readv, or
 * /proc/PID/mem (the seed's way) where the kernel lacks it. */
static ssize_t read_chunk(pid_t pid, uint64_t addr, char *buf, size_t len)
{
	struct iovec l = { .iov_base = buf, .iov_len = len };
	struct iovec r = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };
	char proc[64];
	ssize_t n;
	int fd;

	n = process_vm_readv(pid, &l, 1, &r, 1, 0);
	if (n >= 0 || errno != ENOSYS)
		return n < 0 ? -errno : n;
	snprintf(proc, sizeof(proc), "/proc/%d/mem", pid);
	fd = open(proc, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, buf, len, (off_t)addr);
	n = n < 0 ? -errno : n;
	close(fd);
	return n;
}

/* The NUL-terminated path at ADDR, read a page at a time so a string that
 * ends just before an unmapped page still reads. Length or -errno. */
static ssize_t read_path(pid_t pid, uint64_t addr, char *buf, size_t size)
{
	size_t got = 0, page = (size_t)sysconf(_SC_PAGESIZE);

	while (got < size) {
		size_t len = page - (size_t)((addr + got) % page);
		ssize_t n;

		if (len > size - got)
			len = size - got;
		n = read_chunk(pid, addr + got, buf + got, len);
		if (n <= 0)
			return n < 0 ? n : -EFAULT;
		if (memchr(buf + got, '\0', (size_t)n))
			return (ssize_t)strlen(buf);
		got += (size_t)n;
	}
	return -ENAMETOOLONG;
}

/* What the target is doing while it waits: state and current syscall. */
static void show_target_state(pid_t pid)
{
	char proc[64], buf[512] = "", *p;
	long nr = -1;
	FILE *f;

	snprintf(proc, sizeof(proc), "/proc/%d/stat", pid);
	f = fopen(proc, "re");
	if (!f || !fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	if (f)
		fclose(f);
	p = strrchr(buf, ')');
	snprintf(proc, sizeof(proc), "/proc/%d/syscall", pid);
	f = fopen(proc, "re");
	if (f) {
		if (fscanf(f, "%ld", &nr) != 1)
			nr = -1;
		fclose(f);
	}
	printf("Tracer: target PID %d is in state %c, in syscall %ld (%s)\n", pid,
	       p && p[1] && p[2] ? p[2] : '?', nr,
	       syscalls_kind_name(syscalls_classify(DEMO_ARCH, (uint32_t)nr)));
}

static int has_dotdot(const char *path)
{
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 1;
		p += n;
		p += strspn(p, "/");
	}
	return 0;
}

/* The seed's policy, answered with the kernel's result: 0 or -errno. */
static int decide(const char *path, unsigned mode)
{
	char buf[64];
	int r;

	if (strncmp(path, "/tmp/", 5) != 0 || has_dotdot(path)) {
		printf("Tracer: \"%s\" is not under /tmp/: refusing with EPERM, nothing created\n",
		       path);
		return -EPERM;
	}
	r = mkdir(path, mode) < 0 ? -errno : 0;
	printf("Tracer: mkdir(\"%s\") on the target's behalf returned %s\n",
	       path, r ? demo_errstr(-r, buf, sizeof(buf)) : "0");
	return r;
}

/* -d: wait before answering, checking ID_VALID on both sides; -s: signal
 * the target once, while it is known to be waiting for us. */
static void delay(struct tracer *t)
{
	pid_t pid = (pid_t)t->req->pid;
	int sig = t->o->signal;

	printf("Tracer: delaying for %d seconds before answering (target PID %d)\n",
	       t->o->delay, pid);
	id_valid(t, "pre-delay", 1);
	show_target_state(pid);
	if (sig && !t->signalled) {
		t->signalled = 1;
		printf("Tracer: sending SIG%s to the target\n", sigabbrev_np(sig));
		if (kill(pid, sig) < 0)
			perror("Tracer: kill");
	}
	for (int left = t->o->delay; left > 0; left--)
		sleep(1);
	id_valid(t, "post-delay", 1);
}

/* Announced before the SEND: once the target has its answer it may end,
 * and the parent then kills us (unless -K). */
static void answer(struct tracer *t, int err)
{
	char buf[64];

	memset(t->resp, 0, t->resp_size);
	t->resp->id = t->req->id;
	t->resp->error = err;
	t->resp->val = 0;
	t->resp->flags = 0;
	printf("Tracer: answering %s\n", err ? demo_errstr(-err, buf, sizeof(buf)) : "0");
	if (ioctl(t->fd, SECCOMP_IOCTL_NOTIF_SEND, t->resp) == 0)
		return;
	if (errno == ENOENT)
		printf("Tracer: NOTIF_SEND failed with ENOENT: the target's call is gone "
		       "(interrupted by a signal, or the target died)\n");
	else
		printf("Tracer: NOTIF_SEND failed: %s\n", demo_errstr(errno, buf, sizeof(buf)));
}

/* One notification, RECV already done. Returns 1 after DEMO_BYE. */
static int handle(struct tracer *t)
{
	const struct seccomp_data *d = &t->req->data;
	enum syscalls_kind kind = syscalls_classify(d->arch, d->nr);
	int at = kind == SYSCALLS_MKDIRAT, dirfd = (int)d->args[0], err;
	char path[PATH_MAX], buf[64];
	ssize_t n;

	t->count++;
	printf("\nTracer: got notification #%u for PID %d; ID is %llx; syscall %s\n",
	       t->count, t->req->pid, (unsigned long long)t->req->id, syscalls_kind_name(kind));
	n = read_path((pid_t)t->req->pid, d->args[at], path, sizeof(path));
	if (n < 0) {
		printf("Tracer: cannot read the path: %s\n", demo_errstr((int)-n, buf, sizeof(buf)));
		err = (int)n;
	} else if (!id_valid(t, "post-read", 0)) {
		err = -EPERM;
	} else if (at) {
		printf("Tracer: mkdirat(%d, \"%s\", %04llo)\n", dirfd, path,
		       (unsigned long long)(d->args[2] & 07777));
		err = decide(path, (unsigned)d->args[2] & 07777);
	} else {
		printf("Tracer: mkdir(\"%s\", %04llo)\n", path,
		       (unsigned long long)(d->args[1] & 07777));
		err = decide(path, (unsigned)d->args[1] & 07777);
	}
	if (t->o->delay > 0)
		delay(t);
	answer(t, err);
	return n >= 0 && strcmp(path, DEMO_BYE) == 0;
}

/* 1: a notification is pending; 0: POLLHUP, no task uses the filter. */
static int wait_event(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	for (;;) {
		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (p.revents & POLLIN)
			return 1;
		if (p.revents & (POLLHUP | POLLERR))
			return 0;
	}
}

/* RECV into a zeroed request (EINVAL otherwise since 5.5). ENOENT (the
 * target went away while the event was queued) and EINTR are normal. */
static int recv_one(struct tracer *t)
{
	memset(t->req, 0, t->req_size);
	if (ioctl(t->fd, SECCOMP_IOCTL_NOTIF_RECV, t->req) == 0)
		return 0;
	if (errno == ENOENT)
		printf("Tracer: RECV: ENOENT: the call vanished before we read it\n");
	return errno == ENOENT || errno == EINTR ? 1 : -errno;
}

static int serve(struct tracer *t)
{
	for (;;) {
		int r = wait_event(t->fd);

		if (r == 0) {
			printf("Tracer: the listener reports POLLHUP: no process uses "
			       "the filter any more\n");
			return 0;
		}
		if (r > 0)
			r = recv_one(t);
		if (r < 0)
			return r;
		if (r == 0 && handle(t)) {
			printf("Tracer: terminating <<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<\n"
			       "Tracer: closing the listener: the target's later mkdirs "
			       "fail with ENOSYS\n");
			return 0;
		}
	}
}

int demo_tracer(int sock, const struct demo_opts *o)
{
	struct tracer t = { .o = o };
	char buf[64];
	int r;

	printf("Tracer: PID = %ld\n", (long)getpid());
	t.fd = receive_listener(sock);
	close(sock);
	r = t.fd < 0 ? t.fd : alloc_buffers(&t);
	if (r == 0)
		r = serve(&t);
	if (r < 0)
		printf("Tracer: failed: %s\n", demo_errstr(-r, buf, sizeof(buf)));
	if (t.fd >= 0)
		close(t.fd);
	free(t.req);
	free(t.resp);
	return r < 0 ? 1 : 0;
}
