/* Clients: accept, authenticate, take the listener from the hello, attach
 * it to the epoll set, answer the ack. Every step that can fail answers
 * with a status where the client can still read one, records a `reject`
 * and keeps serving. Handshakes have a deadline and a cap; one spare fd is
 * kept so a refusal can still be sent when the fd table is full. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../common/compat.h"
#include "../common/wire.h"
#include "audit.h"
#include "hooks.h"
#include "log.h"
#include "loop.h"

#define HANDSHAKE_MS 2000

static struct client *pending;
static unsigned npending, nattached, max_attached = 1024, max_pending = 256;
static int spare_fd = -1;
static uint64_t next_id;

void client_set_limits(unsigned max_listeners, unsigned max_handshakes)
{
	max_attached = max_listeners;
	max_pending = max_handshakes;
	if (spare_fd < 0)
		spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static void send_ack(int fd, enum wire_status st)
{
	uint8_t ack[WIRE_ACK_SIZE];

	wire_ack_encode(ack, st);
	(void)wire_send(fd, ack, sizeof(ack), -1);
}

static void reject(int fd, pid_t pid, enum wire_status st, const char *why)
{
	if (st != WIRE_OK)
		send_ack(fd, st);
	(void)audit_event("reject", pid, why);
	close(fd);
}

/* Out of fds: free the spare, take the connection, refuse it. */
static void refuse_emfile(int listen_fd)
{
	int fd;

	if (spare_fd >= 0)
		close(spare_fd);
	fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd >= 0)
		reject(fd, 0, WIRE_ENOFDS, "tracerd is out of file descriptors");
	spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static void unlink_pending(struct client *cl)
{
	if (cl->prev)
		cl->prev->next = cl->next;
	else
		pending = cl->next;
	if (cl->next)
		cl->next->prev = cl->prev;
	npending--;
}

/* Full: end the oldest handshake (an idle or slow client) rather than
 * refuse the new one, which a well-behaved library follows at once with
 * its hello. Its thread sees EOF and frees it. Pool lock held. */
static void evict_oldest(void)
{
	struct client *old = NULL;

	for (struct client *cl = pending; cl; cl = cl->next)
		if (!cl->expired)
			old = cl;
	if (old) {
		old->expired = true;
		(void)shutdown(old->it.fd, SHUT_RDWR);
	}
}

void client_accept(int listen_fd)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct ucred peer;
	socklen_t plen = sizeof(peer);
	struct client *cl;
	char why[96];
	int fd;

	fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE)
			refuse_emfile(listen_fd);
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &plen) < 0)
		return reject(fd, 0, WIRE_OK, "no peer credentials");
	if (peer.uid != geteuid()) {
		snprintf(why, sizeof(why), "peer uid %u is not tracerd's uid %u",
			 (unsigned)peer.uid, (unsigned)geteuid());
		return reject(fd, peer.pid, WIRE_OK, why);
	}
	loop_lock();
	if (npending >= max_pending)
		evict_oldest();
	cl = calloc(1, sizeof(*cl));
	if (!cl) {
		loop_unlock();
		return reject(fd, peer.pid, WIRE_ETOOMANY, "out of memory");
	}
	cl->it.kind = ITEM_CLIENT;
	cl->it.fd = fd;
	cl->pid = peer.pid;
	cl->uid = peer.uid;
	cl->deadline_ms = loop_now_ms() + HANDSHAKE_MS;
	cl->next = pending;
	if (pending)
		pending->prev = cl;
	pending = cl;
	npending++;
	ev.data.ptr = cl;
	if (epoll_ctl(loop_epoll_fd(), EPOLL_CTL_ADD, fd, &ev) < 0) {
		unlink_pending(cl);
		free(cl);
		loop_unlock();
		return reject(fd, peer.pid, WIRE_ENOFDS, "cannot watch the connection");
	}
	loop_unlock();
}

