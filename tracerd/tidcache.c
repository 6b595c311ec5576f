/* A direct-mapped table of kept /proc fds, one slot per tid % SIZE, each
 * slot reference-counted so that a purge never closes fds in use. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "tidcache.h"

#define SIZE 512

struct slot {
	pid_t tid;		/* 0: empty */
	uint64_t owner;
	int proc, status, comm;
	unsigned refs;
	bool doomed;		/* close when refs drops to 0 */
};

static struct slot table[SIZE];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void close_fds(int proc, int status, int comm)
{
	close(proc);
	if (status >= 0)
		close(status);
	if (comm >= 0)
		close(comm);
}

static int open_fds(pid_t tid, struct tid_fds *f)
{
	char p[32];

	snprintf(p, sizeof(p), "/proc/%d", (int)tid);
	f->proc = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (f->proc < 0)
		return -errno;
	f->status = openat(f->proc, "status", O_RDONLY | O_CLOEXEC);
	f->comm = openat(f->proc, "comm", O_RDONLY | O_CLOEXEC);
	if (f->status < 0) {
		int r = -errno;

		close_fds(f->proc, -1, f->comm);
		return r;
	}
	return 0;
}

/* Free a slot nobody uses (lock held). */
static void clear(struct slot *s)
{
	close_fds(s->proc, s->status, s->comm);
	s->tid = 0;
	s->doomed = false;
}

int tidcache_get(pid_t tid, uint64_t owner, struct tid_fds *out)
{
	struct slot *s = &table[(unsigned)tid % SIZE];
	int r;

	pthread_mutex_lock(&lock);
	if (s->tid == tid && s->owner == owner && !s->doomed) {
		s->refs++;
		out->proc = s->proc;
		out->status = s->status;
		out->comm = s->comm;
		out->slot = (unsigned)(s - table);
		out->fresh = false;
		pthread_mutex_unlock(&lock);
		return 0;
	}
	pthread_mutex_unlock(&lock);

	r = open_fds(tid, out);
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
		s->comm = out->comm;
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
		close_fds(f->proc, f->status, f->comm);
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
