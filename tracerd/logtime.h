/* The TIME of `tracerd log --since/--until` and the "ts" of a record, as
 * microseconds since the epoch (logtime.c). Nothing here reads a clock:
 * the caller passes "now", so the tests can. */
#ifndef TRACERD_LOGTIME_H
#define TRACERD_LOGTIME_H

#include <stddef.h>

/* RFC 3339 in s[0..n): "YYYY-MM-DD(T|t| )HH:MM:SS[.frac](Z|z|+HH:MM|-HH:MM)".
 * 0 with *ret_us, or -EINVAL. */
int logtime_rfc3339(const char *s, size_t n, long long *ret_us);

/* A TIME as journalctl --since takes it: RFC 3339, "YYYY-MM-DD[ HH:MM[:SS]]"
 * (local time), "now", "today", "yesterday", "tomorrow", or "-N" followed
 * by s, m, h or d (before now_us). 0 with *ret_us, or -EINVAL. */
int logtime_parse(const char *s, long long now_us, long long *ret_us);

/* us as local "YYYY-MM-DD HH:MM:SS" into out (at least 32 bytes). */
void logtime_local(long long us, char *out, size_t cap);

#endif