static bool is_seccomp_listener(int fd)
{
	char p[32], target[64];
	ssize_t n;

	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	n = readlink(p, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return strcmp(target, "anon_inode:seccomp notify") == 0;
}

/* Attach the listener: SYNC_WAKE_UP (Linux 6.6; skipped where refused),
 * then into the epoll set. */
static enum wire_status attach(struct client *cl, int lfd)
{
	struct epoll_event ev = { .events = loop_listener_events() };
	struct listener *l;

	if (nattached >= max_attached)
		return WIRE_ETOOMANY;
	if (!hook_no_sync_wake_up())
		(void)ioctl(lfd, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
			    (unsigned long)SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);	/* by value */
	l = calloc(1, sizeof(*l));
	if (!l)
		return WIRE_ETOOMANY;
	l->it.kind = ITEM_LISTENER;
	l->it.fd = lfd;
	l->id = ++next_id;
	l->pid = cl->pid;
	ev.data.ptr = l;
	if (epoll_ctl(loop_epoll_fd(), EPOLL_CTL_ADD, lfd, &ev) < 0) {
		free(l);
		return WIRE_ENOFDS;
	}
	nattached++;
	return WIRE_OK;
}

/* Validate the hello and its one fd; returns the status to answer. */
static enum wire_status check_hello(const uint8_t *buf, const struct wire_recv *rv, const char **why)
{
	struct wire_hello h;
	int st;

	if (rv->truncated && rv->nfds == 0) {
		*why = "no room for the fd (tracerd out of file descriptors)";
		return WIRE_ENOFDS;
	}
	st = wire_hello_decode(buf, (size_t)rv->len, &h);
	if (st != WIRE_OK || rv->truncated) {
		*why = st == WIRE_EVERSION ? "protocol version unsupported" : "malformed hello";
		return st != WIRE_OK ? (enum wire_status)st : WIRE_EBADHELLO;
	}
	if (rv->nfds != 1) {
		*why = "hello without exactly one fd";
		return WIRE_EBADHELLO;
	}
	if (!is_seccomp_listener(rv->fd)) {
		*why = "the fd is not a seccomp listener";
		return WIRE_ENOTLISTENER;
	}
	return WIRE_OK;
}

void client_ready(struct client *cl)
{
	uint8_t buf[WIRE_HELLO_SIZE + 1];
	struct wire_recv rv;
	const char *why = NULL;
	enum wire_status st;
	int r, fd = cl->it.fd;

	r = wire_recv(fd, buf, sizeof(buf), MSG_DONTWAIT, &rv);
	if (r == -EAGAIN)
		return;
	loop_lock();
	unlink_pending(cl);
	(void)epoll_ctl(loop_epoll_fd(), EPOLL_CTL_DEL, fd, NULL);
	if (r < 0 || rv.len == 0) {
		loop_unlock();
		if (rv.fd >= 0)
			close(rv.fd);
		reject(fd, cl->pid, WIRE_OK, r < 0 ? "connection error" :
		       cl->expired ? "no hello within 2 s" : "closed before the hello");
		free(cl);
		return;
	}
	st = check_hello(buf, &rv, &why);
	if (st == WIRE_OK) {
		st = attach(cl, rv.fd);
		why = "cannot attach the listener";
	}
	loop_unlock();
	if (st == WIRE_OK) {
		(void)audit_event("attach", cl->pid, NULL);
		send_ack(fd, WIRE_OK);
		close(fd);
	} else {
		if (rv.fd >= 0)
			close(rv.fd);
		reject(fd, cl->pid, st, why);
	}
	free(cl);
}

/* Called with the pool lock held, from the thread that saw EPOLLHUP. */
void client_detach(struct listener *l)
{
	if (l->dead)
		return;
	(void)epoll_ctl(loop_epoll_fd(), EPOLL_CTL_DEL, l->it.fd, NULL);
	l->dead = true;	/* closed and freed by the last thread inside it */
	nattached--;
	(void)audit_event("detach", l->pid, NULL);
}

/* Handshakes past their deadline: shut the socket down, so that the
 * thread in epoll sees EOF and frees it (we must not free under it). */
void client_expire(uint64_t now_ms)
{
	loop_lock();
	for (struct client *cl = pending; cl; cl = cl->next)
		if (now_ms > cl->deadline_ms && !cl->expired) {
			cl->expired = true;
			(void)shutdown(cl->it.fd, SHUT_RDWR);
		}
	loop_unlock();
}

void client_close_all(void)
{
	for (struct client *cl = pending; cl; cl = cl->next)
		(void)shutdown(cl->it.fd, SHUT_RDWR);
}
