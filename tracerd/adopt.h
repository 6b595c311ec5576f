/* Listeners handed back by a restart (systemd's fd store): attached as if
 * their programs had just done the handshake, keeping their ids. */
#ifndef TRACERD_ADOPT_H
#define TRACERD_ADOPT_H

#include "activation.h"

/* Before the threads: this run's in-flight table (one slot per possible
 * thread, and one for recovery), pushed into the fd store (if any) before
 * any call is taken; the tables a restart handed back opened for
 * adopt_calls. */
void adopt_tables(struct activation *a, unsigned max_threads);

/* After adopt_listeners: the calls the tables handed back had in flight,
 * finished (recover.c); each table then leaves the store. */
void adopt_calls(void);

/* Attach every listener of a (the threads run), each with an `attach`
 * event saying "adopted":true; one that cannot be attached is closed and
 * said (its program then gets ENOSYS). How many were adopted. */
unsigned adopt_listeners(const struct activation *a);

#endif
