/* Hello/ack codec and SCM_RIGHTS/SCM_CREDENTIALS passing. Used inside the
 * preload library too: no allocation, no stdio, errno-free returns. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wire.h"

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

void wire_hello_encode_range(uint8_t out[WIRE_HELLO_SIZE], pid_t pid, uint16_t min,
			     uint16_t max)
{
	put32(out, WIRE_MAGIC);
	put16(out + 4, max);
	put16(out + 6, 0);
	put32(out + 8, (uint32_t)pid);
	put16(out + 12, max > 1 ? min : 0);
	put16(out + 14, 0);
}

void wire_hello_set_flags(uint8_t out[WIRE_HELLO_SIZE], uint16_t flags)
{
	put16(out + 6, flags);
}

void wire_hello_encode(uint8_t out[WIRE_HELLO_SIZE], pid_t pid)
{
	wire_hello_encode_range(out, pid, 1, 1);
}

void wire_hello_encode_status(uint8_t out[WIRE_HELLO_SIZE], pid_t pid)
{
	wire_hello_encode_range(out, pid, WIRE_VERSION_STATUS, WIRE_VERSION_STATUS);
	wire_hello_set_flags(out, WIRE_HELLO_STATUS);
}

/* The flags a hello of version v may carry: none in version 1, EXEC from
 * 2, STATUS from 3; never both. */
static bool flags_ok(uint16_t v, uint16_t flags)
{
	uint16_t known = v >= WIRE_VERSION_STATUS ? WIRE_HELLO_FLAGS :
			 v >= 2 ? WIRE_HELLO_EXEC : 0;

	return (flags & ~known) == 0 &&
	       (flags & (WIRE_HELLO_EXEC | WIRE_HELLO_STATUS)) !=
		       (WIRE_HELLO_EXEC | WIRE_HELLO_STATUS);
}

/* The fields after the version, in the layout of h->version: 0 or
 * WIRE_EBADHELLO. */
static int hello_fields(const uint8_t *buf, size_t len, struct wire_hello *h)
{
	if (len != WIRE_HELLO_SIZE)
		return WIRE_EBADHELLO;
	h->flags = get16(buf + 6);
	h->pid = (int32_t)get32(buf + 8);
	h->min_version = get16(buf + 12);
	h->reserved = get16(buf + 14);
	if (h->version == 1) {
		if (h->min_version != 0)
			return WIRE_EBADHELLO;
		h->min_version = 1;
	} else if (h->min_version < 1 || h->min_version > h->version) {
		return WIRE_EBADHELLO;
	}
	if (!flags_ok(h->version, h->flags) || h->reserved != 0 || h->pid <= 0)
		return WIRE_EBADHELLO;
	return WIRE_OK;
}

int wire_hello_decode(const uint8_t *buf, size_t len, struct wire_hello *out)
{
	struct wire_hello h;
	int st;

	if (len < 6)
		return WIRE_EBADHELLO;
	h.magic = get32(buf);
	h.version = get16(buf + 4);
	if (h.magic != WIRE_MAGIC)
		return WIRE_EBADHELLO;
	st = h.version == 0 ? WIRE_EVERSION : hello_fields(buf, len, &h);
	if (st != WIRE_OK && h.version > WIRE_VERSION_STATUS)
		st = WIRE_EVERSION;	/* a newer layout: the version is the problem */
	if (st == WIRE_EVERSION)
		out->version = h.version;
	if (st == WIRE_OK)
		*out = h;
	return st;
}

unsigned wire_version_pick(const struct wire_hello *h)
{
	bool status = h->flags & WIRE_HELLO_STATUS;
	unsigned ours_lo = status ? WIRE_VERSION_STATUS : WIRE_VERSION_MIN;
	unsigned ours_hi = status ? WIRE_VERSION_STATUS : WIRE_VERSION_MAX;
	unsigned lo = h->min_version > ours_lo ? h->min_version : ours_lo;
	unsigned hi = h->version < ours_hi ? h->version : ours_hi;

	return hi >= lo ? hi : 0;
}

size_t wire_ack_encode_v(uint8_t out[WIRE_ACK_MAX], uint16_t version, enum wire_status status,
			 uint64_t id)
{
	put32(out, WIRE_MAGIC);
	put16(out + 4, version);
	put16(out + 6, (uint16_t)status);
	if (status != WIRE_OK || version < 2)
		return WIRE_ACK_SIZE;
	put64(out + 8, id);
	return WIRE_ACK_V2_SIZE;
}

void wire_ack_encode(uint8_t out[WIRE_ACK_SIZE], enum wire_status status)
{
	put32(out, WIRE_MAGIC);
	put16(out + 4, 1);
	put16(out + 6, (uint16_t)status);
}

/* The length an ack with this header must have; 0: no layout we know. */
static size_t ack_size(const struct wire_ack *a)
{
	if (a->status != WIRE_OK || a->version == 1)
		return WIRE_ACK_SIZE;
	return a->version == 2 || a->version == WIRE_VERSION_STATUS ? WIRE_ACK_V2_SIZE : 0;
}

int wire_ack_decode(const uint8_t *buf, size_t len, struct wire_ack *out)
{
	struct wire_ack a;

	if (len < WIRE_ACK_SIZE)
		return -EPROTO;
	a.magic = get32(buf);
	a.version = get16(buf + 4);
	a.status = get16(buf + 6);
	a.id = 0;
	if (a.magic != WIRE_MAGIC || len != ack_size(&a))
		return -EPROTO;
	if (len == WIRE_ACK_V2_SIZE) {
		a.id = get64(buf + 8);
		if (a.id == 0)
			return -EPROTO;
	}
	*out = a;
	return 0;
}

const char *wire_status_str(unsigned status)
{
	switch (status) {
	case WIRE_OK:
		return "ok";
	case WIRE_EVERSION:
		return "protocol version unsupported";
	case WIRE_ETOOMANY:
		return "too many programs";
	case WIRE_ENOFDS:
		return "tracerd is out of file descriptors";
	case WIRE_EBADHELLO:
		return "malformed hello";
	case WIRE_ENOTLISTENER:
		return "the fd passed is not a seccomp listener";
	case WIRE_ESHUTDOWN:
		return "tracerd is shutting down";
	}
	return "unknown status";
}

int wire_send(int sock, const void *buf, size_t len, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EPROTO;
}

/* Take the fds of one SCM_RIGHTS header: keep the first, close the rest. */
static void take_fds(struct cmsghdr *c, struct wire_recv *out)
{
	size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

	for (size_t i = 0; i < n; i++) {
		int fd;

		memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
		if (out->fd < 0)
			out->fd = fd;
		else
			(void)close(fd);
		out->nfds++;
	}
}

int wire_recv(int sock, void *buf, size_t len, int flags, struct wire_recv *out)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
	ssize_t n;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	do
		n = recvmsg(sock, &msg, flags | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	out->len = n;
	out->truncated = !!(msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC));
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		if (c->cmsg_type == SCM_RIGHTS) {
			take_fds(c, out);
		} else if (c->cmsg_type == SCM_CREDENTIALS &&
			   c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
			struct ucred cr;

			memcpy(&cr, CMSG_DATA(c), sizeof(cr));
			out->has_creds = 1;
			out->pid = cr.pid;
			out->uid = cr.uid;
		}
	}
	return 0;
}
