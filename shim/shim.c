/* libnotif.so: the constructor only. It runs before main in the host
 * program, hands a seccomp listener for mkdir/mkdirat to tracerd and gets
 * out of the way: no allocation, no stdio, no thread, no exported symbol,
 * errno preserved, and one `libnotif:` line on stderr when something is
 * wrong. The only exit is the documented fail-closed _exit(126). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/sockname.h"
#include "autostart.h"
#include "filter.h"
#include "handoff.h"

/* Defined (and exported) by tracerd only: the library stays inert there. */
extern const char tracerd_marker[] __attribute__((weak, visibility("default")));

static int fail_open(void)
{
	const char *v = getenv("NOTIF_ON_ERROR");

	return v && strcmp(v, "open") == 0;
}

/* NOTIF_ON_ERROR is "open", "closed" or unset (empty too): anything else
 * is a mistake worth one line, and fails closed. */
static void check_on_error(void)
{
	static const char head[] = "libnotif: warning: NOTIF_ON_ERROR='";
	static const char tail[] = "' is neither 'open' nor 'closed'; failing closed\n";
	const char *v = getenv("NOTIF_ON_ERROR");
	char lead[64], line[sizeof(head) + 4 * sizeof(lead) + 3 + sizeof(tail)];
	size_t n;

	if (!v || !v[0] || strcmp(v, "open") == 0 || strcmp(v, "closed") == 0)
		return;
	n = strnlen(v, sizeof(lead) - 1);
	memcpy(lead, v, n);
	lead[n] = '\0';
	memcpy(line, head, sizeof(head) - 1);
	n = sizeof(head) - 1 + sockname_escape(lead, line + sizeof(head) - 1, 4 * sizeof(lead));
	if (v[strnlen(v, sizeof(lead) - 1)]) {
		memcpy(line + n, "...", 3);	/* cut */
		n += 3;
	}
	memcpy(line + n, tail, sizeof(tail) - 1);
	(void)!write(STDERR_FILENO, line, n + sizeof(tail) - 1);
}

/* The name from TRACERD_SOCKET (or tracerd-<euid>); NULL, or what is
 * wrong with the variable, with name holding as much of it as fits (the
 * line escapes it). */
static const char *socket_name(char name[SOCKNAME_MAX + 1])
{
	const char *v = getenv("TRACERD_SOCKET");
	const char *bad = sockname_invalid(v, false);
	size_t n;

	if (!bad) {
		(void)sockname_get(v, geteuid(), name);
		return NULL;
	}
	n = strnlen(v, SOCKNAME_MAX);
	memcpy(name, v, n);
	name[n] = '\0';
	return bad;
}

/* Connect; when no tracerd serves the name, autostart one and again. */
static int connect_or_start(struct handoff *h, const char *name, struct handoff_err *e)
{
	int sock;

	handoff_init(h, name);	/* 2 s from here, for every try */
	sock = handoff_open(h, e);
	if (sock >= 0 || e->err != ECONNREFUSED || !autostart_enabled())
		return sock;
	if (autostart_tracerd(name, NULL, e) < 0)
		return -1;
	handoff_init(h, name);
	return handoff_open(h, e);
}

static void supervise(void)
{
	char name[SOCKNAME_MAX + 1];
	struct handoff_err e = { 0 };
	struct handoff h;
	int sock, listener;
	bool unsynced;

	check_on_error();
	e.what = socket_name(name);
	if (e.what)
		goto refuse;
	/* before the filter: the daemon an autostart makes is not under it */
	sock = connect_or_start(&h, name, &e);
	if (sock < 0)
		goto refuse;
	listener = filter_install(&e, &unsynced);
	if (unsynced) {
		struct handoff_err gap = { .what = "another thread could not be synchronized; "
						   "threads started before libnotif are not covered" };

		handoff_say("libnotif", name, &gap, 1, NULL);
	}
	if (listener < 0) {
		(void)close(sock);
		if (fail_open() && e.err == EBUSY) {
			handoff_say("libnotif", name, &e, 1, "; running unsupervised with no_new_privs set");
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
		handoff_say("libnotif", name, &e, 1, "; running unsupervised");
		return;
	}
fatal:
	handoff_say("libnotif", name, &e, 0, NULL);
	_exit(126);
}

__attribute__((constructor)) static void libnotif_init(void)
{
	int saved = errno;

	if (tracerd_marker || filter_covered()) {
		errno = saved;
		return;
	}
	supervise();
	errno = saved;
}
