/* `tracerd status [--socket NAME] [--json]`: ask the tracerd serving the
 * socket how it is (wire.h, version 3; statusd.h). Exit 0 when a tracerd
 * answered, 3 when none serves the socket, 1 on any other error. */
#ifndef TRACERD_STATUSCMD_H
#define TRACERD_STATUSCMD_H

#include "statusread.h"

/* argv[0] is "status". The exit status. */
int statuscmd_main(int argc, char **argv);

/* Ask the tracerd serving the socket sock (NULL: $TRACERD_SOCKET, else
 * tracerd-EUID) for its status, into *v (free with statusread_free, also
 * after a failure). 0, or the exit status after saying why on stderr,
 * each message starting "who: ": 3 when no tracerd serves the socket, 1
 * on any other error (another uid's, too old, a malformed answer). */
int statuscmd_fetch(const char *who, const char *sock, struct status_view *v);

#endif
