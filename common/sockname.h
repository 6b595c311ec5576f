/* The abstract socket address both sides agree on. */
#ifndef NOTIF_SOCKNAME_H
#define NOTIF_SOCKNAME_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#define SOCKNAME_MAX 107	/* sizeof(sun_path) minus the leading NUL */

/* What is wrong with override as a name, a line for the user that names
 * it (TRACERD_SOCKET, or --socket when option): empty (a lone '@' too),
 * longer than SOCKNAME_MAX, or a control character (bytes below 0x20,
 * 0x7f: they would garble a terminal and every diagnostic; bytes above
 * 0x7f, UTF-8 names, are fine). NULL for a good name, or NULL. */
const char *sockname_invalid(const char *override, bool option);

/* NAME: override (a leading '@' stripped) when non-NULL, else
 * "tracerd-<euid>". Returns its length, or -EINVAL for a name
 * sockname_invalid refuses. */
int sockname_get(const char *override, uid_t euid, char out[SOCKNAME_MAX + 1]);

/* Fill an abstract address for NAME; returns the addrlen to pass. */
socklen_t sockname_addr(const char *name, struct sockaddr_un *addr);

/* NAME for a diagnostic line: printable ASCII as is, a backslash as \\,
 * every other byte as \xHH; at most cap - 1 bytes and a NUL (cap > 0).
 * Returns the length written. */
size_t sockname_escape(const char *name, char *out, size_t cap);

#endif
