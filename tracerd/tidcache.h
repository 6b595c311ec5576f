/* Open fds of /proc/TID and its status, kept between calls. A
 * kept fd pins the task it was opened for: once that task is gone, reads
 * through it fail (ESRCH) instead of reaching a new task that reused the
 * tid, so a read that succeeds proves the fds still belong to the thread
 * that has this tid now. */
#ifndef TRACERD_TIDCACHE_H
#define TRACERD_TIDCACHE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct tid_fds {
	int proc;	/* /proc/TID, O_PATH */
	int status;	/* /proc/TID/status, O_RDONLY */
	unsigned slot;	/* cache slot, or TIDCACHE_NONE when not cached */
	bool fresh;	/* opened now: confirm with NOTIF_ID_VALID before use */
};

#define TIDCACHE_NONE UINT32_MAX

/* The fds for tid, kept or opened now, for the listener identified by
 * owner. 0 or -errno. Release with tidcache_put. */
int tidcache_get(pid_t tid, uint64_t owner, struct tid_fds *out);

/* Done with the fds; stale: they failed, forget them. */
void tidcache_put(struct tid_fds *f, bool stale);

/* Keep at most this many tids (2 fds each); 1 to 512. Call before use. */
void tidcache_limit(unsigned slots);

/* The listener owner is gone: close its kept fds. */
void tidcache_purge(uint64_t owner);

#endif
