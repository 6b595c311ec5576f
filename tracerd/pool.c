/* The pool lock and what it guards.
 *
 * Lock order: tracerd has five locks, and a thread never holds two of
 * them at once:
 *   pool lock       (here) listener lifetimes (inuse, dead, parker),
 *                   leadership, parking, the watchdog's view of calls,
 *                   the main thread's next wake-up;
 *   handshake lock  (handshake.c) the pending handshakes;
 *   rejects lock    (rejects.c) the counts of reject events;
 *   tidcache lock   (tidcache.c) the kept /proc fds;
 *   audit lock      (audit.c) the log fd, its reservation and losses.
 * So nothing is written to the log while the pool lock is held: events
 * of the loop (detach, lost) are written after it is released, and a
 * listener's kept fds are purged once it is unlocked. */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "pool.h"

struct pool pool = {
	.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER,
	.epfd = -1, .wakefd = -1, .main_wake = UINT64_MAX,
};

void pool_lock(void)
{
	pthread_mutex_lock(&pool.lock);
}

void pool_unlock(void)
{
	pthread_mutex_unlock(&pool.lock);
}

uint64_t pool_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int pool_init(unsigned nthreads, unsigned max_threads)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	pool.n = nthreads;
	pool.max = max_threads;
	pool.max_parked = cpus > 2 ? (unsigned)cpus - 1 : 1;
	pool.epfd = epoll_create1(EPOLL_CLOEXEC);
	pool.wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (pool.epfd < 0 || pool.wakefd < 0)
		return -errno;
	pool.w = calloc(max_threads, sizeof(*pool.w));
	return pool.w ? 0 : -ENOMEM;
}

void pool_deadline(uint64_t at)
{
	if (at >= pool.main_wake)
		return;
	pool.main_wake = at;
	(void)eventfd_write(pool.wakefd, 1);
}

void pool_enter(struct worker *w, struct listener *l)
{
	w->busy_since = pool_now_ms();
	w->cur = l;
	pool_deadline(w->busy_since + STALL_MS);
}

void pool_leave(struct worker *w)
{
	w->busy_since = 0;
	w->cur = NULL;
	w->last_call = pool_now_ms();
	if (pool.ncapped)
		pool_deadline(w->last_call);	/* a thread is free: the share may end */
}

int pool_idle_spare(unsigned except)
{
	for (unsigned i = 0; i < pool.n; i++)
		if (i != except && !pool.w[i].busy_since && !pool.w[i].parked)
			return (int)i;
	return -1;
}

unsigned pool_free_threads(void)
{
	unsigned k = 0;

	for (unsigned i = 0; i < pool.n; i++)
		k += !pool.w[i].busy_since;
	return k;
}
