/* Diagnostics on stderr (the audit log is data, elsewhere). */
#ifndef TRACERD_LOG_H
#define TRACERD_LOG_H

#define LOG_FMT(a, b) __attribute__((format(printf, a, b)))

void log_setup(int level_prefix);
void log_msg(int level, const char *fmt, ...) LOG_FMT(2, 3);
int log_errno(int level, int r, const char *fmt, ...) LOG_FMT(3, 4);

#define log_info(...) log_msg(6, __VA_ARGS__)
#define log_warn(...) log_msg(4, __VA_ARGS__)
#define log_error(...) log_msg(3, __VA_ARGS__)
#define log_warn_errno(r, ...) log_errno(4, r, __VA_ARGS__)
#define log_error_errno(r, ...) log_errno(3, r, __VA_ARGS__)

#endif
