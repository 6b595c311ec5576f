/* Handshakes, passively: the loop hands over what epoll reports, this
 * file authenticates, reads the hello and answers; it never calls back
 * into the loop (ntpd's control.c). Every step that can fail answers with
 * a status where the client can still read one and records a `reject`. */
#ifndef TRACERD_HANDSHAKE_H
#define TRACERD_HANDSHAKE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../common/wire.h"
#include "item.h"

struct handshake {
	struct item it;		/* first: what epoll reports */
	pid_t pid;		/* the peer at connect (SO_PEERCRED) */
	unsigned version;	/* the protocol version of the ack, from the hello */
	uint16_t flags;		/* the hello's WIRE_HELLO_* */
	uint64_t deadline_ms;
	bool expired;
	struct handshake *prev, *next;
};

#define HANDSHAKE_MS 2000

/* At most this many pending at once (the oldest gives way). */
void handshake_limits(unsigned max_pending);

/* Accept one connection and authenticate its peer; a pending handshake
 * (its it.fd to watch for the hello), or NULL (none, or refused). */
struct handshake *handshake_accept(int listen_fd, uint64_t now_ms);

/* Drop a handshake the loop could not watch (refused, freed). */
void handshake_drop(struct handshake *h);

/* The hello arrived (or the connection ended): 0 when there is nothing
 * to read yet; -1 when it is over (rejected; h is freed); 1 with *lfd the
 * listener it brought: attach it, then call handshake_finish; 2 for a
 * status request (`tracerd status`): call handshake_status. The loop
 * has taken h out of the epoll set before any non-zero return is used. */
int handshake_read(struct handshake *h, int *lfd);

/* Answer a status request (statusd.c) and free h. */
void handshake_status(struct handshake *h);

/* Answer st (WIRE_OK: attached as listener id, which a version-2 ack
 * carries) and free h; the listener fd is closed unless st is WIRE_OK. */
void handshake_finish(struct handshake *h, int lfd, enum wire_status st, uint64_t id);

/* End the handshakes past their deadline (their thread then sees EOF);
 * returns the next deadline, UINT64_MAX when none is pending. */
uint64_t handshake_expire(uint64_t now_ms);

/* How many handshakes are pending, without the handshake lock (for a
 * caller that holds another lock). */
unsigned handshake_pending(void);

/* tracerd is stopping: every pending handshake is answered WIRE_ESHUTDOWN
 * and ended. */
void handshake_stop_all(void);

#endif
