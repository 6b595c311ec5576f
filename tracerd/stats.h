/* What STATUS= tells the service manager: counters bumped where the facts
 * are made (relaxed atomics: a count, never a synchronisation), read by
 * the main thread. */
#ifndef TRACERD_STATS_H
#define TRACERD_STATS_H

#include <stdatomic.h>
#include <stddef.h>

struct stats {
	atomic_ulong attached;		/* programs attached now */
	atomic_ulong decided[3];	/* calls answered, by enum decision */
	atomic_ulong lost_records;	/* records that never reached the log */
	atomic_ulong lost;		/* `lost` events: answers never received */
};

extern struct stats stats;

static inline void stats_add(atomic_ulong *c, long d)
{
	atomic_fetch_add_explicit(c, (unsigned long)d, memory_order_relaxed);
}

/* "N programs attached; calls: E emulated, D denied, X error; L records
 * lost" into buf. Its length. */
size_t stats_format(char *buf, size_t cap);

#endif
