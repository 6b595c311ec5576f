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
	if (number(fds, 1UL << 20, &n) < 0) {
		snprintf(err, errlen, "LISTEN_FDS='%.32s': not a number of fds", fds ? fds : "");
		return -EINVAL;
	}
	if (n != 1) {
		snprintf(err, errlen, "LISTEN_FDS=%lu: tracerd takes exactly one socket "
			 "(one ListenStream= in the socket unit)", n);
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
	return 1;
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

int activation_take(char *err, size_t errlen)
{
	int r = activation_parse(getenv("LISTEN_PID"), getenv("LISTEN_FDS"),
				 getenv("LISTEN_FDNAMES"), getpid(), err, errlen);

	(void)unsetenv("LISTEN_PID");
	(void)unsetenv("LISTEN_FDS");
	(void)unsetenv("LISTEN_FDNAMES");
	if (r <= 0)
		return r;
	r = activation_check_fd(ACTIVATION_FD, err, errlen);
	if (r < 0)
		return r;
	r = own_fd(ACTIVATION_FD);
	if (r < 0) {
		snprintf(err, errlen, "fd %d: cannot set CLOEXEC and O_NONBLOCK: %s",
			 ACTIVATION_FD, strerror(-r));
		return r;
	}
	return ACTIVATION_FD;
}
