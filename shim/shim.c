/* libnotif.so: the constructor only. It runs before main in the host
 * program, hands a seccomp listener for mkdir/mkdirat to tracerd and gets
 * out of the way: no allocation, no stdio, no thread, no exported symbol,
 * errno preserved, and one `libnotif:` line on stderr when something is
 * wrong. The only exit is the documented fail-closed _exit(126). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../common/compat.h"
#include "../common/sockname.h"
#include "../common/syscalls.h"
#include "../common/wire.h"
#include "filter.h"
#include "handoff.h"

/* Defined (and exported) by tracerd only: the library stays inert there. */
extern const char tracerd_marker[] __attribute__((weak, visibility("default")));

struct line {
	char buf[512];
	size_t len;
};

static void add(struct line *l, const char *s)
{
	size_t n = strnlen(s, sizeof(l->buf));

	if (n > sizeof(l->buf) - 1 - l->len)
		n = sizeof(l->buf) - 1 - l->len;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

static void add_uint(struct line *l, unsigned v)
{
	char d[12];	/* 10 digits at most, and the NUL */
	char *p = d + sizeof(d) - 1;

	*p = 0;
	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	add(l, p);
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

/* One line on stderr: "libnotif: [warning: ]socket @NAME: WHAT[: WHY][TAIL]" */
static void say(const char *name, const struct handoff_err *e, int warning, const char *tail)
{
	struct line l = { .len = 0 };
	const char *desc;

	add(&l, "libnotif: ");
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

static int fail_open(void)
{
	const char *v = getenv("NOTIF_ON_ERROR");

	return v && strcmp(v, "open") == 0;
}

static int covered(void)
{
	return syscall(SYSCALLS_PROBE_NR) == -1 && errno == SYSCALLS_PROBE_ERRNO;
}

/* NO_NEW_PRIVS, then the filter. TSYNC covers threads that other
 * constructors started before us; where it cannot, say so and go on for
 * this thread. Returns the listener, or -1 with *e. */
static int install(const char *name, struct handoff_err *e)
{
	struct sock_filter insn[FILTER_MAX_INSNS];
	struct sock_fprog prog = { .filter = insn };
	unsigned long flags = SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC |
			      SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	int n = filter_build(insn, FILTER_MAX_INSNS);
	long fd;

	prog.len = (unsigned short)n;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		e->what = "cannot set no_new_privs";
		e->err = errno;
		return -1;
	}
#ifndef NOTIF_TEST_NO_KILLABLE	/* a test build (make's test library) leaves it out */
	flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
#endif
	fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (fd < 0 && errno == EINVAL && (flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)) {
		flags &= ~SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;	/* before 5.19 */
		fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	}
	if (fd < 0 && errno == ESRCH) {
		struct handoff_err gap = { .what = "another thread could not be synchronized; "
						   "threads started before libnotif are not covered" };

		say(name, &gap, 1, NULL);
		flags &= ~(SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_TSYNC_ESRCH);
		fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	}
	if (fd < 0) {
		e->err = errno;
		e->what = e->err == EBUSY ? "covered by another supervisor" :
					    "cannot install the seccomp filter";
		return -1;
	}
	return (int)fd;
}

static void supervise(void)
{
	char name[SOCKNAME_MAX + 1];
	struct handoff_err e = { 0 };
	struct handoff h;
	int sock, listener;

	if (sockname_get(getenv("TRACERD_SOCKET"), geteuid(), name) < 0) {
		e.what = "TRACERD_SOCKET must be 1-107 bytes";
		memcpy(name, "?", 2);
		goto refuse;
	}
	handoff_init(&h, name);	/* 2 s from here, for every try */
	sock = handoff_open(&h, &e);
	if (sock < 0)
		goto refuse;
	listener = install(name, &e);
	if (listener < 0) {
		(void)close(sock);
		if (fail_open() && e.err == EBUSY) {
			say(name, &e, 1, "; running unsupervised with no_new_privs set");
			return;
		}
		goto fatal;
	}
	/* from here on a failure is fatal: the filter stays, and without a
	 * listener every later mkdir would fail with ENOSYS; and no mkdir may
	 * run until tracerd has the listener (it would wait for ever) */
	if (handoff_send(&h, sock, listener, &e) < 0)
		goto fatal;
	(void)close(listener);
	return;

refuse:
	if (fail_open()) {
		say(name, &e, 1, "; running unsupervised");
		return;
	}
fatal:
	say(name, &e, 0, NULL);
	_exit(126);
}

__attribute__((constructor)) static void libnotif_init(void)
{
	int saved = errno;

	if (tracerd_marker || covered()) {
		errno = saved;
		return;
	}
	supervise();
	errno = saved;
}
