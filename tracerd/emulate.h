/* Performing the creation exactly as the target's own mkdir would. */
#ifndef TRACERD_EMULATE_H
#define TRACERD_EMULATE_H

#include <sys/types.h>

/* Give the calling thread its own fs context (for the umask). 0 or -errno. */
int emulate_thread_init(void);

/* mkdirat(parentfd, name, mode) under the target's umask: 0 or -errno. */
int emulate_mkdir(int parentfd, const char *name, unsigned mode, mode_t umask);

/* Would the kernel get past the lookup of name? 0 (absent), -EEXIST, or
 * the lookup's -errno (EACCES, ENAMETOOLONG, ...). Creates nothing. */
int emulate_probe(int parentfd, const char *name);

#endif
