/* Starting the user's tracerd when none serves its socket (issue 17). */
#ifndef NOTIF_AUTOSTART_H
#define NOTIF_AUTOSTART_H

#include "handoff.h"

#define AUTOSTART_TIMEOUT_MS 5000	/* the bound on the wait for the name */
#define AUTOSTART_IDLE_DEFAULT "60"	/* tracerd --idle-exit, unless NOTIF_AUTOSTART_IDLE */

/* No tracerd serves name (connect said ECONNREFUSED) and NOTIF_AUTOSTART
 * is not "0": start the user's tracerd (detached, clean, see issue 17) and
 * wait until name is served (5 s at most; a racing autostart that won is
 * fine). self_path: the path of the library or binary calling (to find
 * the tracerd beside it), NULL to work it out from /proc/self/maps.
 * 0 when name is served now, -1 with e->what/e->err set ("autostart
 * failed: ..."). Raw syscalls, no allocation: usable from the constructor. */
int autostart_tracerd(const char *name, const char *self_path, struct handoff_err *e);

/* Is autostart wanted: NOTIF_AUTOSTART unset or anything but "0". */
int autostart_enabled(void);

#endif
