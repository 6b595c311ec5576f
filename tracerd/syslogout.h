/* The syslog output: each audit line as one datagram to /dev/log in the
 * local form glibc's syslog(3) sends, `<PRI>Mmm dd hh:mm:ss tracerd[PID]:
 * LINE` (no hostname: journald and rsyslog take `tracerd` as the tag).
 * Best-effort, like the journal output (journal.h). */
#ifndef TRACERD_SYSLOGOUT_H
#define TRACERD_SYSLOGOUT_H

#include <stddef.h>
#include <time.h>

#define SYSLOGOUT_SOCKET "/dev/log"

/* The facility named (kern user mail daemon auth syslog lpr news uucp
 * cron authpriv ftp local0..local7) as <syslog.h> codes it (LOG_AUTHPRIV
 * is 10 << 3), or -EINVAL. */
int syslogout_facility(const char *name);
/* The facility of every later message; the default is LOG_AUTHPRIV. */
void syslogout_set_facility(int code);

/* Send one line ('\n' at the end allowed, not sent). 0 or -errno (the
 * socket is reconnected once after a failure, as glibc does; never
 * blocks). Thread-safe. */
int syslogout_send(const char *line, size_t len);
void syslogout_close(void);

/* The datagram for line at time t into buf (for tests): its length, or
 * -ENOSPC. */
int syslogout_format(const char *line, size_t len, time_t t, char *buf, size_t cap);

#endif
