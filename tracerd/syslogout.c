/* The syslog output (syslogout.h): glibc syslog(3)'s local datagram
 * form, sent on a socket connected to /dev/log. Like glibc, a send that
 * fails on the connection (the receiver was restarted, or was not there
 * yet) closes it, connects again and retries once; unlike glibc it never
 * blocks for long and never falls back to a stream socket: a full queue is
 * waited for at most SYSLOG_WAIT_MS, and not at all while the previous
 * wait timed out, so a stuck syslog daemon costs lost copies, not held
 * answers. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "fdutil.h"
#include "journal_fmt.h"
#include "syslogout.h"

#define SYSLOG_CAP_EXTRA 64	/* <PRI>, the time stamp, tag and pid */
#define SYSLOG_WAIT_MS 20

static pthread_mutex_t syslog_lock = PTHREAD_MUTEX_INITIALIZER;
static int syslog_fd = -1;
static int syslog_facility = LOG_AUTHPRIV;
static bool syslog_stuck;	/* the last wait for room timed out */

static const struct {
	const char *name;
	int code;
} facilities[] = {
	{ "kern", LOG_KERN }, { "user", LOG_USER }, { "mail", LOG_MAIL },
	{ "daemon", LOG_DAEMON }, { "auth", LOG_AUTH }, { "syslog", LOG_SYSLOG },
	{ "lpr", LOG_LPR }, { "news", LOG_NEWS }, { "uucp", LOG_UUCP },
	{ "cron", LOG_CRON }, { "authpriv", LOG_AUTHPRIV }, { "ftp", LOG_FTP },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

int syslogout_facility(const char *name)
{
	for (size_t i = 0; name && i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (!strcmp(name, facilities[i].name))
			return facilities[i].code;
	return -EINVAL;
}

void syslogout_set_facility(int code)
{
	syslog_facility = code & LOG_FACMASK;
}

/* "Mmm dd hh:mm:ss" in local time, always in English (the C locale), as
 * syslog(3) writes it whatever the locale. */
static int stamp(time_t t, char *buf, size_t cap)
{
	static const char mon[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	if (!localtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));
	return snprintf(buf, cap, "%s %2d %02d:%02d:%02d", mon[tm.tm_mon % 12], tm.tm_mday,
			tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int syslogout_format(const char *line, size_t len, time_t t, char *buf, size_t cap)
{
	char ts[64];
	int pri = syslog_facility | journal_priority(line, len);
	int n;

	if (len && line[len - 1] == '\n')
		len--;
	stamp(t, ts, sizeof(ts));
	n = snprintf(buf, cap, "<%d>%s tracerd[%d]: ", pri, ts, (int)getpid());
	if (n < 0 || (size_t)n >= cap || cap - (size_t)n < len)
		return -ENOSPC;
	memcpy(buf + n, line, len);
	return n + (int)len;
}

static int connect_log(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -errno;
	memcpy(sa.sun_path, SYSLOGOUT_SOCKET, sizeof(SYSLOGOUT_SOCKET));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return TAKE_FD(fd);
}

static int send_once(const char *msg, size_t n)
{
	return send(syslog_fd, msg, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 ? -errno : 0;
}

/* A full queue: wait for room, unless the last wait timed out. */
static int send_waiting(const char *msg, size_t n)
{
	struct pollfd p = { .fd = syslog_fd, .events = POLLOUT };
	int r = send_once(msg, n);

	if (r != -EAGAIN || syslog_stuck)
		goto out;
	if (poll(&p, 1, SYSLOG_WAIT_MS) > 0)
		r = send_once(msg, n);
	syslog_stuck = r == -EAGAIN;
out:
	if (r == 0)
		syslog_stuck = false;
	return r;
}

/* Under the lock: connect when needed, send; once more on a fresh
 * connection when the old one failed for anything but a full queue. */
static int send_locked(const char *msg, size_t n)
{
	for (int attempt = 0;; attempt++) {
		bool fresh = syslog_fd < 0;
		int r;

		if (fresh && (syslog_fd = connect_log()) < 0) {
			r = syslog_fd;
			syslog_fd = -1;
			return r;
		}
		r = send_waiting(msg, n);
		if (r == 0 || r == -EAGAIN || r == -EMSGSIZE || r == -ENOBUFS)
			return r;
		(void)close(syslog_fd);
		syslog_fd = -1;
		if (fresh || attempt > 0)
			return r;
	}
}

int syslogout_send(const char *line, size_t len)
{
	size_t cap = len + SYSLOG_CAP_EXTRA;
	_cleanup_free_ char *buf = malloc(cap);
	int n, r;

	if (!buf)
		return -ENOMEM;
	n = syslogout_format(line, len, time(NULL), buf, cap);
	if (n < 0)
		return n;
	pthread_mutex_lock(&syslog_lock);
	r = send_locked(buf, (size_t)n);
	pthread_mutex_unlock(&syslog_lock);
	return r;
}

void syslogout_close(void)
{
	pthread_mutex_lock(&syslog_lock);
	if (syslog_fd >= 0)
		(void)close(syslog_fd);
	syslog_fd = -1;
	pthread_mutex_unlock(&syslog_lock);
}
