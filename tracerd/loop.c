/* The answering threads. One thread (the leader) waits in epoll_wait and
 * carries each call from RECV to SEND inline: no hand-off on the hot path
 * (a cross-thread wake-up of an idle vCPU costs more than the whole call).
 * epoll_wait takes one event at a time, so a thread never holds events it
 * has not started (which a new leader would otherwise RECV twice); each
 * item carries its handler. Parking, in park.c, gives a busy program a
 * thread of its own.
 *
 * The main thread is the watchdog: when the leader has been inside one
 * call for longer than STALL_MS (a stalled filesystem under one target),
 * an idle spare becomes the leader, so one stall blocks one call, not the
 * daemon. It sleeps until the next deadline that exists (a call that
 * could stall, a parked thread's idle time-out, a handshake's end), and
 * with none until a signal: an idle tracerd makes no wake-ups. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "emulate.h"
#include "handshake.h"
#include "inflight.h"
#include "listener.h"
#include "log.h"
#include "loop.h"
#include "notif.h"
#include "park.h"
#include "pool.h"
#include "program.h"
#include "rejects.h"
#include "sdnotify.h"
#include "service.h"
#include "statusd.h"

#define STOP_GRACE_MS 2000

static struct item socket_item;	/* the listening socket */
/* Handshakes have an epoll set and a thread of their own, which never
 * takes a call: a new program attaches within its deadline even while
 * every answering thread is stuck inside a call. */
static int hs_epfd = -1;
static pthread_t hs_thread;

/* A listener's call, bracketed so that a detach meanwhile defers the free
 * and the watchdog can see how long we have been inside. Level-triggered:
 * one call, and epoll reports the listener again while more are queued. */
static void on_notifyfd(struct item *it, uint32_t events, struct worker *w)
{
	struct listener *l = (struct listener *)it, *gone;
	int r;

	pool_lock();
	/* stopping: a call still queued is the successor's (the fd store
	 * keeps its listener), never one taken after the log is closed */
	if (pool.stopping || !listener_get(l)) {
		pool_unlock();
		return;
	}
	pool_enter(w, l);
	pool_unlock();

	r = (events & EPOLLIN) ? notif_recv(w->x, l->it.fd) : -EPIPE;
	if (r > 0 && listener_take_name(l))	/* notif-run's program, exec'd by now */
		program_attached(notif_tid(w->x), l->pid, l->id);
	if (r > 0) {
		notif_answer(w->x, l->it.fd, l->id);
		listener_answered(l);
	}
	if (r < 0 && !(events & EPOLLIN))
		listener_hangup(l);	/* EPOLLHUP: every task of the filter is gone */
	else if (r < 0)
		log_warn_errno(r, "listener of pid %d: RECV failed, ignoring", (int)l->pid);

	pool_lock();
	pool_leave(w);
	if (r > 0)
		park_try(w, l);
	gone = listener_put(l);
	pool_unlock();
	listener_free(gone);
}

/* A handshake's hello (or its end): attach the listener it brought. */
static void on_handshake(struct item *it, uint32_t events, struct worker *w)
{
	struct handshake *h = (struct handshake *)it;
	int lfd = -1, r;

	(void)events;
	(void)w;
	r = handshake_read(h, &lfd);
	if (r == 0)
		return;
	/* done with the socket either way (freed already when r < 0, and
	 * epoll forgets a closed fd by itself) */
	if (r == 2) {	/* tracerd status: answered here, on this thread */
		(void)epoll_ctl(hs_epfd, EPOLL_CTL_DEL, h->it.fd, NULL);
		handshake_status(h);
	} else if (r > 0) {
		(void)epoll_ctl(hs_epfd, EPOLL_CTL_DEL, h->it.fd, NULL);
		uint64_t id = 0;
		int st = listener_attach(lfd, h->pid, 0, &id);

		if (st == WIRE_OK && (h->flags & WIRE_HELLO_EXEC))
			listener_name_later(id);	/* before the ack: no call yet */

		handshake_finish(h, lfd, st, id);
	}
}

