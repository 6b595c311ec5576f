/* The abstract socket address both sides agree on. */
#ifndef NOTIF_SOCKNAME_H
#define NOTIF_SOCKNAME_H

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#define SOCKNAME_MAX 107	/* sizeof(sun_path) minus the leading NUL */

/* NAME: override (a leading '@' stripped) when non-NULL, else
 * "tracerd-<euid>". Returns its length, or -EINVAL for an empty or too long
 * name. */
int sockname_get(const char *override, uid_t euid, char out[SOCKNAME_MAX + 1]);

/* Fill an abstract address for NAME; returns the addrlen to pass. */
socklen_t sockname_addr(const char *name, struct sockaddr_un *addr);

/* NAME for a diagnostic line: printable ASCII as is, a backslash as \\,
 * every other byte as \xHH; at most cap - 1 bytes and a NUL (cap > 0).
 * Returns the length written. */
size_t sockname_escape(const char *name, char *out, size_t cap);

#endif
