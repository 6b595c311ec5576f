/* Where tracerd and notif-run keep their logs by default: the XDG base
 * directory for state, $XDG_STATE_HOME/tracerd (an absolute value only),
 * else ~/.local/state/tracerd from $HOME. One function, so that the
 * daemon's default log and the one notif-run looks for cannot drift. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "statepath.h"

int state_path(char *out, size_t cap, const char *name)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	int n;

	if (xdg && xdg[0] == '/')
		n = snprintf(out, cap, "%s/tracerd/%s", xdg, name);
	else if (home && home[0] == '/')
		n = snprintf(out, cap, "%s/.local/state/tracerd/%s", home, name);
	else
		return -ENOENT;
	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}
