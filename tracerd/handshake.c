/* Handshakes: accept, authenticate, take the listener from the hello,
 * answer the ack. Handshakes have a deadline and a cap; one spare fd is
 * kept so a refusal can still be sent when the fd table is full. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "audit.h"
#include "canon.h"
#include "fdutil.h"
#include "handshake.h"
#include "log.h"
#include "program.h"
#include "rejects.h"
#include "statusd.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;	/* pending, npending */
static struct handshake *pending;
static unsigned npending, max_pending = 256;
static atomic_uint npending_seen;	/* npending, read without the lock */
static int spare_fd = -1;

void handshake_limits(unsigned max)
{
	max_pending = max;
	if (spare_fd < 0)
		spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

/* A refusal goes in the 8-byte header, version 1 (every library reads it),
 * but WIRE_EVERSION names our highest version; WIRE_OK in the hello's. */
static void send_ack(int fd, unsigned version, enum wire_status st, uint64_t id)
{
	uint8_t ack[WIRE_ACK_MAX];
	size_t n;

	if (st == WIRE_EVERSION)
		version = WIRE_VERSION_MAX;
	else if (st != WIRE_OK)
		version = WIRE_VERSION_MIN;
	n = wire_ack_encode_v(ack, (uint16_t)version, st, id);
	(void)wire_send(fd, ack, n, -1);
}

/* Refuse the connection of peer uid, pid (an authenticated peer's uid is
 * ours): the status, when one is worth sending, and its reject event. */
static void reject_uid(int fd, uid_t uid, pid_t pid, enum wire_status st, const char *why)
{
	if (st != WIRE_OK)
		send_ack(fd, WIRE_VERSION_MIN, st, 0);
	rejects_note(uid, pid, why);
	close(fd);
}

static void reject(int fd, pid_t pid, enum wire_status st, const char *why)
{
	reject_uid(fd, geteuid(), pid, st, why);
}

/* Out of fds: free the spare, take the connection, refuse it. */
static void refuse_emfile(int listen_fd)
{
	int fd;

	if (spare_fd >= 0)
		close(spare_fd);
	fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd >= 0)
		reject_uid(fd, REJECT_NO_UID, 0, WIRE_ENOFDS, "tracerd is out of file descriptors");
	spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static void unlink_locked(struct handshake *h)
{
	if (h->prev)
		h->prev->next = h->next;
	else
		pending = h->next;
	if (h->next)
		h->next->prev = h->prev;
	h->prev = h->next = NULL;
	npending--;
	atomic_store(&npending_seen, npending);
}

/* Full: end the oldest handshake (an idle or slow client) rather than
 * refuse the new one, which a well-behaved library follows at once with
 * its hello. Its thread sees EOF and frees it. */
static void evict_oldest_locked(void)
{
	struct handshake *old = NULL;

	for (struct handshake *h = pending; h; h = h->next)
		if (!h->expired)
			old = h;
	if (old) {
		old->expired = true;
		(void)shutdown(old->it.fd, SHUT_RDWR);
	}
}

/* The peer must be of tracerd's uid. 0, or the fd was rejected. */
static int authenticate(int fd, pid_t *pid)
{
	struct ucred peer;
	socklen_t plen = sizeof(peer);
	char why[96];

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &plen) < 0) {
		reject_uid(fd, REJECT_NO_UID, 0, WIRE_OK, "no peer credentials");
		return -1;
	}
	if (peer.uid != geteuid()) {
		snprintf(why, sizeof(why), "peer uid %u is not tracerd's uid %u",
			 (unsigned)peer.uid, (unsigned)geteuid());
		reject_uid(fd, peer.uid, peer.pid, WIRE_OK, why);
		return -1;
	}
	*pid = peer.pid;
	return 0;
}

struct handshake *handshake_accept(int listen_fd, uint64_t now_ms)
{
	struct handshake *h;
	pid_t pid;
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE)
			refuse_emfile(listen_fd);
		return NULL;
	}
	if (authenticate(fd, &pid) < 0)
		return NULL;
	h = calloc(1, sizeof(*h));
	if (!h) {
		reject(fd, pid, WIRE_ETOOMANY, "out of memory");
		return NULL;
	}
	h->it.fd = fd;
	h->pid = pid;
	h->deadline_ms = now_ms + HANDSHAKE_MS;
	pthread_mutex_lock(&lock);
	if (npending >= max_pending)
		evict_oldest_locked();
	h->next = pending;
	if (pending)
		pending->prev = h;
	pending = h;
	npending++;
	atomic_store(&npending_seen, npending);
	pthread_mutex_unlock(&lock);
	return h;
}

static void forget(struct handshake *h)
{
	pthread_mutex_lock(&lock);
	unlink_locked(h);
	pthread_mutex_unlock(&lock);
}

void handshake_drop(struct handshake *h)
{
	forget(h);
	reject(h->it.fd, h->pid, WIRE_ENOFDS, "cannot watch the connection");
	free(h);
}

static bool is_seccomp_listener(int fd)
{
	char target[64];

	return canon_fd_path(fd, target, sizeof(target)) == 0 &&
	       strcmp(target, "anon_inode:seccomp notify") == 0;
}

