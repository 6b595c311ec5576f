/* One field of /proc/PID/stat: when the process started. The comm field
 * in parentheses is the program's own choice (any bytes but NUL, ')' and
 * spaces included), so the fields are counted from the last ')'. */
#ifndef TRACERD_PROCSTAT_H
#define TRACERD_PROCSTAT_H

#include <stddef.h>

/* The starttime field (22, clock ticks after boot) of the stat text
 * buf[0..n): 0 with *ticks set, or -EINVAL for text that is not such a
 * line (no ')', too few fields, not a decimal, out of range). */
int procstat_starttime(const char *buf, size_t n, unsigned long long *ticks);

#endif
