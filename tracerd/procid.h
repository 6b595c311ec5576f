/* The target as a procfs instance names it. "self" in a procfs is the
 * reader's pid in that instance's pid namespace, which is not the pid
 * tracerd sees, nor the one in the target's own namespace when it walks
 * the procfs of another (e.g. the host's /proc after unshare --pid). */
#ifndef TRACERD_PROCID_H
#define TRACERD_PROCID_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ident.h"
#include "target.h"

struct procid {
	int procfd;			/* tracerd's /proc/TID of the target */
	const pid_t *nstgid, *nspid;	/* its ids in each pid namespace tracerd
					 * sees, tracerd's first, its own last */
	unsigned nslevels;
	struct target_buf *scratch;	/* for status files; NULL: a local one */
	struct ident pidns;		/* the target's pid namespace, once known */
	bool have_pidns;
};

/* Is dirfd, a /proc/N directory of any procfs instance, a thread of the
 * target's process? 1 yes, 0 no, -errno when it cannot be told. Needs
 * tracerd's credentials (ns links ask for ptrace access). */
int procid_is_target(struct procid *p, int dirfd);

/* The body "self" (thread: "thread-self") has for the target at the top
 * of the procfs instance topfd: "N" or "N/task/T". 0, -ENOENT when the
 * target is not in that instance's pid namespace, -EPERM when the
 * instance belongs to a namespace above tracerd's (its pid is unknown). */
int procid_self(struct procid *p, int topfd, bool thread, char *body, size_t cap);

#endif
