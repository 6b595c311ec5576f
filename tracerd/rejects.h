/* Reject events, coalesced per peer uid and reason and capped across all:
 * the log space other peers can take is bounded per interval. */
#ifndef TRACERD_REJECTS_H
#define TRACERD_REJECTS_H

#include <stdint.h>
#include <sys/types.h>

#define REJECT_NO_UID ((uid_t)-1)	/* the peer's uid is not known */

/* A refused connection of peer uid (REJECT_NO_UID: unknown), pid (<= 0:
 * unknown): written now, counted into its key's next event, or summed.
 * Takes the rejects lock, then the pool lock, never both. */
void rejects_note(uid_t uid, pid_t pid, const char *why);

/* Write the counts of an interval that ended by now (UINT64_MAX: whatever
 * is counted, at stop); returns when the open interval ends (UINT64_MAX:
 * none). The main thread calls it at its deadlines. */
uint64_t rejects_flush(uint64_t now);

#endif
