/* The answering threads. One thread (the leader) waits in epoll_wait and
 * carries each call from RECV to SEND inline: no hand-off on the hot path
 * (a cross-thread wake-up of an idle vCPU costs more than the whole call).
 * The main thread watches: when the leader has been inside one call for
 * longer than STALL_MS (a stalled filesystem under one target), an idle
 * spare becomes the leader, so one stall blocks one call, not the daemon.
 * epoll_wait takes one event at a time, so a thread never holds events it
 * has not started (which a new leader would otherwise RECV twice).
 * Parking, in park.c, gives a busy program a thread of its own. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "emulate.h"
#include "log.h"
#include "loop.h"
#include "notif.h"
#include "pool.h"
#include "tidcache.h"

#define TICK_MS 200
#define STOP_GRACE_MS 2000

struct pool pool = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };
enum arming arming;

uint32_t loop_listener_events(void)
{
	return EPOLLIN | (arming == ARM_EDGE ? EPOLLET : 0) |
	       (arming == ARM_ONESHOT ? EPOLLONESHOT : 0);
}

static bool more_pending(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

/* Answer what the event announced. Level-triggered: one call, and epoll
 * reports the listener again while more are queued (no extra syscall).
 * Edge-triggered must drain (a poll per call); one-shot must re-arm (an
 * epoll_ctl per call): both measured slower, kept for the benchmark. */
static int answer(struct worker *w, struct listener *l)
{
	struct epoll_event ev = { .events = loop_listener_events(), .data.ptr = l };
	int r = notif_handle(w->x, l->it.fd, l->id);

	if (arming == ARM_EDGE)
		while (r > 0 && more_pending(l->it.fd))
			r = notif_handle(w->x, l->it.fd, l->id);
	if (arming == ARM_ONESHOT)
		(void)epoll_ctl(pool.epfd, EPOLL_CTL_MOD, l->it.fd, &ev);
	return r;
}

uint64_t loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int loop_epoll_fd(void)
{
	return pool.epfd;
}

void loop_lock(void)
{
	pthread_mutex_lock(&pool.lock);
}

void loop_unlock(void)
{
	pthread_mutex_unlock(&pool.lock);
}

/* The last user of a detached listener frees it (pool lock held). */
void pool_release(struct listener *l)
{
	if (--l->inuse == 0 && l->dead) {
		tidcache_purge(l->id);
		close(l->it.fd);
		free(l);
	}
}

void pool_enter(struct worker *w, struct listener *l)
{
	w->busy_since = loop_now_ms();
	w->cur = l;
}

void pool_leave(struct worker *w)
{
	w->busy_since = 0;
	w->cur = NULL;
	w->last_call = loop_now_ms();
}

int pool_idle_spare(unsigned except)
{
	for (unsigned i = 0; i < pool.n; i++)
		if (i != except && !pool.w[i].busy_since && !pool.w[i].parked)
			return (int)i;
	return -1;
}

/* A listener's call, bracketed so that a detach meanwhile defers the free
 * and the watchdog can see how long we have been inside. */
static void serve_listener(struct worker *w, struct listener *l, uint32_t events)
{
	int r;

	loop_lock();
	if (pool.stopping || l->dead) {
		loop_unlock();
		return;
	}
	l->inuse++;
	pool_enter(w, l);
	loop_unlock();

	r = (events & EPOLLIN) ? answer(w, l) : -EPIPE;

	loop_lock();
	pool_leave(w);
	if (r < 0 && !(events & EPOLLIN)) {
		client_detach(l);	/* EPOLLHUP: every task of the filter is gone */
	} else if (r < 0) {
		log_warn_errno(r, "listener of pid %d: RECV failed, ignoring", (int)l->pid);
	} else if (r > 0) {
		park_try(w, l);
	}
	pool_release(l);
	loop_unlock();
}

