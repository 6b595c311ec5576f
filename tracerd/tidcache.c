/* A direct-mapped table of kept /proc fds, one slot per tid % size, each
 * slot reference-counted so that a purge never closes fds in use. Its size
 * follows the fd limit, and at EMFILE the idle slots are given back. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "fdutil.h"
#include "tidcache.h"

#define SIZE 512	/* at most */

struct slot {
	pid_t tid;		/* 0: empty */
	uint64_t owner;
	int proc, status;
	unsigned refs;
	bool doomed;		/* close when refs drops to 0 */
};

static struct slot table[SIZE];
static unsigned size = SIZE;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void close_fds(int proc, int status)
{
	close(proc);
	if (status >= 0)
		close(status);
}

void tidcache_limit(unsigned slots)
{
	size = slots < 1 ? 1 : slots > SIZE ? SIZE : slots;
}

/* Close every slot nobody uses (lock held). */
static void clear(struct slot *s);
static void evict_idle(void)
{
	for (unsigned i = 0; i < size; i++)
		if (table[i].tid && table[i].refs == 0)
			clear(&table[i]);
}

static int open_fds(pid_t tid, struct tid_fds *f)
{
	_cleanup_close_ int proc = -1;
	char p[32];

	snprintf(p, sizeof(p), "/proc/%d", (int)tid);
	proc = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (proc < 0)
		return -errno;
	f->status = openat(proc, "status", O_RDONLY | O_CLOEXEC);
	if (f->status < 0)
		return -errno;
	f->proc = TAKE_FD(proc);
	return 0;
}

/* Free a slot nobody uses (lock held). */
static void clear(struct slot *s)
{
	close_fds(s->proc, s->status);
	s->tid = 0;
	s->doomed = false;
}

int tidcache_get(pid_t tid, uint64_t owner, struct tid_fds *out)
{
	struct slot *s = &table[(unsigned)tid % size];
	int r;

	pthread_mutex_lock(&lock);
	if (s->tid == tid && s->owner == owner && !s->doomed) {
		s->refs++;
		out->proc = s->proc;
		out->status = s->status;
		out->slot = (unsigned)(s - table);
		out->fresh = false;
		pthread_mutex_unlock(&lock);
		return 0;
	}
	pthread_mutex_unlock(&lock);

	r = open_fds(tid, out);
	if (r == -EMFILE || r == -ENFILE) {
		pthread_mutex_lock(&lock);
		evict_idle();
		pthread_mutex_unlock(&lock);
		r = open_fds(tid, out);
	}
	if (r < 0)
		return r;
	out->fresh = true;
	out->slot = TIDCACHE_NONE;
	pthread_mutex_lock(&lock);
	if (s->tid && s->refs == 0)
		clear(s);
	if (!s->tid) {
		s->tid = tid;
		s->owner = owner;
		s->proc = out->proc;
		s->status = out->status;
		s->refs = 1;
		out->slot = (unsigned)(s - table);
	}
	pthread_mutex_unlock(&lock);
	return 0;
}

void tidcache_put(struct tid_fds *f, bool stale)
{
	struct slot *s;

	if (f->slot == TIDCACHE_NONE) {
		close_fds(f->proc, f->status);
		return;
	}
	s = &table[f->slot];
	pthread_mutex_lock(&lock);
	if (stale)
		s->doomed = true;
	if (--s->refs == 0 && s->doomed)
		clear(s);
	pthread_mutex_unlock(&lock);
}

void tidcache_purge(uint64_t owner)
{
	pthread_mutex_lock(&lock);
	for (unsigned i = 0; i < SIZE; i++) {
		struct slot *s = &table[i];

		if (!s->tid || s->owner != owner)
			continue;
		s->doomed = true;
		if (s->refs == 0)
			clear(s);
	}
	pthread_mutex_unlock(&lock);
}
