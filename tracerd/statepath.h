#ifndef TRACERD_STATEPATH_H
#define TRACERD_STATEPATH_H

#include <stddef.h>

/* $XDG_STATE_HOME/tracerd/NAME, or $HOME/.local/state/tracerd/NAME, into
 * out: 0, -ENOENT (neither set to an absolute path), -ENAMETOOLONG. */
int state_path(char *out, size_t cap, const char *name);

#endif
