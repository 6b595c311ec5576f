/* Diagnostics on stderr (the audit log is data, elsewhere). */
#ifndef TRACERD_LOG_H
#define TRACERD_LOG_H

#include <syslog.h>	/* LOG_ERR, LOG_WARNING, LOG_INFO: the <N> prefixes */

#define LOG_FMT(a, b) __attribute__((format(printf, a, b)))

void log_setup(int level_prefix);
void log_msg(int level, const char *fmt, ...) LOG_FMT(2, 3);
int log_errno(int level, int r, const char *fmt, ...) LOG_FMT(3, 4);

#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn_errno(r, ...) log_errno(LOG_WARNING, r, __VA_ARGS__)
#define log_error_errno(r, ...) log_errno(LOG_ERR, r, __VA_ARGS__)

#endif
