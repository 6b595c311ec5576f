/* A listener's whole life: attached after its handshake, used by the
 * threads that answer its calls (get/put), parked on, detached when every
 * task of its filter is gone, freed by its last user. */
#ifndef TRACERD_LISTENER_H
#define TRACERD_LISTENER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "item.h"

struct worker;

struct listener {
	struct item it;		/* first: what epoll reports */
	uint64_t id;		/* unique, never reused */
	pid_t pid;		/* of the program at attach */
	unsigned inuse;		/* threads inside it (pool lock) */
	bool dead;		/* detached; freed when inuse drops to 0 */
	bool capped;		/* out of the set: its share of threads is used up */
	atomic_bool name_pending;	/* EXEC hello: its attach event waits for a call */
	atomic_ulong answered;	/* calls answered (relaxed: a count for status) */
	uint64_t since_us;	/* attached (or adopted) at, CLOCK_REALTIME */
	uint64_t since_boot_ms;	/* the same, CLOCK_BOOTTIME: older than its pid? */
	struct worker *parker;	/* the thread parked on it, if any (pool lock) */
	struct listener *prev, *next;	/* every live listener (pool lock) */
};

/* The epoll set listeners join, the handler of their events, and how many
 * may be attached at once. Before the threads start. */
void listener_init(int epfd, item_handler *on_event, unsigned max_attached);

/* Attach the listener fd of program pid: SYNC_WAKE_UP (where the kernel
 * has it), then into the epoll set. id 0: a new listener, given the next
 * id; else the id it had before a restart (adopted). A WIRE_* status; on
 * WIRE_OK the fd is the listener's (or closed: another fd of a listener
 * attached already, whose id is given) and *ret_id its id. Takes the
 * pool lock. */
int listener_attach(int lfd, pid_t pid, uint64_t id, uint64_t *ret_id);

/* An EXEC hello's listener: its attach event waits for its first call
 * (listener_take_name says it is that call, once) or its end. */
void listener_name_later(uint64_t id);
bool listener_take_name(struct listener *l);

/* The attached listener of that id, or NULL (pool lock held). */
struct listener *listener_find(uint64_t id);

/* New ids go on from next at least (the in-flight table's count). */
void listener_ids_from(uint64_t next);
/* Since when none is attached (pool lock held): the time of the last
 * detach (ms), 0 when none ever detached, UINT64_MAX while one is. */
uint64_t listener_idle_since(void);

/* How many are attached. */
unsigned listener_count(void);

/* One call of l answered: one relaxed add, the only cost on the path. */
static inline void listener_answered(struct listener *l)
{
	atomic_fetch_add_explicit(&l->answered, 1, memory_order_relaxed);
}

/* What `tracerd status` shows of an attached listener. */
struct listener_info {
	uint64_t id;
	pid_t pid;
	uint64_t since_us, since_boot_ms;
	unsigned long answered;
};

/* Copy up to max attached listeners into out, under the pool lock (no
 * I/O inside: a copy, so no call waits on a status request). How many;
 * *total: how many are attached. */
unsigned listener_snapshot(struct listener_info *out, unsigned max, unsigned *total);

/* For an upgrade: the fd of each attached listener (at most max) into
 * fds, and ":listener-ID-PID" each appended to names. How many. */
unsigned listener_hand_over(int *fds, char *names, unsigned max);

/* The last id given (pool lock held, or a snapshot). */
uint64_t listener_next_id(void);

/* A thread starts using l (pool lock held): false when it is detached or
 * tracerd is stopping. */
bool listener_get(struct listener *l);

/* Done with l (pool lock held); returns l when that was the last use of a
 * detached listener: free it with listener_free once unlocked. */
struct listener *listener_put(struct listener *l);
void listener_free(struct listener *l);

/* Every task of l's filter is gone (EPOLLHUP/POLLHUP): out of the set,
 * dead, and its `detach` event. Without the pool lock (it takes it). */
void listener_hangup(struct listener *l);

/* The share (loop.c): l out of the set until listener_uncap_all, which
 * puts back every capped listener nothing else keeps out (pool lock held). */
void listener_cap(struct listener *l);
void listener_uncap_all(void);

/* Out of / back into the epoll set for parking (pool lock held). 0 or
 * -errno. */
int listener_unwatch(struct listener *l);
int listener_watch(struct listener *l);

#endif
