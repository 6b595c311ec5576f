/* Parking: after a call, a leader with an idle spare hands it the epoll
 * set, takes that one listener out of the set and waits on it alone with
 * poll(2). The kernel's SYNC_WAKE_UP (wake the supervisor on the target's
 * vCPU) reaches a thread in poll or RECV, but not one in epoll_wait, whose
 * wake-up goes through epoll's own queue: measured here, 7-8 us a call
 * instead of 17-22 us. A parked thread leaves when the listener hangs up
 * (it detaches it), after PARK_IDLE_MS without a call, at stop, or when a
 * call of it stalls (the listener goes back into the set at once); the
 * watchdog asks it through its eventfd. At most online CPUs - 1 threads
 * park (at least one), so the leader keeps a CPU for the other programs. */
#include <errno.h>
#include <poll.h>
#include <sys/eventfd.h>

#include "listener.h"
#include "log.h"
#include "notif.h"
#include "park.h"
#include "pool.h"
#include "program.h"

#define PARK_IDLE_MS 1000

/* Ask a parked thread to leave (pool lock held). */
void park_kick(struct worker *w)
{
	w->kick = true;
	(void)eventfd_write(w->kickfd, 1);
}

static unsigned parked_count(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < pool.n; i++)
		n += pool.w[i].parked != NULL;
	return n;
}

/* After a call: park on l when a spare can lead (pool lock held). */
void park_try(struct worker *w, struct listener *l)
{
	int spare;

	if (pool.stopping || l->dead || l->capped || l->parker || pool.leader != w->idx ||
	    parked_count() >= pool.max_parked)
		return;
	spare = pool_idle_spare(w->idx);
	if (spare < 0 || listener_unwatch(l) < 0 || !listener_get(l))
		return;
	l->parker = w;
	w->parked = l;
	w->kick = w->readded = false;	/* last_call: set by pool_leave just now */
	atomic_store(&pool.leader, (unsigned)spare);
	pthread_cond_broadcast(&pool.cond);
	pool_deadline(w->last_call + PARK_IDLE_MS);
}

/* The parked listener back into the epoll set (pool lock held); a capped
 * one goes back when its share allows (listener_uncap_all). */
static int readd(struct worker *w)
{
	int r = w->readded || w->parked->capped ? 0 : listener_watch(w->parked);

	w->readded = r == 0;
	return r;
}

/* Leave the parked listener; false when it cannot go back into the set
 * (then we stay: nobody else would answer it). Pool lock held; *gone: a
 * detached listener to free once unlocked. */
static bool unpark(struct worker *w, struct listener **gone)
{
	struct listener *l = w->parked;
	int r = l->dead || pool.stopping ? 0 : readd(w);

	w->kick = false;
	if (r < 0) {
		log_warn_errno(r, "listener of pid %d: cannot put it back into the epoll set; "
			       "its thread stays on it", (int)l->pid);
		return false;
	}
	l->parker = NULL;
	w->parked = NULL;
	*gone = listener_put(l);
	return true;
}

/* Serve the parked listener's calls as they come: RECV and answer,
 * bracketed for the watchdog like the leader's calls. */
void park_serve(struct worker *w)
{
	struct listener *l = w->parked, *gone = NULL;
	eventfd_t v;

	pool_lock();
	while (!((w->kick || l->dead || pool.stopping) && unpark(w, &gone))) {
		struct pollfd p[2] = { { .fd = l->it.fd, .events = POLLIN },
				       { .fd = w->kickfd, .events = POLLIN } };
		bool call;

		pool_unlock();
		if (poll(p, 2, -1) > 0 && p[1].revents)
			(void)eventfd_read(w->kickfd, &v);
		if (!(p[0].revents & POLLIN) && (p[0].revents & (POLLHUP | POLLERR | POLLNVAL)))
			listener_hangup(l);	/* every task of the filter is gone */
		pool_lock();
		/* busy before RECV, and never once stopping: stop() waits for the
		 * busy, and a call still queued is the successor's */
		if (!(p[0].revents & POLLIN) || pool.stopping)
			continue;
		pool_enter(w, l);
		pool_unlock();
		call = notif_recv(w->x, l->it.fd) > 0;
		if (call && listener_take_name(l))
			program_attached(notif_tid(w->x), l->pid, l->id);
		if (call) {
			notif_answer(w->x, l->it.fd, l->id);
			listener_answered(l);
		}
		pool_lock();
		pool_leave(w);
		if (call)
			pool_deadline(w->last_call + PARK_IDLE_MS);
	}
	pool_unlock();
	listener_free(gone);
}

/* Parked threads: call back the idle ones, and put the listener of one
 * stalled in a call back into the set, so that the leader serves its
 * other calls meanwhile. */
uint64_t park_watch(uint64_t now)
{
	uint64_t next = UINT64_MAX, at;

	for (unsigned i = 0; i < pool.n; i++) {
		struct worker *w = &pool.w[i];

		if (!w->parked || w->kick)
			continue;
		at = w->busy_since ? w->busy_since + STALL_MS : w->last_call + PARK_IDLE_MS;
		if (now < at) {
			next = at < next ? at : next;
		} else if (!w->busy_since || readd(w) == 0) {
			park_kick(w);
		}
	}
	return next;
}
