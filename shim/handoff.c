/* Talking to tracerd from inside a host program: raw calls, stack buffers,
 * no allocation. */
#include <errno.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "../common/compat.h"
#include "../common/sockname.h"
#include "../common/wire.h"
#include "handoff.h"

#define HANDOFF_TIMEOUT_S 2

static int fail(struct handoff_err *e, const char *what, int err)
{
	e->what = what;
	e->err = err;
	return -1;
}

int handoff_connect(const char *name, struct handoff_err *e)
{
	struct timeval tv = { .tv_sec = HANDOFF_TIMEOUT_S };
	struct sockaddr_un addr;
	socklen_t alen = sockname_addr(name, &addr);
	struct ucred peer;
	socklen_t plen = sizeof(peer);
	int one = 1;
	int s;

	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return fail(e, "cannot create a socket", errno);
	/* bounds connect (a full backlog) and the ack wait */
	if (setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		goto fail_errno;
	if (connect(s, (struct sockaddr *)&addr, alen) < 0) {
		int err = errno;

		(void)close(s);
		return fail(e, err == ECONNREFUSED ? "tracerd is not running" :
			    "cannot connect to tracerd", err);
	}
	if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &peer, &plen) < 0)
		goto fail_errno;
	if (peer.uid != geteuid()) {
		(void)close(s);
		return fail(e, "the socket is served by another user, refusing it", 0);
	}
	/* after connect, before the hello: the ack then carries tracerd's pid */
	if (setsockopt(s, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
		goto fail_errno;
	return s;

fail_errno:
	e->err = errno;
	(void)close(s);
	e->what = "cannot set up the socket";
	return -1;
}

/* An ack tracerd already sent (a refusal before our hello): its status,
 * or 0 when none is waiting. */
static int early_refusal(int sock)
{
	uint8_t ack[WIRE_ACK_SIZE];
	struct wire_ack a;
	ssize_t n = recv(sock, ack, sizeof(ack), MSG_DONTWAIT | MSG_PEEK);

	if (n != (ssize_t)sizeof(ack) || wire_ack_decode(ack, sizeof(ack), &a) < 0)
		return 0;
	return a.status;
}

int handoff_refused(int sock, struct handoff_err *e)
{
	int st = early_refusal(sock);

	if (!st)
		return 0;
	e->what = "tracerd refused the connection";
	e->status = st;
	return -1;
}

int handoff_send(int sock, int listener, struct handoff_err *e)
{
	uint8_t hello[WIRE_HELLO_SIZE];
	uint8_t ack[WIRE_ACK_SIZE];
	struct wire_recv rv;
	struct wire_ack a;
	int r;

	wire_hello_encode(hello, getpid());
	r = wire_send(sock, hello, sizeof(hello), listener);
	if (r < 0 && handoff_refused(sock, e) < 0)
		return -1;	/* it said why before closing */
	if (r < 0)
		return fail(e, "cannot send the listener to tracerd", -r);
	r = wire_recv(sock, ack, sizeof(ack), 0, &rv);
	if (r < 0)
		return fail(e, r == -EAGAIN ? "no answer from tracerd within 2 s" :
			    "cannot read tracerd's answer", -r);
	if (rv.fd >= 0)
		(void)close(rv.fd);
	if (rv.len == 0)
		return fail(e, "tracerd closed the connection", 0);
	if (rv.truncated || wire_ack_decode(ack, (size_t)rv.len, &a) < 0)
		return fail(e, "malformed answer from tracerd", 0);
	if (a.version != WIRE_VERSION)
		return fail(e, "tracerd answered in another protocol version", 0);
	if (!rv.has_creds || rv.uid != geteuid())
		return fail(e, "tracerd's answer has foreign credentials, refusing it", 0);
	if (a.status != WIRE_OK) {
		e->status = a.status;
		return fail(e, "tracerd refused the listener", 0);
	}
	/* Yama: let tracerd read our memory; EINVAL where Yama is absent */
	if (rv.pid > 0 && prctl(PR_SET_PTRACER, (unsigned long)rv.pid, 0, 0, 0) < 0 &&
	    errno != EINVAL)
		return fail(e, "cannot declare tracerd as ptracer", errno);
	return 0;
}
