/* The answering threads' shared state and the one lock over it. */
#ifndef TRACERD_POOL_H
#define TRACERD_POOL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define STALL_MS 100	/* a call this long is stalled */

struct listener;
struct notif_ctx;

struct worker {
	unsigned idx;
	pthread_t th;
	struct notif_ctx *x;
	uint64_t busy_since;	/* ms, 0 when idle */
	struct listener *cur;	/* whose call it is inside */
	struct listener *parked;	/* serving only it (park.c) */
	uint64_t last_call;	/* ms, when its last call ended */
	bool kick;		/* leave the parked listener */
	bool readded;		/* the parked listener is back in the set */
	int kickfd;		/* eventfd: wakes the parked thread's poll */
};

/* Everything here is guarded by pool.lock unless said otherwise. */
struct pool {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	_Atomic unsigned leader;	/* read unlocked by the threads */
	unsigned n;		/* threads started; grows up to max, never shrinks */
	unsigned max;		/* --max-threads: pool.w has room for that many */
	unsigned ncapped;	/* listeners out of the set for the share (loop.c) */
	unsigned max_parked;	/* online CPUs - 1, at least 1: the leader keeps one */
	struct worker *w;
	int epfd;		/* set before the threads start, then fixed */
	_Atomic bool stopping;	/* set once, under the lock; read unlocked too */
	bool warned;
	bool grew;		/* said on stderr that threads were added */
	uint64_t main_wake;	/* when the main thread wakes next (ms; UINT64_MAX: never) */
	int wakefd;		/* eventfd: wakes it earlier */
};

extern struct pool pool;

void pool_lock(void);
void pool_unlock(void);
uint64_t pool_now_ms(void);

/* Set up the lock's users: the epoll set and the main thread's eventfd.
 * 0 or -errno. */
int pool_init(unsigned nthreads, unsigned max_threads);

/* w is inside a call of l from now on / no more (pool lock held): what the
 * watchdog reads. Entering sets the deadline of a call that could stall. */
void pool_enter(struct worker *w, struct listener *l);
void pool_leave(struct worker *w);

/* An idle spare to take the epoll set, or -1 (pool lock held). */
int pool_idle_spare(unsigned except);

/* Threads not inside a call, parked ones included (pool lock held). */
unsigned pool_free_threads(void);

/* Make the main thread wake by `at` (ms) at the latest (pool lock held):
 * the only wake-ups of an idle daemon are deadlines that exist. */
void pool_deadline(uint64_t at);

#endif
