/* Reading the audit log file back (logfile.c): what audit.c needs to know
 * of a file it opens or rotated, read with pread only. */
#ifndef TRACERD_LOGFILE_H
#define TRACERD_LOGFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Cut a torn last line of the regular file fd (its size in *torn), so
 * that every line in the log parses. 0 or -errno. */
int logfile_cut_torn(int fd, size_t *torn);

/* Is this line a call's record (not a daemon event, which has "event"
 * right after "ts")? */
bool logfile_is_record(const char *line, size_t len);

/* The call records in the file open at fd (read from its start). */
unsigned long logfile_count_records(int fd);

/* Is needle in the last want bytes before end of fd? buf holds want. */
bool logfile_tail_has(int fd, off_t end, size_t want, const char *needle, char *buf);

/* The same in the last want bytes of path.1 (the file before the last
 * rotation). */
bool logfile_rotated_has(const char *path, const char *needle, size_t want, char *buf);

#endif
