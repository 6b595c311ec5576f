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

/* The socket of this run's tracerd: bound to a fresh name (into name)
 * and listening, so the program's hand-off can connect before tracerd
 * runs. Also works out the log (o's --log made absolute, "-" as is, else
 * one named for the run in the user's state directory, into log). The
 * listening fd (close-on-exec), or -1 after printing why. */
int private_listen(const struct run_options *o, char name[SOCKNAME_MAX + 1],
		   char log[PATH_MAX]);

/* Start tracerd on lfd (passed as LISTEN_FDS) with o's --allow, the log
 * and --idle-exit 0, detached: its own session, no child of ours, stdin
 * on /dev/null, stdout on /dev/null (ours for --log -). Call it once the
 * program's connection waits on lfd. 0 once tracerd serves; -1 after
 * printing why. */
int private_spawn(const struct run_options *o, int lfd, char name[SOCKNAME_MAX + 1],
		  char log[PATH_MAX]);

#endif
