/* The /proc texts of the attach event, parsed (progparse.c): pure
 * functions over bytes a program controls (its command line), so that the
 * unit test and the fuzzer reach them without /proc. */
#ifndef TRACERD_PROGPARSE_H
#define TRACERD_PROGPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A command line is cut at this many bytes ("cmdline_cut":true). */
#define PROGPARSE_CMDLINE_MAX 1024
/* How much of /proc/PID/cmdline to read: one byte past the longest
 * command line kept and its NUL, so that "longer" is known. */
#define PROGPARSE_CMDLINE_READ (PROGPARSE_CMDLINE_MAX + 2)

/* The n bytes read from /proc/PID/cmdline at buf (all of it when n <
 * PROGPARSE_CMDLINE_READ), rewritten in place into the arguments joined
 * by spaces, NUL-terminated (buf has room for n + 1 bytes). The last
 * argument's NUL is dropped, nothing else (an empty argument stays a
 * space). *cut: it was longer than PROGPARSE_CMDLINE_MAX bytes, and is
 * cut there. Returns the length. */
size_t progparse_cmdline(char *buf, size_t n, bool *cut);

/* The fsuid (the fourth field of the Uid: line) from the first n bytes of
 * /proc/PID/status (not NUL-terminated). 0, or -EINVAL when the line is
 * missing, cut or malformed. */
int progparse_fsuid(const char *buf, size_t n, uid_t *ret);

#endif
