/* $NOTIFY_SOCKET without libsystemd (sd_notify(3)): one SOCK_DGRAM fd,
 * opened once, each message one sendto(2) with MSG_NOSIGNAL. The
 * environment is read once at start; nothing here logs (main.c says what
 * went wrong). */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sdnotify.h"

static int notify_fd = -1;
static struct sockaddr_un notify_addr;
static socklen_t notify_len;
static uint64_t watchdog_usec;
static struct sdnotify_rate status_rate;

int sdnotify_addr(const char *v, struct sockaddr_un *ret_addr, socklen_t *ret_len)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	size_t n = v ? strlen(v) : 0;

	if (n == 0)
		return 0;
	if ((v[0] != '/' && v[0] != '@') || n < 2)
		return -EINVAL;
	/* a path keeps room for its NUL; an abstract name may fill sun_path */
	if (n > sizeof(a.sun_path) || (v[0] == '/' && n == sizeof(a.sun_path)))
		return -EINVAL;
	memcpy(a.sun_path, v, n);
	if (v[0] == '@')
		a.sun_path[0] = '\0';
	*ret_addr = a;
	*ret_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
			       (v[0] == '/' ? 1 : 0));
	return 1;
}

/* A positive decimal number, digits only (no sign, no space, no
 * overflow). */
static int decimal(const char *s, uint64_t *ret)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v == 0)
		return -EINVAL;
	*ret = v;
	return 0;
}

int sdnotify_watchdog_parse(const char *usec, const char *pid, pid_t self, uint64_t *ret_usec)
{
	uint64_t u, p;

	if (!usec)
		return 0;
	if (decimal(usec, &u) < 0 || u == UINT64_MAX)	/* infinity: no watchdog */
		return -EINVAL;
	if (pid) {
		if (decimal(pid, &p) < 0)
			return -EINVAL;
		if (p != (uint64_t)self)
			return 0;
	}
	*ret_usec = u;
	return 1;
}

int sdnotify_init(void)
{
	uint64_t u = 0;
	int r, w;

	sdnotify_close();
	watchdog_usec = 0;
	memset(&status_rate, 0, sizeof(status_rate));
	r = sdnotify_addr(getenv("NOTIFY_SOCKET"), &notify_addr, &notify_len);
	if (r > 0) {
		notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (notify_fd < 0)
			return -errno;
	}
	w = sdnotify_watchdog_parse(getenv("WATCHDOG_USEC"), getenv("WATCHDOG_PID"), getpid(), &u);
	if (w > 0 && notify_fd >= 0)
		watchdog_usec = u;
	return r < 0 ? r : w < 0 ? -ERANGE : 0;
}

void sdnotify_close(void)
{
	if (notify_fd >= 0)
		close(notify_fd);
	notify_fd = -1;
}

bool sdnotify_enabled(void)
{
	return notify_fd >= 0;
}

uint64_t sdnotify_watchdog_usec(void)
{
	return watchdog_usec;
}

int sdnotify_send(const char *msg)
{
	ssize_t n;

	if (notify_fd < 0)
		return 0;
	do
		n = sendto(notify_fd, msg, strlen(msg), MSG_NOSIGNAL,
			   (const struct sockaddr *)&notify_addr, notify_len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == strlen(msg) ? 1 : -EIO;
}

int sdnotify_send_fd(const char *msg, int fd)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl = { 0 };
	char text[256];
	struct iovec iov = { .iov_base = text,
			     .iov_len = (size_t)snprintf(text, sizeof(text), "%s", msg) };
	struct msghdr mh = {
		.msg_name = &notify_addr, .msg_namelen = notify_len,
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	ssize_t n;

	if (notify_fd < 0)
		return 0;
	if (iov.iov_len >= sizeof(text))
		return -EMSGSIZE;
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do
		n = sendmsg(notify_fd, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == iov.iov_len ? 1 : -EIO;
}

int sdnotify_ready(void)
{
	return sdnotify_send("READY=1");
}

int sdnotify_stopping(void)
{
	return sdnotify_send("STOPPING=1");
}

int sdnotify_watchdog(void)
{
	return sdnotify_send("WATCHDOG=1");
}

int sdnotify_reloading(void)
{
	struct timespec ts;
	char msg[64];

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%" PRIu64,
		 (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000);
	return sdnotify_send(msg);
}

uint64_t sdnotify_rate(struct sdnotify_rate *s, const char *text, uint64_t now_ms, bool *send)
{
	*send = false;
	if (s->sent && strncmp(s->last, text, sizeof(s->last) - 1) == 0)
		return UINT64_MAX;
	if (s->sent && now_ms < s->last_ms + SDNOTIFY_STATUS_GAP_MS)
		return s->last_ms + SDNOTIFY_STATUS_GAP_MS;
	snprintf(s->last, sizeof(s->last), "%s", text);
	s->last_ms = now_ms;
	s->sent = true;
	*send = true;
	return UINT64_MAX;
}

uint64_t sdnotify_status(const char *text, uint64_t now_ms)
{
	char msg[sizeof("STATUS=") + SDNOTIFY_STATUS_MAX];
	bool send;
	uint64_t next;

	if (notify_fd < 0)
		return UINT64_MAX;
	next = sdnotify_rate(&status_rate, text, now_ms, &send);
	if (send) {
		snprintf(msg, sizeof(msg), "STATUS=%s", text);
		(void)sdnotify_send(msg);
	}
	return next;
}
