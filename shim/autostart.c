/* Autostart of the user's tracerd: not yet implemented (issue 17). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "autostart.h"

int autostart_enabled(void)
{
	const char *v = getenv("NOTIF_AUTOSTART");

	return !(v && strcmp(v, "0") == 0);
}

int autostart_tracerd(const char *name, const char *self_path, struct handoff_err *e)
{
	(void)name;
	(void)self_path;
	e->what = "autostart failed: not implemented yet";
	e->err = ENOSYS;
	e->status = 0;
	e->peer_version = 0;
	return -1;
}
