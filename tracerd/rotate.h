/* The built-in rotation's file work (rotate.c): the new file, the rename
 * chain as logrotate names it (log, log.1 the newest, ... log.N), pruning
 * by count and by age. audit.c decides when, under its write lock. */
#ifndef TRACERD_ROTATE_H
#define TRACERD_ROTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A new empty file to take path's place, made as a hidden sibling
 * (".NAME.new", 0600) with room bytes reserved on disk (fallocate; 0:
 * none) so that the claims of creations in flight move to it whole. The
 * fd, its name in tmp; -errno (-ENOSPC: no room, do not rotate). */
int rotate_new_file(const char *path, off_t room, char *tmp, size_t cap);

/* path to path.1, path.1 to path.2 ... (those from keep on removed), then
 * tmp to path. -errno when tmp could not take path's place. */
int rotate_shift(const char *path, const char *tmp, unsigned keep);

/* Remove path.N files last modified more than days ago (0: none). */
void rotate_prune(const char *path, unsigned days);

/* "path.N" into out; -ENAMETOOLONG when it does not fit. */
int rotate_name(const char *path, unsigned n, char *out, size_t cap);

#endif
