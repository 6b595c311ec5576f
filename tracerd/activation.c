/* Socket activation without libsystemd. The rules are sd_listen_fds(3)'s:
 * the variables are for us only when LISTEN_PID is our pid (a child that
 * inherited them must not take fd 3), the fds start at 3, and the
 * variables are removed once read. tracerd takes exactly one fd, and only
 * a listening AF_UNIX stream socket: anything else (a datagram socket, a
 * FIFO, a second fd) is a unit written wrong, told clearly, exit 2. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "activation.h"
#include "canon.h"
#include "fdstore.h"
#include "inflight.h"

/* A decimal number without sign or spaces, at most max. */
static int number(const char *s, unsigned long max, unsigned long *ret)
{
	unsigned long v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (max - (unsigned long)(*s - '0')) / 10)
			return -EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	*ret = v;
	return 0;
}

int activation_parse(const char *pid, const char *fds, const char *names, pid_t self,
		     char *err, size_t errlen)
{
	unsigned long p, n, nnames = 1;

	if (!pid)
		return 0;
	if (number(pid, (unsigned long)INT32_MAX, &p) < 0 || p == 0) {
		snprintf(err, errlen, "LISTEN_PID='%.32s': not a process id", pid);
		return -EINVAL;
	}
	if (p != (unsigned long)self)
		return 0;
	if (number(fds, ACTIVATION_FDS_MAX, &n) < 0 || n == 0) {
		snprintf(err, errlen, "LISTEN_FDS='%.32s': not a number of fds from 1 to %d",
			 fds ? fds : "", ACTIVATION_FDS_MAX);
		return -EINVAL;
	}
	if (!names && n > 1) {
		snprintf(err, errlen, "LISTEN_FDS=%lu without LISTEN_FDNAMES: cannot tell the "
			 "socket from the stored listeners", n);
		return -EINVAL;
	}
	if (names) {
		for (const char *c = names; *c; c++)
			nnames += *c == ':';
		if (nnames != n) {
			snprintf(err, errlen, "LISTEN_FDNAMES names %lu fds, LISTEN_FDS passes %lu",
				 nnames, n);
			return -EINVAL;
		}
	}
	return (int)n;
}

static int sockopt(int fd, int opt, int *ret)
{
	socklen_t len = sizeof(*ret);

	return getsockopt(fd, SOL_SOCKET, opt, ret, &len) < 0 ? -errno : 0;
}

int activation_check_fd(int fd, char *err, size_t errlen)
{
	int domain, type, acc, r;

	if (fcntl(fd, F_GETFD) < 0) {
		snprintf(err, errlen, "fd %d was passed but is not open", fd);
		return -EBADF;
	}
	r = sockopt(fd, SO_DOMAIN, &domain);
	if (r < 0) {
		snprintf(err, errlen, "fd %d is not a socket", fd);
		return -ENOTSOCK;
	}
	if (domain != AF_UNIX) {
		snprintf(err, errlen, "fd %d is not an AF_UNIX socket (family %d)", fd, domain);
		return -EAFNOSUPPORT;
	}
	if (sockopt(fd, SO_TYPE, &type) < 0 || type != SOCK_STREAM) {
		snprintf(err, errlen, "fd %d is not a stream socket (ListenStream=)", fd);
		return -EPROTOTYPE;
	}
	if (sockopt(fd, SO_ACCEPTCONN, &acc) < 0 || !acc) {
		snprintf(err, errlen, "fd %d is not listening", fd);
		return -EINVAL;
	}
	return 0;
}

/* Our fd from now on: not inherited by anything we start, never blocking
 * the handshake thread's accept. */
static int own_fd(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 || fl < 0 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

/* The i-th name of LISTEN_FDNAMES into buf ("" when there are none). */
static void nth_name(const char *names, unsigned i, char *buf, size_t cap)
{
	const char *p = names ? names : "", *end;

	for (; i > 0 && p; i--) {
		p = strchr(p, ':');
		p = p ? p + 1 : NULL;
	}
	if (!p)
		p = "";
	end = strchr(p, ':');
	snprintf(buf, cap, "%.*s", (int)(end ? (size_t)(end - p) : strlen(p)), p);
}

/* A stored listener named by its id and program's pid: adopted when it
 * is a seccomp listener, else closed and counted. */
static int take_listener(struct activation *a, int fd, uint64_t id, pid_t pid)
{
	struct adopted *l;

	if (!canon_is_seccomp_listener(fd) || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
		close(fd);
		a->ignored++;
		return 0;
	}
	l = realloc(a->listeners, (a->nlisteners + 1) * sizeof(*l));
	if (!l)
		return -ENOMEM;
	a->listeners = l;
	a->listeners[a->nlisteners++] = (struct adopted){ .fd = fd, .id = id, .pid = pid };
	return 0;
}

/* An in-flight table: kept for inflight_open, which checks it. */
static void take_table(struct activation *a, int fd)
{
	if (a->ntables == ACTIVATION_TABLES || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
		close(fd);
		a->ignored++;
		return;
	}
	a->tables[a->ntables++] = fd;
}

/* The listening socket: exactly one. */
static int take_socket(struct activation *a, int fd, unsigned n, char *err, size_t errlen)
{
	int r = activation_check_fd(fd, err, errlen);

	if (r < 0 && n > 1) {	/* a stored fd of no use: not ours to judge */
		close(fd);
		a->ignored++;
		return 0;
	}
	if (r < 0)
		return r;
	if (a->socket >= 0) {
		snprintf(err, errlen, "fds %d and %d are both listening sockets: tracerd takes "
			 "one (one ListenStream= in the socket unit)", a->socket, fd);
		return -EINVAL;
	}
	r = own_fd(fd);
	if (r < 0) {
		snprintf(err, errlen, "fd %d: cannot set CLOEXEC and O_NONBLOCK: %s", fd,
			 strerror(-r));
		return r;
	}
	a->socket = fd;
	return 0;
}

int activation_take(struct activation *a, char *err, size_t errlen)
{
	const char *names = getenv("LISTEN_FDNAMES");
	int n = activation_parse(getenv("LISTEN_PID"), getenv("LISTEN_FDS"), names, getpid(),
				 err, errlen), r = 0;
	char name[256];

	*a = (struct activation){ .socket = -1 };
	for (int i = 0; i < n && r == 0; i++) {
		int fd = ACTIVATION_FD + i;
		uint64_t id;
		pid_t pid;

		nth_name(names, (unsigned)i, name, sizeof(name));
		if (fdstore_parse_listener(name, &id, &pid) == 0)
			r = take_listener(a, fd, id, pid);
		else if (inflight_parse_name(name, &id) == 0)
			take_table(a, fd);
		else
			r = take_socket(a, fd, (unsigned)n, err, errlen);
	}
	(void)unsetenv("LISTEN_PID");
	(void)unsetenv("LISTEN_FDS");
	(void)unsetenv("LISTEN_FDNAMES");
	if (r == -ENOMEM)
		snprintf(err, errlen, "out of memory for the stored listeners");
	return n < 0 ? n : r;
}

void activation_free(struct activation *a)
{
	free(a->listeners);
	a->listeners = NULL;
	a->nlisteners = 0;
}
