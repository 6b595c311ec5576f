/* After a crash: the calls the tracerd gone had received, found in its
 * in-flight table, finished on the listeners adopted from the fd store. */
#ifndef TRACERD_RECOVER_H
#define TRACERD_RECOVER_H

#include <stdint.h>

#include "inflight.h"

/* Finish every call of table t, on a thread of its own (it may act as a
 * target and create), with slot, the in-flight slot kept for it: each is
 * answered once, its record written once (found in the log's tail: not
 * again) with "recovered":true. How many calls were finished. */
unsigned recover_calls(const struct inflight *t, struct inflight_slot *slot);

/* Before the listener fd of id lid is adopted: the calls received on it
 * that no slot of the nt tables keeps, answered EINTR (recover.c says
 * how they are found). How many. */
unsigned recover_orphans(const struct inflight *t, unsigned nt, int fd, uint64_t lid,
			 struct inflight_slot *slot);

#endif
