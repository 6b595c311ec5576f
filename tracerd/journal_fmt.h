/* The journal output's payload (journal.h sends it): one audit line in
 * the native protocol's fields. No I/O here. */
#ifndef TRACERD_JOURNAL_FMT_H
#define TRACERD_JOURNAL_FMT_H

#include <stddef.h>
#include <sys/types.h>

/* The syslog severity of a line: 4 (warning) for decision "error", 5
 * (notice) for "denied", 6 (info) for anything else (emulated, events). */
int journal_priority(const char *line, size_t len);

/* The native-protocol payload for line into buf: its length; -EINVAL
 * (not a flat JSON object) or -ENOSPC (cap too small: journal_cap(len)
 * always suffices). */
ssize_t journal_encode(const char *line, size_t len, char *buf, size_t cap);
size_t journal_cap(size_t len);

#endif
