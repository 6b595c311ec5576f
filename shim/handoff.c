/* Talking to tracerd from inside a host program: raw calls, stack buffers,
 * no allocation. The filter may already be in: nothing here may mkdir. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../common/compat.h"
#include "../common/sockname.h"
#include "../common/wire.h"
#include "handoff.h"

#define ANCESTRY_MAX 16	/* levels of /proc/PID/stat read to find the ptracer */

enum { TRY_OK = 0, TRY_FAIL = -1, TRY_CUT = 1, TRY_AGAIN = 2 };

static int fail(struct handoff_err *e, const char *what, int err)
{
	e->what = what;
	e->err = err;
	e->status = 0;
	e->peer_version = 0;
	return -1;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void handoff_init(struct handoff *h, const char *name)
{
	*h = (struct handoff){ .name = name, .backoff_ms = HANDOFF_BACKOFF_MS,
			       .version = WIRE_VERSION_MAX };
	h->deadline_ns = now_ns() + (int64_t)HANDOFF_TIMEOUT_MS * 1000000;
}

/* Sleep before the next try; -1 when it would end past the deadline. */
static int pause_for_retry(struct handoff *h)
{
	int64_t ns = (int64_t)h->backoff_ms * 1000000;
	struct timespec ts = { .tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000 };

	if (now_ns() + ns >= h->deadline_ns)
		return -1;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	h->backoff_ms *= 2;
	if (h->backoff_ms > HANDOFF_BACKOFF_MAX_MS)
		h->backoff_ms = HANDOFF_BACKOFF_MAX_MS;
	return 0;
}

/* SO_SNDTIMEO and SO_RCVTIMEO: what is left of the deadline (they bound
 * connect on a full backlog, and the ack wait). */
static int set_timeouts(struct handoff *h, int s)
{
	int64_t left = h->deadline_ns - now_ns();
	struct timeval tv;

	if (left < 1000000)
		left = 1000000;	/* 0 would mean no time-out at all */
	tv.tv_sec = left / 1000000000;
	tv.tv_usec = (left % 1000000000) / 1000;
	if (setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return -1;
	return 0;
}

int handoff_connect(struct handoff *h, struct handoff_err *e)
{
	struct sockaddr_un addr;
	socklen_t alen = sockname_addr(h->name, &addr);
	struct ucred peer;
	socklen_t plen = sizeof(peer);
	int one = 1;
	int s;

	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return fail(e, "cannot create a socket", errno);
	if (set_timeouts(h, s) < 0)
		goto fail_errno;
	h->tries++;
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
	h->server_pid = peer.pid;
	/* after connect, before the hello: the ack then carries tracerd's pid */
	if (setsockopt(s, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
		goto fail_errno;
	return s;

fail_errno:
	(void)fail(e, "cannot set up the socket", errno);
	(void)close(s);
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

int handoff_open(struct handoff *h, struct handoff_err *e)
{
	for (;;) {
		int s = handoff_connect(h, e), st;

		if (s < 0 && !(e->err == ECONNREFUSED && h->cut))
			return -1;
		if (s >= 0) {
			st = early_refusal(s);
			if (!st)
				return s;
			(void)close(s);
			(void)fail(e, "tracerd refused the connection", 0);
			e->status = st;
			if (st != WIRE_ESHUTDOWN)
				return -1;
			h->cut = true;	/* stopping: its successor may be there soon */
		}
		if (pause_for_retry(h) < 0)
			return -1;
	}
}

static size_t put_uint(char *p, unsigned long v)
{
	char tmp[20];
	size_t n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	for (size_t i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

/* The parent of pid from /proc/PID/stat, "pid (comm) S ppid ...": comm may
 * hold ')' and spaces, the last ')' ends it. 0 when unknown. */
static pid_t parent_of(pid_t pid)
{
	char path[32] = "/proc/", buf[128];
	size_t n = 6;
	ssize_t len;
	long ppid = 0;
	int fd;
	char *p = NULL;

	n += put_uint(path + n, (unsigned long)pid);
	memcpy(path + n, "/stat", 6);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	len = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	for (ssize_t i = 0; i < len; i++)
		if (buf[i] == ')')
			p = buf + i;
	if (!p || p + 4 >= buf + len || p[1] != ' ' || p[3] != ' ')
		return 0;
	for (p += 4; p < buf + len && *p >= '0' && *p <= '9'; p++)
		ppid = ppid * 10 + (*p - '0');
	return ppid > 0 && ppid < 0x7fffffff ? (pid_t)ppid : 0;
}

/* Is anc an ancestor of pid (within ANCESTRY_MAX levels)? */
static bool is_ancestor(pid_t anc, pid_t pid)
{
	for (int i = 0; i < ANCESTRY_MAX && pid > 1; i++) {
		pid = parent_of(pid);
		if (pid == anc)
			return true;
	}
	return false;
}

/* Yama: let tracerd read our memory (EINVAL where Yama is absent). Declare
 * the process that listen()ed on the socket when it is an ancestor of
 * tracerd (socket activation: the service manager, which outlives every
 * restart of tracerd; Yama accepts its descendants), else tracerd. */
static int declare_ptracer(struct handoff *h, pid_t ack_pid, struct handoff_err *e)
{
	pid_t who = ack_pid;

	if (h->server_pid > 0 && ack_pid > 0 && h->server_pid != ack_pid &&
	    is_ancestor(h->server_pid, ack_pid))
		who = h->server_pid;
	if (who <= 0)
		return TRY_OK;
	h->ptracer = who;
	if (prctl(PR_SET_PTRACER, (unsigned long)who, 0, 0, 0) < 0 && errno != EINVAL)
		return fail(e, "cannot declare tracerd as ptracer", errno);
	return TRY_OK;
}

/* A refusal: ESHUTDOWN is a cut (try again); EVERSION from an older
 * tracerd whose highest version we speak, once, a try in that version. */
static int refused(struct handoff *h, const struct wire_ack *a, const char *what,
		   struct handoff_err *e)
{
	(void)fail(e, what, 0);
	e->status = a->status;
	if (a->status == WIRE_ESHUTDOWN)
		return TRY_CUT;
	if (a->status != WIRE_EVERSION)
		return TRY_FAIL;
	e->peer_version = a->version;
	if (h->downgraded || a->version < WIRE_VERSION_MIN || a->version >= h->version)
		return TRY_FAIL;
	h->version = a->version;
	h->downgraded = true;
	return TRY_AGAIN;
}

/* One hello and its ack on sock: TRY_OK, TRY_FAIL, or try again. */
static int exchange(struct handoff *h, int sock, int listener, struct handoff_err *e)
{
	uint8_t hello[WIRE_HELLO_SIZE], ack[WIRE_ACK_MAX];
	struct wire_ack a = { .version = WIRE_VERSION_MIN };
	struct wire_recv rv;
	int r;

	wire_hello_encode_range(hello, getpid(), WIRE_VERSION_MIN, (uint16_t)h->version);
	if (h->version >= 2)
		wire_hello_set_flags(hello, h->hello_flags);
	r = wire_send(sock, hello, sizeof(hello), listener);
	if (r < 0 && (a.status = (uint16_t)early_refusal(sock)) != 0)
		return refused(h, &a, "tracerd refused the connection", e);	/* it said why */
	if (r < 0) {
		(void)fail(e, "cannot send the listener to tracerd", -r);
		return r == -EPIPE || r == -ECONNRESET ? TRY_CUT : TRY_FAIL;
	}
	r = wire_recv(sock, ack, sizeof(ack), 0, &rv);
	if (r < 0) {
		(void)fail(e, r == -EAGAIN ? "no answer from tracerd within 2 s" :
			   "cannot read tracerd's answer", -r);
		return r == -ECONNRESET ? TRY_CUT : TRY_FAIL;
	}
	if (rv.fd >= 0)
		(void)close(rv.fd);
	if (rv.len == 0) {
		(void)fail(e, "tracerd closed the connection", 0);
		return TRY_CUT;
	}
	if (rv.truncated || wire_ack_decode(ack, (size_t)rv.len, &a) < 0)
		return fail(e, "malformed answer from tracerd", 0);
	if (!rv.has_creds || rv.uid != geteuid())
		return fail(e, "tracerd's answer has foreign credentials, refusing it", 0);
	if (a.status != WIRE_OK)
		return refused(h, &a, "tracerd refused the listener", e);
	if (a.version < WIRE_VERSION_MIN || a.version > h->version)
		return fail(e, "tracerd answered in another protocol version", 0);
	h->acked = a.version;
	h->id = a.id;
	return declare_ptracer(h, rv.pid, e);
}

int handoff_send(struct handoff *h, int sock, int listener, struct handoff_err *e)
{
	for (;;) {
		int r = exchange(h, sock, listener, e);

		(void)close(sock);
		if (r == TRY_OK || r == TRY_FAIL)
			return r;
		if (r == TRY_CUT) {
			h->cut = true;
			if (pause_for_retry(h) < 0)
				return -1;
		}
		sock = handoff_open(h, e);
		if (sock < 0)
			return -1;
	}
}

/* The line, built on the stack (the constructor may not allocate). */
struct line {
	char buf[512];
	size_t len;
};

static void add_n(struct line *l, const char *s, size_t n)
{
	if (n > sizeof(l->buf) - 1 - l->len)
		n = sizeof(l->buf) - 1 - l->len;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

/* s: one of our static strings */
static void add(struct line *l, const char *s)
{
	add_n(l, s, strlen(s));
}

static void add_uint(struct line *l, unsigned v)
{
	char d[12];	/* 10 digits at most, and the NUL */
	char *p = d + sizeof(d) - 1;

	*p = 0;
	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	add_n(l, p, (size_t)(d + sizeof(d) - 1 - p));
}

/* A version refusal names both ranges (tracerd's lowest is not on the
 * wire: up to its highest). */
static void add_versions(struct line *l, unsigned peer)
{
	add(l, peer > WIRE_VERSION_MAX ? ": tracerd speaks only protocol versions above " :
		": tracerd speaks protocol versions up to ");
	add_uint(l, peer > WIRE_VERSION_MAX ? WIRE_VERSION_MAX : peer);
	if (peer > WIRE_VERSION_MAX) {
		add(l, " (up to ");
		add_uint(l, peer);
		add(l, ")");
	}
	add(l, ", this library ");
	add_uint(l, WIRE_VERSION_MIN);
	add(l, "-");
	add_uint(l, WIRE_VERSION_MAX);
}

void handoff_say(const char *who, const char *name, const struct handoff_err *e, int warning,
		 const char *tail)
{
	struct line l = { .len = 0 };
	const char *desc;

	add(&l, who);
	add(&l, ": ");
	if (warning)
		add(&l, "warning: ");
	add(&l, "socket @");
	l.len += sockname_escape(name, l.buf + l.len, sizeof(l.buf) - 1 - l.len);
	add(&l, ": ");
	add(&l, e->what);
	if (e->status) {
		add(&l, ": ");
		add(&l, wire_status_str((unsigned)e->status));
		if (e->status == WIRE_EVERSION && e->peer_version)
			add_versions(&l, e->peer_version);
	} else if (e->err) {
		desc = strerrordesc_np(e->err);
		add(&l, ": ");
		add(&l, desc ? desc : "unknown error");
	}
	if (tail)
		add(&l, tail);
	add(&l, "\n");
	(void)!write(STDERR_FILENO, l.buf, l.len);
}
