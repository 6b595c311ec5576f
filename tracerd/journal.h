/* The journal output: each audit line sent to systemd-journald over its
 * native protocol (/run/systemd/journal/socket), written by hand. One
 * field per record key by one rule, NOTIF_<KEY upper-cased, '-' as '_'>,
 * so keys added later are shipped without code here; plus MESSAGE= (a
 * one-line summary), PRIORITY= and SYSLOG_IDENTIFIER=tracerd. Best-effort:
 * a copy, whose refusal the caller counts and never turns into an answer. */
#ifndef TRACERD_JOURNAL_H
#define TRACERD_JOURNAL_H

#include <stddef.h>
#include <sys/types.h>

#include "journal_fmt.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"

/* Send one line (a record or an event exactly as written to the file,
 * '\n' included). 0, or -errno: -EINVAL for a line that is not a flat
 * JSON object, -ENOENT/-ECONNREFUSED while journald is not there,
 * -EAGAIN when its queue is full (never blocks). Thread-safe. */
int journal_send(const char *line, size_t len);
/* Close the socket (the next send opens one again). */
void journal_close(void);

/* The parts, for tests. */

/* Send payload on a datagram socket fd, to path (NULL: fd is connected);
 * when the socket refuses it as too big (EMSGSIZE, ENOBUFS), through a
 * sealed memfd passed with SCM_RIGHTS, as the protocol requires. 0 or
 * -errno. */
int journal_send_payload(int fd, const char *path, const char *buf, size_t n);

#endif
