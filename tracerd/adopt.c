/* Adoption: the same attach as a handshake's, minus the push (the store
 * has the listener already) and the ack (its program is not waiting for
 * one: its calls wait in the kernel until somebody receives them). */
#include <unistd.h>

#include "../common/wire.h"
#include "adopt.h"
#include "audit.h"
#include "listener.h"
#include "log.h"

unsigned adopt_listeners(const struct activation *a)
{
	unsigned n = 0;

	for (unsigned i = 0; i < a->nlisteners; i++) {
		const struct adopted *l = &a->listeners[i];
		uint64_t id = 0;
		int st = listener_attach(l->fd, l->pid, l->id, &id);
		struct audit_num nums[] = {
			{ .key = "adopted", .v = 1, .boolean = true },
			{ .key = "listener", .v = (long long)id },
		};

		if (st != WIRE_OK) {
			log_warn("stored listener %llu of pid %d: %s: its programs are no longer "
				 "supervised", (unsigned long long)l->id, (int)l->pid,
				 wire_status_str((unsigned)st));
			close(l->fd);
			(void)audit_event("lost", l->pid, "a stored listener could not be adopted");
			continue;
		}
		(void)audit_event_with("attach", l->pid, NULL, nums, 2);
		n++;
	}
	return n;
}
