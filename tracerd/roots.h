/* The allowed roots: directories known by identity, each kept open for
 * tracerd's life so that its identity can never pass to another
 * directory (an inode number is free for reuse only once nothing holds
 * the inode). */
#ifndef TRACERD_ROOTS_H
#define TRACERD_ROOTS_H

#include "ident.h"

#define ROOTS_MAX 64

/* Open and pin dirs[0..n-1] (a symlink names its target as it is now).
 * 0, or -errno with *bad the index of the one that failed. */
int roots_open(const char *const *dirs, unsigned n, unsigned *bad);

/* Is the directory fd a root or beneath one, judged as tracerd? 1, 0, or
 * -errno as resolve_within (-ENOENT: fd was deleted). */
int roots_within(int fd);

/* How many there are, and the pinned fd of root i (for `tracerd status`,
 * which names them by the path of that fd). */
unsigned roots_count(void);
int roots_fd(unsigned i);

#endif
