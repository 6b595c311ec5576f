/* After a crash: the calls the tracerd gone had received, found in its
 * in-flight table, finished on the listeners adopted from the fd store. */
#ifndef TRACERD_RECOVER_H
#define TRACERD_RECOVER_H

#include "inflight.h"

/* Finish every call of table t, on a thread of its own (it may act as a
 * target and create), with slot, the in-flight slot kept for it: each is
 * answered once, its record written once (found in the log's tail: not
 * again) with "recovered":true. How many calls were finished. */
unsigned recover_calls(const struct inflight *t, struct inflight_slot *slot);

#endif
