/* Parking: a busy program gets a thread of its own, waiting in poll(2) on
 * its listener alone (see park.c). */
#ifndef TRACERD_PARK_H
#define TRACERD_PARK_H

#include <stdint.h>

struct listener;
struct worker;

/* After a call of l by the leader w: park w on l when a spare can lead
 * (pool lock held). */
void park_try(struct worker *w, struct listener *l);

/* Serve w's parked listener until it leaves it (pool lock not held). */
void park_serve(struct worker *w);

/* Ask a parked thread to leave (pool lock held). */
void park_kick(struct worker *w);

/* The watchdog's look at the parked threads at now (pool lock held):
 * call back the idle ones, put the listener of a stalled one back into
 * the set. Returns the next deadline they have (UINT64_MAX: none). */
uint64_t park_watch(uint64_t now);

#endif