static void on_socket(struct item *it, uint32_t events, struct worker *w)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct handshake *h = handshake_accept(it->fd, pool_now_ms());

	(void)events;
	(void)w;
	if (!h)
		return;
	h->it.on_event = on_handshake;
	ev.data.ptr = h;
	if (epoll_ctl(hs_epfd, EPOLL_CTL_ADD, h->it.fd, &ev) < 0) {
		handshake_drop(h);
		return;
	}
	pool_lock();
	pool_deadline(h->deadline_ms);
	pool_unlock();
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct epoll_event ev;

	for (;;) {
		if (atomic_load(&pool.leader) != w->idx || pool.stopping) {
			pool_lock();
			while (pool.leader != w->idx || pool.stopping)	/* at stop, for good */
				pthread_cond_wait(&pool.cond, &pool.lock);
			pool_unlock();
		}
		if (epoll_wait(pool.epfd, &ev, 1, -1) == 1) {
			struct item *it = ev.data.ptr;

			it->on_event(it, ev.events, w);
		}
		if (w->parked)
			park_serve(w);
	}
	return NULL;
}

/* The handshake thread: the listening socket and the pending handshakes,
 * nothing else. */
/* Set while the handshake thread handles an event: a program between
 * accept4 and the pending list, or between the pending list and its
 * attach, is in no list, and --idle-exit must not miss it. */
static atomic_bool hs_busy;

