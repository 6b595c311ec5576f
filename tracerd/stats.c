/* The counters behind STATUS=. */
#include <stdio.h>

#include "policy.h"
#include "stats.h"

struct stats stats;

static unsigned long get(atomic_ulong *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

size_t stats_format(char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%lu programs attached; calls: %lu emulated, %lu denied, "
			 "%lu error; %lu records lost", get(&stats.attached),
			 get(&stats.decided[DECISION_EMULATED]), get(&stats.decided[DECISION_DENIED]),
			 get(&stats.decided[DECISION_ERROR]), get(&stats.lost_records));

	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}
