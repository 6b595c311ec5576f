/* The answering threads' shared state, for loop.c and park.c only. */
#ifndef TRACERD_POOL_H
#define TRACERD_POOL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "loop.h"

#define STALL_MS 100	/* a call this long is stalled */

struct worker {
	unsigned idx;
	pthread_t th;
	struct notif_ctx *x;
	uint64_t busy_since;	/* ms, 0 when idle (pool lock) */
	struct listener *cur;
	struct listener *parked;	/* serving only it (park.c; pool lock) */
	uint64_t last_call;	/* ms, when its last call ended */
	bool kick;		/* leave the parked listener (pool lock) */
	bool readded;		/* the parked listener is back in the set */
	int kickfd;		/* eventfd: wakes the parked thread's poll */
};

struct pool {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	_Atomic unsigned leader;
	unsigned n;
	unsigned max_parked;	/* online CPUs - 1, at least 1: the leader keeps one */
	struct worker *w;
	int epfd, listen_fd;
	bool stopping;
	bool warned;
};

enum arming { ARM_LEVEL, ARM_EDGE, ARM_ONESHOT };

extern struct pool pool;	/* guarded by pool.lock (loop_lock) */
extern enum arming arming;

/* The last user of a detached listener frees it (pool lock held). */
void pool_release(struct listener *l);
/* w is inside a call of l from now on / no more, for the watchdog (pool
 * lock held). */
void pool_enter(struct worker *w, struct listener *l);
void pool_leave(struct worker *w);
/* An idle spare to take the epoll set, or -1 (pool lock held). */
int pool_idle_spare(unsigned except);

/* park.c */
void park_kick(struct worker *w);
void park_try(struct worker *w, struct listener *l);
void park_serve(struct worker *w);
void park_watch(uint64_t now);

#endif
