#ifndef NOTIF_HANDOFF_H
#define NOTIF_HANDOFF_H

#include <sys/types.h>

/* Why a step failed: the text of the `libnotif:` line. */
struct handoff_err {
	const char *what;	/* a static message */
	int err;		/* errno, or 0 */
	int status;		/* tracerd's ack status, or 0 */
};

/* Connect to the abstract socket NAME and check the server is our euid.
 * Returns the socket or -1 with *e filled. */
int handoff_connect(const char *name, struct handoff_err *e);

/* Did tracerd already refuse us (out of fds, too many clients)? Checked
 * before the filter exists, so the refusal can still fail open. 0 or -1
 * with *e. */
int handoff_refused(int sock, struct handoff_err *e);

/* Send the listener with the hello, wait at most 2 s for the ack, check its
 * credentials and declare the server as our ptracer. 0 or -1 with *e. */
int handoff_send(int sock, int listener, struct handoff_err *e);

#endif
