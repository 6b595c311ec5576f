#ifndef NOTIF_HANDOFF_H
#define NOTIF_HANDOFF_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Why a step failed: the text of the `libnotif:` line. */
struct handoff_err {
	const char *what;	/* a static message */
	int err;		/* errno, or 0 */
	int status;		/* tracerd's ack status, or 0 */
	unsigned peer_version;	/* WIRE_EVERSION: tracerd's highest version */
};

#define HANDOFF_TIMEOUT_MS 2000
#define HANDOFF_BACKOFF_MS 20	/* the first pause before a new try, doubled */
#define HANDOFF_BACKOFF_MAX_MS 80

/* One start of a program: the tries to hand its listener over, all within
 * one deadline from the first connect. */
struct handoff {
	const char *name;	/* the abstract socket name */
	int64_t deadline_ns;	/* CLOCK_MONOTONIC */
	unsigned backoff_ms;	/* the next pause */
	bool cut;		/* tracerd stopped under this start: ECONNREFUSED is retried */
	bool downgraded;	/* asked again in an older tracerd's version */
	unsigned version;	/* the highest version the next hello offers */
	pid_t server_pid;	/* SO_PEERCRED: who listen()ed (tracerd, or its service manager) */
	uint16_t hello_flags;	/* WIRE_HELLO_* for a hello of version 2 on (notif-run: EXEC) */
	/* the outcome */
	unsigned acked;		/* the version of the ack */
	uint64_t id;		/* the listener id (version 2 on), or 0 */
	pid_t ptracer;		/* the pid declared with PR_SET_PTRACER, or 0 */
	unsigned tries;		/* connections made */
};

/* Start the deadline: HANDOFF_TIMEOUT_MS from now. */
void handoff_init(struct handoff *h, const char *name);

/* Connect to the abstract socket once and check the server is our euid.
 * Returns the socket or -1 with *e filled. */
int handoff_connect(struct handoff *h, struct handoff_err *e);

/* Connect, and read a refusal tracerd may already have sent (out of fds,
 * too many programs): before the filter exists, so a refusal can still fail
 * open. While tracerd restarts (WIRE_ESHUTDOWN; then ECONNREFUSED until
 * the new one listens) it tries again until the deadline; ECONNREFUSED at
 * the first connect is final (no tracerd). The socket, or -1 with *e. */
int handoff_open(struct handoff *h, struct handoff_err *e);

/* Send the listener with the hello on sock (closed here), wait for the
 * ack until the deadline, check its credentials, declare the ptracer.
 * When a stop cuts the handshake (EOF, ECONNRESET, EPIPE, WIRE_ESHUTDOWN),
 * again on a new connection; when an older tracerd refuses our version but
 * names one we speak, once more in that one. 0 or -1 with *e. */
int handoff_send(struct handoff *h, int sock, int listener, struct handoff_err *e);

/* One line on stderr, "WHO: [warning: ]socket @NAME: WHAT[: WHY][TAIL]"
 * (WHO: libnotif, or notif-run), from *e; without allocation or stdio. */
void handoff_say(const char *who, const char *name, const struct handoff_err *e, int warning,
		 const char *tail);

#endif