static void *handshake_main(void *arg)
{
	struct epoll_event ev;

	(void)arg;
	for (;;) {
		if (epoll_wait(hs_epfd, &ev, 1, -1) == 1) {
			struct item *it = ev.data.ptr;

			atomic_store(&hs_busy, true);
			it->on_event(it, ev.events, NULL);
			atomic_store(&hs_busy, false);
		}
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

/* The answering threads' stack, set rather than taken from the caller's
 * `ulimit -s` (glibc's default). Measured: the deepest call uses 16-20 KiB
 * of it, 24 KiB under ASan+UBSan, TLS included (smaps Rss of each thread's
 * stack after symlink chains of 39 and 41 links, /proc/self, thread-self
 * and another procfs, adopted credentials, `unshare -Ur` targets, a
 * 3000-byte path): the resolution's 168 KB walk lives in each thread's
 * arena (notif_ctx), not here. 256 KiB leaves ten times that for what was
 * not measured (libc's printf paths, the next syscalls' stages). */
#define THREAD_STACK (256 * 1024)

static int start_thread(pthread_t *th, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	int r = pthread_attr_init(&attr);

	if (r != 0)
		return -r;
	r = pthread_attr_setstacksize(&attr, THREAD_STACK);
	if (r == 0)
		r = pthread_create(th, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return r == 0 ? 0 : -EAGAIN;
}

/* Thread i of the pool, ready to lead or wait (pool.w[i] is zeroed);
 * on failure pool.w[i] is zeroed again. 0 or -errno. */
static int start_worker(unsigned i)
{
	struct worker *w = &pool.w[i];
	int r;

	w->idx = i;
	w->kickfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	r = w->kickfd < 0 ? -errno : 0;
	w->x = notif_ctx_new(inflight_slot(i));
	if (r == 0)
		r = w->x ? start_thread(&w->th, worker_start, w) : -ENOMEM;
	if (r < 0) {
		notif_ctx_free(w->x);
		if (w->kickfd >= 0)
			close(w->kickfd);
		*w = (struct worker){ 0 };
	}
	return r;
}

static int start_threads(void)
{
	sigset_t all;

	/* signals belong to the main thread: block them before the threads */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	for (unsigned i = 0; i < pool.n; i++) {
		int r = start_worker(i);

		if (r < 0)
			return r;
	}
	return start_thread(&hs_thread, handshake_main, NULL);
}

int loop_start(int listen_fd, unsigned nthreads, unsigned max_threads,
	       unsigned max_listeners, unsigned max_handshakes)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &socket_item };
	int r = pool_init(nthreads, max_threads);

	if (r < 0)
		return r;
	statusd_start();
	listener_init(pool.epfd, on_notifyfd, max_listeners);
	handshake_limits(max_handshakes);
	socket_item.fd = listen_fd;
	socket_item.on_event = on_socket;
	hs_epfd = epoll_create1(EPOLL_CLOEXEC);
	if (hs_epfd < 0 || epoll_ctl(hs_epfd, EPOLL_CTL_ADD, listen_fd, &ev) < 0)
		return -errno;
	/* the watchdog's heartbeat: WATCHDOG=1 says the handshakes are served */
	r = service_beat_init();
	ev.data.ptr = service_beat_item();
	if (r < 0 || epoll_ctl(hs_epfd, EPOLL_CTL_ADD, service_beat_item()->fd, &ev) < 0)
		return r < 0 ? r : -errno;
	return start_threads();
}

/* One more answering thread, while every thread is inside a call and the
 * pool is below --max-threads: the index of the new thread, or -1. Said
 * on stderr the first time. Threads added stay. Pool lock held. */
static int grow(void)
{
	unsigned i = pool.n;
	int r;

	if (i >= pool.max)
		return -1;
	r = start_worker(i);
	if (r < 0) {
		log_warn_errno(r, "cannot add an answering thread, ignoring");
		return -1;
	}
	pool.n++;
	if (!pool.grew)
		log_warn("all %u answering threads are inside calls that stall; adding answering "
			 "threads, up to %u (--max-threads)", i, pool.max);
	pool.grew = true;
	return (int)i;
}

/* The share: when the thread that is to lead now is the last one free
 * and no more can be added, it serves only programs with no call in
 * progress. So no program holds more than --max-threads - 1 threads, and
 * never the last one: another program's call is always taken. A thread
 * coming free ends the share (watch). Pool lock held. */
static void share(void)
{
	if (pool.n < pool.max || pool_free_threads() > 1)
		return;
	for (unsigned i = 0; i < pool.n; i++)
		if (pool.w[i].busy_since && pool.w[i].cur)
			listener_cap(pool.w[i].cur);
}

/* A leader inside one call for longer than STALL_MS hands the epoll set to
 * an idle spare; with none, a parked thread is called back to become one,
 * else a thread is added (grow). With no thread left, new calls wait, and
 * we say so once. Pool lock held; returns the next deadline of the
 * leader's call. */
static uint64_t watch_stall(uint64_t now)
{
	struct worker *lead = &pool.w[pool.leader];
	int spare;

	if (!lead->busy_since)
		return UINT64_MAX;
	if (now < lead->busy_since + STALL_MS)
		return lead->busy_since + STALL_MS;
	spare = pool_idle_spare(pool.leader);
	for (unsigned i = 0; spare < 0 && i < pool.n; i++) {
		if (pool.w[i].parked && !pool.w[i].busy_since) {
			if (!pool.w[i].kick)
				park_kick(&pool.w[i]);
			return now + 10;	/* a spare soon: look again */
		}
	}
	if (spare < 0)
		spare = grow();
	if (spare >= 0) {
		atomic_store(&pool.leader, (unsigned)spare);
		pthread_cond_broadcast(&pool.cond);
		pool.warned = false;
		share();
		return UINT64_MAX;
	}
	if (!pool.warned)
		log_warn("all %u answering threads are stalled in calls; new calls wait", pool.n);
	pool.warned = true;
	return now + STALL_MS;	/* a thread may come back */
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static long idle_exit_ms = -1;	/* --idle-exit, -1: never */
static uint64_t idle_start_ms;	/* the clock starts here at the earliest */
static bool idle_due;

void loop_idle_exit(long seconds)
{
	idle_exit_ms = seconds < 0 ? -1 : seconds * 1000;
}

/* --idle-exit: when it is due (pool lock held). Due now only when no
 * program is on its way in. A program goes forward through: the
 * socket's queue, the handshake thread (accept), the pending list, the
 * handshake thread (hello, attach), attached. Looked at in that order,
 * one moving on meanwhile is found at a later look; and attached cannot
 * change while we hold the pool lock (an attach takes it). */
static uint64_t watch_idle(uint64_t now)
{
	struct pollfd p = { .fd = socket_item.fd, .events = POLLIN };
	uint64_t since, at;

	if (idle_exit_ms < 0 || (since = listener_idle_since()) == UINT64_MAX)
		return UINT64_MAX;
	at = (since > idle_start_ms ? since : idle_start_ms) + (uint64_t)idle_exit_ms;
	if (at > now)
		return at;
	if (poll(&p, 1, 0) > 0 || atomic_load(&hs_busy) || handshake_pending() ||
	    atomic_load(&hs_busy))
		return now + 10;	/* one on its way in: look again */
	idle_due = true;
	return now;
}

/* One look at every deadline; the time of the next one. */
static uint64_t watch(uint64_t now)
{
	uint64_t hs = handshake_expire(now), next = min_u64(hs, rejects_flush(now));

	pool_lock();
	if (pool.ncapped && pool_free_threads() > 1)
		listener_uncap_all();
	next = min_u64(next, watch_stall(now));
	next = min_u64(next, park_watch(now));
	next = min_u64(next, watch_idle(now));
	pool.main_wake = next;
	pool_unlock();
	return next;
}

/* Lame duck: no new calls or programs; wait for the calls in flight, 2 s
 * at most, then record the stalled ones as lost (after the lock). For an
 * upgrade the socket stays open (it is passed on) and a stalled call is
 * not lost: its slot in the in-flight table hands it over. */
static void stop(bool upgrade)
{
	uint64_t deadline = pool_now_ms() + STOP_GRACE_MS;
	pid_t lost[64];
	uint64_t lost_attach[64];
	unsigned nlost = 0;
	bool busy = true;

	pool_lock();
	pool.stopping = true;
	(void)epoll_ctl(hs_epfd, EPOLL_CTL_DEL, socket_item.fd, NULL);
	if (!upgrade)
		close(socket_item.fd);
	for (unsigned i = 0; i < pool.n; i++)
		if (pool.w[i].parked && !pool.w[i].busy_since)
			park_kick(&pool.w[i]);
	pool_unlock();
	handshake_stop_all();
	while (busy && pool_now_ms() < deadline) {
		struct timespec ts = { .tv_nsec = 10 * 1000000L };

		busy = false;
		pool_lock();
		for (unsigned i = 0; i < pool.n; i++)
			busy |= pool.w[i].busy_since != 0;
		pool_unlock();
		if (busy)
			nanosleep(&ts, NULL);
	}
	pool_lock();
	for (unsigned i = 0; i < pool.n && nlost < 64 && !upgrade; i++)
		if (pool.w[i].busy_since && pool.w[i].cur) {
			lost_attach[nlost] = pool.w[i].cur->id;
			lost[nlost++] = pool.w[i].cur->pid;
		}
	pool_unlock();
	for (unsigned i = 0; i < nlost; i++)
		(void)audit_event_attach("lost", lost[i], lost_attach[i],
					 "call stalled for more than 2 s at shutdown");
	(void)rejects_flush(UINT64_MAX);	/* the counts of the last interval */
}

static int signal_fd(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

int loop_supervise(void)
{
	struct signalfd_siginfo si = { 0 };
	int sfd = signal_fd();
	struct pollfd p[2] = { { .fd = sfd, .events = POLLIN },
			       { .fd = pool.wakefd, .events = POLLIN } };

	if (sfd < 0)
		return log_error_errno(-errno, "signalfd"), 1;
	service_ready(pool_now_ms());
	idle_start_ms = pool_now_ms();
	for (;;) {
		uint64_t now = pool_now_ms(), next = min_u64(watch(now), service_tick(now));
		int timeout = next == UINT64_MAX ? -1 :
			      next <= now ? 0 :
			      next - now > 60000 ? 60000 : (int)(next - now);
		eventfd_t v;

		if (idle_due)
			break;
		if (poll(p, 2, timeout) > 0 && (p[0].revents & POLLIN) &&
		    read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si) &&
		    service_signal((int)si.ssi_signo))
			break;
		if (p[1].revents & POLLIN)
			(void)eventfd_read(pool.wakefd, &v);
	}
	close(sfd);
	if (idle_due) {
		log_info("no program attached for %ld s (--idle-exit): stopping", idle_exit_ms / 1000);
		(void)sdnotify_stopping();
	}
	stop(si.ssi_signo == SIGUSR2);
	return idle_due ? LOOP_IDLE : si.ssi_signo == SIGUSR2 ? LOOP_UPGRADE : 0;
}
