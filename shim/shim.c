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
#include "filter.h"
#include "handoff.h"

/* Defined (and exported) by tracerd only: the library stays inert there. */
extern const char tracerd_marker[] __attribute__((weak, visibility("default")));

static int fail_open(void)
{
	const char *v = getenv("NOTIF_ON_ERROR");

	return v && strcmp(v, "open") == 0;
}

static void supervise(void)
{
	char name[SOCKNAME_MAX + 1];
	struct handoff_err e = { 0 };
	struct handoff h;
	int sock, listener;
	bool unsynced;

	if (sockname_get(getenv("TRACERD_SOCKET"), geteuid(), name) < 0) {
		e.what = "TRACERD_SOCKET must be 1-107 bytes";
		memcpy(name, "?", 2);
		goto refuse;
	}
	handoff_init(&h, name);	/* 2 s from here, for every try */
	sock = handoff_open(&h, &e);
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
