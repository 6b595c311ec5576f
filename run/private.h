/* A tracerd of one run's own (--private, --allow, --log). */
#ifndef NOTIF_RUN_PRIVATE_H
#define NOTIF_RUN_PRIVATE_H

#include <limits.h>

#include "../common/sockname.h"
#include "options.h"

/* The tracerd to start: $TRACERD_BIN, else the one beside notif-run's own
 * binary (build/notif-run -> build/tracerd, <prefix>/bin/notif-run ->
 * <prefix>/bin/tracerd), never one found in $PATH. 0 or -errno. */
int private_tracerd_path(char out[PATH_MAX]);

/* Start a tracerd for this run on a fresh socket name (into name), with
 * o's --allow and --log (default: a log named for the run in the user's
 * state directory, into log; "-" stays "-") and --idle-exit 0, detached:
 * its own session, no child of ours, stdin on /dev/null, stdout on
 * /dev/null (ours for --log -). Returns 0 once it listens; -1 after
 * printing why (the caller exits 126). */
int private_start(const struct run_options *o, char name[SOCKNAME_MAX + 1], char log[PATH_MAX]);

#endif
