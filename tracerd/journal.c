/* The journal output's socket (journal.h; the payload: journal_fmt.c).
 *
 * One non-blocking datagram socket connected to the journal. A journald
 * that was restarted makes the old connection fail (ECONNREFUSED): the
 * socket is connected again and the send tried once more; while none is
 * bound the send fails with ENOENT or ECONNREFUSED, which the caller
 * counts. Connected, because only then does poll() say when journald's
 * queue (net.unix.max_dgram_qlen datagrams, 10 here) has room again: a
 * full queue is waited for at most JOURNAL_WAIT_MS, and not at all while
 * the previous wait timed out (a stopped journald), so a copy can delay an
 * answer by a bounded time once, never hold it. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fdutil.h"
#include "hooks.h"
#include "journal.h"
#include "log.h"

#ifndef F_SEAL_SEAL
#define F_SEAL_SEAL 0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#endif
#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#endif

#define JOURNAL_SNDBUF (8 * 1024 * 1024)	/* as sd-journal asks */
#define JOURNAL_WAIT_MS 20

static pthread_mutex_t journal_lock = PTHREAD_MUTEX_INITIALIZER;
static int journal_fd = -1;
static bool journal_stuck;	/* the last wait for room timed out */

static socklen_t address(const char *path, struct sockaddr_un *sa)
{
	size_t n = strlen(path);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (n >= sizeof(sa->sun_path))
		n = sizeof(sa->sun_path) - 1;
	memcpy(sa->sun_path, path, n);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
}

static int open_socket(void)
{
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int size = (int)hook_journal_sndbuf();
	struct sockaddr_un sa;

	if (fd < 0)
		return -errno;
	if (size > 0) {
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	} else {
		/* Big records should fit in a datagram: the kernel caps
		 * SO_SNDBUF at wmem_max, root may go past it. Either failing
		 * only means more records take the memfd path. */
		size = JOURNAL_SNDBUF;
		if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
			(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	}
	if (connect(fd, (struct sockaddr *)&sa, address(JOURNAL_SOCKET, &sa)) < 0)
		return -errno;
	return TAKE_FD(fd);
}

/* The payload in a memfd that nobody can change any more: journald
 * takes a passed fd only when it is sealed this way. */
static int sealed_memfd(const char *buf, size_t n)
{
	_cleanup_close_ int fd = memfd_create("tracerd-journal", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return -errno;
	while (n > 0) {
		ssize_t k = write(fd, buf, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		buf += k;
		n -= (size_t)k;
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		return -errno;
	return TAKE_FD(fd);
}

/* An empty datagram carrying the memfd. */
static int send_memfd(int fd, const char *path, const char *buf, size_t n)
{
	_cleanup_close_ int mfd = sealed_memfd(buf, n);
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl = { 0 };
	struct sockaddr_un sa;
	struct msghdr mh = { .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	if (mfd < 0)
		return mfd;
	if (path) {
		mh.msg_name = &sa;
		mh.msg_namelen = address(path, &sa);
	}
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &mfd, sizeof(int));
	if (sendmsg(fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		return -errno;
	return 0;
}

int journal_send_payload(int fd, const char *path, const char *buf, size_t n)
{
	struct sockaddr_un sa;
	socklen_t sl = path ? address(path, &sa) : 0;
	ssize_t k = sendto(fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT,
			   path ? (struct sockaddr *)&sa : NULL, sl);

	if (k >= 0)
		return 0;
	if (errno != EMSGSIZE && errno != ENOBUFS)
		return -errno;
	return send_memfd(fd, path, buf, n);
}

/* A full queue: wait for room, unless the last wait timed out. */
static int send_waiting(const char *buf, size_t n)
{
	struct pollfd p = { .fd = journal_fd, .events = POLLOUT };
	int r = journal_send_payload(journal_fd, NULL, buf, n);

	if (r != -EAGAIN || journal_stuck)
		goto out;
	if (poll(&p, 1, JOURNAL_WAIT_MS) > 0)
		r = journal_send_payload(journal_fd, NULL, buf, n);
	journal_stuck = r == -EAGAIN;
out:
	if (r == 0)
		journal_stuck = false;
	return r;
}

/* Under the lock: connect when needed, send; once more on a fresh
 * connection when the old one failed for anything but a full queue. */
static int send_locked(const char *buf, size_t n)
{
	for (int attempt = 0;; attempt++) {
		bool fresh = journal_fd < 0;
		int r;

		if (fresh && (journal_fd = open_socket()) < 0) {
			r = journal_fd;
			journal_fd = -1;
			return r;
		}
		r = send_waiting(buf, n);
		if (r == 0 || r == -EAGAIN)
			return r;
		(void)close(journal_fd);
		journal_fd = -1;
		if (fresh || attempt > 0)
			return r;
	}
}

int journal_send(const char *line, size_t len)
{
	size_t cap = journal_cap(len);
	_cleanup_free_ char *buf = malloc(cap);
	ssize_t n;
	int r;

	if (!buf)
		return -ENOMEM;
	n = journal_encode(line, len, buf, cap);
	if (n < 0)
		return (int)n;
	pthread_mutex_lock(&journal_lock);
	r = send_locked(buf, (size_t)n);
	pthread_mutex_unlock(&journal_lock);
	return r;
}

void journal_close(void)
{
	pthread_mutex_lock(&journal_lock);
	if (journal_fd >= 0)
		(void)close(journal_fd);
	journal_fd = -1;
	pthread_mutex_unlock(&journal_lock);
}
