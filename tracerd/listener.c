/* A listener's life. Its fields are guarded by the pool lock; the log and
 * the tid cache are written only once that lock is released (pool.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <linux/kcmp.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../common/compat.h"
#include "../common/wire.h"
#include "audit.h"
#include "fdstore.h"
#include "hooks.h"
#include "inflight.h"
#include "log.h"
#include "listener.h"
#include "pool.h"
#include "stats.h"
#include "tidcache.h"

static int epfd = -1;
static item_handler *handler;
static unsigned nattached, max_listeners = 1024;
static uint64_t next_id;
static uint64_t idle_since;	/* the last detach that left none attached (ms) */
/* Every listener not yet freed, so that none is ever lost track of (at
 * stop the attached ones are still held here, not leaked). Pool lock. */
static struct listener *live;

void listener_init(int fd, item_handler *on_event, unsigned max_attached)
{
	epfd = fd;
	handler = on_event;
	max_listeners = max_attached;
}

int listener_watch(struct listener *l)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = l };

	if (epoll_ctl(epfd, EPOLL_CTL_ADD, l->it.fd, &ev) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int listener_unwatch(struct listener *l)
{
	return epoll_ctl(epfd, EPOLL_CTL_DEL, l->it.fd, NULL) < 0 ? -errno : 0;
}

/* In the set unless something keeps it out: detached, capped, or parked
 * on by a thread serving it alone (until that thread stalls: readded). */
static bool wanted(const struct listener *l)
{
	return !l->dead && !l->capped && (!l->parker || l->parker->readded);
}

void listener_cap(struct listener *l)
{
	if (l->capped || l->dead)
		return;
	if (wanted(l))
		(void)listener_unwatch(l);
	l->capped = true;
	pool.ncapped++;
}

void listener_uncap_all(void)
{
	for (struct listener *l = live; l; l = l->next) {
		if (!l->capped)
			continue;
		l->capped = false;
		if (wanted(l) && listener_watch(l) < 0) {
			l->capped = true;	/* out of memory: the next look tries again */
			continue;
		}
		pool.ncapped--;
	}
}

/* The attached listener that lfd is another fd of, if any (pool lock
 * held): a program whose hello reached a tracerd that stored its listener
 * and died before the ack sends it again to the tracerd that adopted it.
 * Only listeners of the same program (pid) are compared. */
static struct listener *same_file_locked(int lfd, pid_t pid)
{
	for (struct listener *l = live; l; l = l->next)
		if (!l->dead && l->pid == pid &&
		    syscall(SYS_kcmp, getpid(), getpid(), KCMP_FILE, l->it.fd, lfd) == 0)
			return l;
	return NULL;
}

/* Room for one more, and its id (pool lock held): WIRE_OK or why not. */
static int reserve_locked(struct listener *l, uint64_t id)
{
	if (pool.stopping)
		return WIRE_ESHUTDOWN;
	if (nattached >= max_listeners)
		return WIRE_ETOOMANY;
	l->id = id ? id : ++next_id;
	if (l->id > next_id)
		next_id = l->id;	/* adopted: new ids go on after it */
	if (inflight_cur.hdr)	/* and after a restart too */
		atomic_store(&inflight_cur.hdr->next_listener, next_id);
	nattached++;
	return WIRE_OK;
}

/* Into the set and the live list, or the reservation given back (pool
 * lock held). */
static int enter_locked(struct listener *l)
{
	if (pool.stopping || listener_watch(l) < 0) {
		nattached--;
		return pool.stopping ? WIRE_ESHUTDOWN : WIRE_ENOFDS;
	}
	stats_add(&stats.attached, 1);
	l->next = live;
	if (live)
		live->prev = l;
	live = l;
	return WIRE_OK;
}

/* When l attached, by both clocks (status shows the first; the second
 * tells whether the pid that attached is still the same process). */
static void listener_stamp(struct listener *l)
{
	struct timespec rt, bt;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	l->since_us = (uint64_t)rt.tv_sec * 1000000 + (uint64_t)rt.tv_nsec / 1000;
	l->since_boot_ms = (uint64_t)bt.tv_sec * 1000 + (uint64_t)bt.tv_nsec / 1000000;
}

int listener_attach(int lfd, pid_t pid, uint64_t id, uint64_t *ret_id)
{
	struct listener *l, *dup;
	int st, r;

	if (!hook_no_sync_wake_up())
		(void)ioctl(lfd, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
			    (unsigned long)SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);	/* by value */
	l = calloc(1, sizeof(*l));
	if (!l)
		return WIRE_ETOOMANY;
	l->it.fd = lfd;
	l->it.on_event = handler;
	l->pid = pid;
	listener_stamp(l);
	pool_lock();
	dup = same_file_locked(lfd, pid);
	if (dup)
		*ret_id = dup->id;
	st = dup ? WIRE_OK : reserve_locked(l, id);
	pool_unlock();
	if (dup) {	/* attached already: its own fd stays, this one goes */
		close(lfd);
		free(l);
		return WIRE_OK;
	}
	/* a new listener goes into the fd store before its program's ack,
	 * and before any thread can see it (and free it) */
	r = st == WIRE_OK && !id ? fdstore_push_listener(lfd, l->id, pid) : 0;
	if (r < 0)
		log_warn_errno(r, "cannot keep the listener of pid %d in the fd store: its programs "
			       "will not survive a restart of tracerd", (int)pid);
	if (st == WIRE_OK) {
		pool_lock();
		*ret_id = l->id;	/* once unlocked, l may be gone already */
		st = enter_locked(l);
		pool_unlock();
	}
	if (st != WIRE_OK)
		free(l);
	return st;
}

void listener_name_later(uint64_t id)
{
	struct listener *l;

	pool_lock();
	l = listener_find(id);
	if (l)
		atomic_store(&l->name_pending, true);
	pool_unlock();
}

bool listener_take_name(struct listener *l)
{
	return atomic_load(&l->name_pending) && atomic_exchange(&l->name_pending, false);
}

struct listener *listener_find(uint64_t id)
{
	for (struct listener *l = live; l; l = l->next)
		if (l->id == id && !l->dead)
			return l;
	return NULL;
}

void listener_ids_from(uint64_t next)
{
	pool_lock();
	if (next > next_id)
		next_id = next;
	pool_unlock();
}

uint64_t listener_idle_since(void)
{
	return nattached ? UINT64_MAX : idle_since;
}

unsigned listener_snapshot(struct listener_info *out, unsigned max, unsigned *total)
{
	unsigned n = 0;

	pool_lock();
	for (struct listener *l = live; l && n < max; l = l->next) {
		if (l->dead)
			continue;
		out[n++] = (struct listener_info){
			.id = l->id, .pid = l->pid, .since_us = l->since_us,
			.since_boot_ms = l->since_boot_ms,
			.answered = atomic_load_explicit(&l->answered, memory_order_relaxed),
		};
	}
	*total = nattached;
	pool_unlock();
	return n;
}

unsigned listener_count(void)
{
	unsigned n;

	pool_lock();
	n = nattached;
	pool_unlock();
	return n;
}

unsigned listener_hand_over(int *fds, char *names, unsigned max)
{
	char name[FDSTORE_NAME_MAX];
	unsigned n = 0;

	pool_lock();
	for (struct listener *l = live; l && n < max; l = l->next) {
		if (l->dead || fdstore_listener_name(name, sizeof(name), l->id, l->pid) < 0)
			continue;
		fds[n++] = l->it.fd;
		strcat(strcat(names, ":"), name);
	}
	pool_unlock();
	return n;
}

uint64_t listener_next_id(void)
{
	return next_id;
}

bool listener_get(struct listener *l)
{
	if (pool.stopping || l->dead)
		return false;
	l->inuse++;
	return true;
}

struct listener *listener_put(struct listener *l)
{
	return --l->inuse == 0 && l->dead ? l : NULL;
}

void listener_free(struct listener *l)
{
	if (!l)
		return;
	pool_lock();
	if (l->capped)
		pool.ncapped--;
	if (l->prev)
		l->prev->next = l->next;
	else
		live = l->next;
	if (l->next)
		l->next->prev = l->prev;
	pool_unlock();
	tidcache_purge(l->id);
	close(l->it.fd);
	free(l);
}

void listener_hangup(struct listener *l)
{
	bool now = false;

	pool_lock();
	if (!l->dead) {
		(void)listener_unwatch(l);
		l->dead = true;	/* closed and freed by its last user */
		nattached--;
		stats_add(&stats.attached, -1);
		now = true;
		if (!nattached) {	/* the idle clock starts: the main thread looks */
			idle_since = pool_now_ms();
			pool_deadline(idle_since);
		}
	}
	pool_unlock();
	if (now && listener_take_name(l))	/* it made no call */
		(void)audit_event_attach("attach", l->pid, l->id, "ended before its first call");
	if (now)
		(void)audit_event_attach("detach", l->pid, l->id, NULL);
}
