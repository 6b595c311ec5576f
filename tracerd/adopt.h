/* Listeners handed back by a restart (systemd's fd store): attached as if
 * their programs had just done the handshake, keeping their ids. */
#ifndef TRACERD_ADOPT_H
#define TRACERD_ADOPT_H

#include "activation.h"

/* Attach every listener of a (the threads run), each with an `attach`
 * event saying "adopted":true; one that cannot be attached is closed and
 * said (its program then gets ENOSYS). How many were adopted. */
unsigned adopt_listeners(const struct activation *a);

#endif
