/* Connect, filter, hand-off: the order of the library's constructor
 * (shim/shim.c), so a refusal before the filter can still fail open, and a
 * failure after it never runs the program (every later mkdir would get
 * ENOSYS, or wait for ever for a listener nobody reads). */
#include <errno.h>
#include <limits.h>
#include <unistd.h>

#include "../common/wire.h"
#include "../shim/autostart.h"
#include "../shim/filter.h"
#include "../shim/handoff.h"
#include "attach.h"

#define WHO "notif-run"

/* Connect to name; when nothing listens there, autostart a tracerd and
 * connect again. The socket or -1 with *e. */
static int open_socket(struct handoff *h, const char *name, bool autostart,
		       struct handoff_err *e)
{
	char self[PATH_MAX];
	ssize_t n;
	int sock = handoff_open(h, e);

	if (sock >= 0 || e->err != ECONNREFUSED || !autostart || !autostart_enabled())
		return sock;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		n = 0;
	self[n] = 0;
	if (autostart_tracerd(name, n ? self : NULL, e) < 0)
		return -1;
	handoff_init(h, name);	/* a new deadline from the daemon's start */
	return handoff_open(h, e);
}

static enum attach_result failed(const char *name, struct handoff_err *e, bool may_open,
				 const char *tail)
{
	if (may_open) {
		handoff_say(WHO, name, e, 1, tail);
		return ATTACH_OPEN;
	}
	handoff_say(WHO, name, e, 0, NULL);
	return ATTACH_FAILED;
}

enum attach_result attach_self(const char *name, bool autostart, bool on_error_open,
			       struct attach_info *info)
{
	struct handoff_err e = { 0 };
	struct handoff h;
	bool unsynced;
	int sock, listener;

	info->id = 0;
	info->server_pid = 0;
	if (filter_covered())
		return ATTACH_COVERED;
	handoff_init(&h, name);
	h.hello_flags = WIRE_HELLO_EXEC;	/* tracerd names the program, not us */
	sock = open_socket(&h, name, autostart, &e);
	if (sock < 0)
		return failed(name, &e, on_error_open, "; running the program unsupervised");
	listener = filter_install(&e, &unsynced);	/* one thread: always in sync */
	if (listener < 0) {
		(void)close(sock);
		return failed(name, &e, on_error_open && e.err == EBUSY,
			      "; running the program unsupervised with no_new_privs set");
	}
	if (handoff_send(&h, sock, listener, &e) < 0) {
		(void)close(listener);
		return failed(name, &e, false, NULL);
	}
	(void)close(listener);
	info->id = h.id;
	info->server_pid = h.server_pid;
	return ATTACH_OK;
}