static void dispatch(struct worker *w, struct epoll_event *ev)
{
	struct item *it = ev->data.ptr;

	switch (it->kind) {
	case ITEM_LISTEN:
		client_accept(it->fd);
		break;
	case ITEM_CLIENT:
		client_ready((struct client *)it);
		break;
	case ITEM_LISTENER:
		serve_listener(w, (struct listener *)it, ev->events);
		break;
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct epoll_event ev;

	for (;;) {
		if (atomic_load(&pool.leader) != w->idx) {
			loop_lock();
			while (pool.leader != w->idx)
				pthread_cond_wait(&pool.cond, &pool.lock);
			loop_unlock();
		}
		if (epoll_wait(pool.epfd, &ev, 1, -1) == 1)
			dispatch(w, &ev);
		if (w->parked)
			park_serve(w);
	}
	return NULL;
}


static void *worker_start(void *arg)
{
	struct worker *w = arg;
	int r = emulate_thread_init();

	if (r < 0) {
		log_error_errno(r, "cannot give thread %u its own fs context", w->idx);
		abort();
	}
	return worker_main(arg);
}

int loop_start(int listen_fd, unsigned nthreads)
{
	struct epoll_event ev = { .events = EPOLLIN };
	static struct item listen_item = { .kind = ITEM_LISTEN };
	const char *arm = getenv("TRACERD_TEST_ARMING");
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	sigset_t all;

	arming = !arm ? ARM_LEVEL : !strcmp(arm, "edge") ? ARM_EDGE :
		 !strcmp(arm, "oneshot") ? ARM_ONESHOT : ARM_LEVEL;
	pool.n = nthreads;
	pool.max_parked = cpus > 2 ? (unsigned)cpus - 1 : 1;
	pool.listen_fd = listen_fd;
	pool.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (pool.epfd < 0)
		return -errno;
	listen_item.fd = listen_fd;
	ev.data.ptr = &listen_item;
	if (epoll_ctl(pool.epfd, EPOLL_CTL_ADD, listen_fd, &ev) < 0)
		return -errno;
	pool.w = calloc(nthreads, sizeof(*pool.w));
	if (!pool.w)
		return -ENOMEM;
	/* signals belong to the main thread: block them before the threads */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	for (unsigned i = 0; i < nthreads; i++) {
		struct worker *w = &pool.w[i];

		w->idx = i;
		w->x = notif_ctx_new();
		if (!w->x)
			return -ENOMEM;
		w->kickfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (w->kickfd < 0)
			return -errno;
		if (pthread_create(&w->th, NULL, worker_start, w) != 0)
			return -EAGAIN;
	}
	return 0;
}

/* A leader inside one call for longer than STALL_MS hands the epoll set to
 * an idle spare; with none, a parked thread is called back to become one.
 * With no thread left, new calls wait, and we say so once. */
static void watch_stall(uint64_t now)
{
	struct worker *lead;
	int spare;

	loop_lock();
	lead = &pool.w[pool.leader];
	if (!lead->busy_since || now - lead->busy_since < STALL_MS) {
		loop_unlock();
		return;
	}
	spare = pool_idle_spare(pool.leader);
	if (spare >= 0) {
		atomic_store(&pool.leader, (unsigned)spare);
		pthread_cond_broadcast(&pool.cond);
		pool.warned = false;
		loop_unlock();
		return;
	}
	for (unsigned i = 0; i < pool.n; i++) {
		if (pool.w[i].parked && !pool.w[i].busy_since) {
			if (!pool.w[i].kick)
				park_kick(&pool.w[i]);
			loop_unlock();
			return;	/* a spare by the next tick */
		}
	}
	if (!pool.warned)
		log_warn("all %u answering threads are stalled in calls; new calls wait", pool.n);
	pool.warned = true;
	loop_unlock();
}

/* Lame duck: no new calls; wait for those in flight, 2 s at most, then
 * record the stalled ones as lost. */
static void stop(void)
{
	uint64_t deadline = loop_now_ms() + STOP_GRACE_MS;
	bool busy = true;

	loop_lock();
	pool.stopping = true;
	(void)epoll_ctl(pool.epfd, EPOLL_CTL_DEL, pool.listen_fd, NULL);
	close(pool.listen_fd);
	for (unsigned i = 0; i < pool.n; i++)
		if (pool.w[i].parked && !pool.w[i].busy_since)
			park_kick(&pool.w[i]);
	loop_unlock();
	while (busy && loop_now_ms() < deadline) {
		struct timespec ts = { .tv_nsec = 10 * 1000000L };

		busy = false;
		loop_lock();
		for (unsigned i = 0; i < pool.n; i++)
			busy |= pool.w[i].busy_since != 0;
		loop_unlock();
		if (busy)
			nanosleep(&ts, NULL);
	}
	loop_lock();
	for (unsigned i = 0; i < pool.n; i++)
		if (pool.w[i].busy_since && pool.w[i].cur)
			(void)audit_event("lost", pool.w[i].cur->pid,
					  "call stalled for more than 2 s at shutdown");
	client_close_all();
	loop_unlock();
}

int loop_supervise(void)
{
	sigset_t set;
	siginfo_t si;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	for (;;) {
		struct timespec tick = { .tv_nsec = TICK_MS * 1000000L };
		int sig = sigtimedwait(&set, &si, &tick);
		uint64_t now = loop_now_ms();

		if (sig == SIGTERM || sig == SIGINT)
			break;
		watch_stall(now);
		park_watch(now);
		client_expire(now);
	}
	stop();
	return 0;
}
