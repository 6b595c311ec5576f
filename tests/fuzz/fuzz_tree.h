/* The scratch directory tree of fuzz_resolve and the checks it needs. */
#ifndef NOTIF_FUZZ_TREE_H
#define NOTIF_FUZZ_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Build the tree under a private directory in $TMPDIR (or /tmp), chdir
 * into it and remove it at exit. 0 or -errno. */
int fuzz_tree_create(void);
/* A hash of the tree's listing: names, types and link bodies. */
uint64_t fuzz_tree_digest(void);
/* The number of open fds in the calling thread's fd table (the listing's
 * own fd not counted). */
int fuzz_count_fds(void);
/* Is s an absolute path without empty, "." or ".." components? */
bool fuzz_canonical(const char *s);
/* Apply one last component lexically to an absolute path. */
void fuzz_join(char *path, size_t cap, const char *last);

#endif