/* The hello names no version we speak: say which, and ours. */
static enum wire_status bad_version(const struct wire_hello *hello, int decoded, char *why,
				    size_t size)
{
	if (decoded)
		snprintf(why, size, "protocol versions %u-%u unsupported, tracerd speaks %d-%d",
			 hello->min_version, hello->version, WIRE_VERSION_MIN, WIRE_VERSION_MAX);
	else
		snprintf(why, size, "protocol version %u unsupported, tracerd speaks %d-%d",
			 hello->version, WIRE_VERSION_MIN, WIRE_VERSION_MAX);
	return WIRE_EVERSION;
}

/* Validate the hello and its one fd; returns the status to answer, with
 * *version the one to answer in. */
static enum wire_status check_hello(const uint8_t *buf, const struct wire_recv *rv,
				    struct handshake *h, char *why, size_t size)
{
	struct wire_hello hello;
	int st;

	if (rv->truncated && rv->nfds == 0) {
		snprintf(why, size, "no room for the fd (tracerd out of file descriptors)");
		return WIRE_ENOFDS;
	}
	st = wire_hello_decode(buf, (size_t)rv->len, &hello);
	if (st == WIRE_EVERSION)
		return bad_version(&hello, 0, why, size);
	if (st != WIRE_OK || rv->truncated) {
		snprintf(why, size, "malformed hello");
		return WIRE_EBADHELLO;
	}
	h->version = wire_version_pick(&hello);
	h->flags = hello.flags;
	if (h->version == 0)
		return bad_version(&hello, 1, why, size);
	if ((h->flags & WIRE_HELLO_STATUS) && rv->nfds != 0) {
		snprintf(why, size, "status request with an fd");
		return WIRE_EBADHELLO;
	}
	if (h->flags & WIRE_HELLO_STATUS)
		return WIRE_OK;
	if (rv->nfds != 1) {
		snprintf(why, size, "hello without exactly one fd");
		return WIRE_EBADHELLO;
	}
	if (!is_seccomp_listener(rv->fd)) {
		snprintf(why, size, "the fd is not a seccomp listener");
		return WIRE_ENOTLISTENER;
	}
	return WIRE_OK;
}

int handshake_read(struct handshake *h, int *lfd)
{
	uint8_t buf[WIRE_HELLO_SIZE + 1];
	struct wire_recv rv;
	char why[96];
	enum wire_status st;
	int r = wire_recv(h->it.fd, buf, sizeof(buf), MSG_DONTWAIT, &rv);

	if (r == -EAGAIN)
		return 0;
	forget(h);
	if (r < 0 || rv.len == 0) {
		if (rv.fd >= 0)
			close(rv.fd);
		reject(h->it.fd, h->pid, WIRE_OK, r < 0 ? "connection error" :
		       h->expired ? "no hello within 2 s" : "closed before the hello");
		free(h);
		return -1;
	}
	st = check_hello(buf, &rv, h, why, sizeof(why));
	if (st != WIRE_OK) {
		if (rv.fd >= 0)
			close(rv.fd);
		reject(h->it.fd, h->pid, st, why);
		free(h);
		return -1;
	}
	*lfd = rv.fd;
	return h->flags & WIRE_HELLO_STATUS ? 2 : 1;
}

void handshake_status(struct handshake *h)
{
	int r = statusd_answer(h->it.fd);

	if (r < 0)
		log_warn_errno(r, "cannot answer the status request of pid %d, ignoring",
			       (int)h->pid);
	close(h->it.fd);
	free(h);
}

void handshake_finish(struct handshake *h, int lfd, enum wire_status st, uint64_t id)
{
	if (st == WIRE_OK) {
		if (!(h->flags & WIRE_HELLO_EXEC))	/* else at its first call */
			program_attached(h->pid, h->pid, id);
		send_ack(h->it.fd, h->version, WIRE_OK, id);	/* version 2: with the id */
		close(h->it.fd);
	} else {
		close(lfd);
		reject(h->it.fd, h->pid, st, st == WIRE_ESHUTDOWN ? "tracerd is stopping" :
		       "cannot attach the listener");
	}
	free(h);
}

unsigned handshake_pending(void)
{
	return atomic_load(&npending_seen);
}

uint64_t handshake_expire(uint64_t now_ms)
{
	uint64_t next = UINT64_MAX;

	pthread_mutex_lock(&lock);
	for (struct handshake *h = pending; h; h = h->next) {
		if (h->expired)
			continue;
		if (now_ms >= h->deadline_ms) {
			h->expired = true;
			(void)shutdown(h->it.fd, SHUT_RDWR);
		} else if (h->deadline_ms < next) {
			next = h->deadline_ms;
		}
	}
	pthread_mutex_unlock(&lock);
	return next;
}

void handshake_stop_all(void)
{
	pthread_mutex_lock(&lock);
	for (struct handshake *h = pending; h; h = h->next) {
		send_ack(h->it.fd, WIRE_VERSION_MIN, WIRE_ESHUTDOWN, 0);
		(void)shutdown(h->it.fd, SHUT_RDWR);
	}
	pthread_mutex_unlock(&lock);
}
