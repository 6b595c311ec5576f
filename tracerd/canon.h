/* The canonical path of what a resolution opened, as the target's root
 * sees it: kept beside the walk and built from the names it really walked
 * and the fds it really used. A leaf: walk.c and resolve.c both use it. */
#ifndef TRACERD_CANON_H
#define TRACERD_CANON_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct canon {
	char *buf;
	size_t len, cap;
	bool bad;	/* too long, or not below the target's root: no path */
};

void canon_set(struct canon *k, const char *s);

/* Apply one component (n bytes at s) lexically. */
void canon_push(struct canon *k, const char *s, size_t n);

/* Apply every component of p. */
void canon_walk(struct canon *k, const char *p);

/* k := the path of the directory fd as seen from the target's root, whose
 * path tracerd sees as root_seen; bad when it does not lie below it. */
/* The same from seen, a path of the directory as tracerd sees it (read
 * from its fd). */
void canon_seen(struct canon *k, const char *seen, const char *root_seen);
void canon_fd(struct canon *k, int fd, const char *root_seen);

/* readlinkat(dirfd, name) into buf, NUL-terminated ("" when it fails or
 * is empty): its length, or -errno (-EIO for an empty link). */
ssize_t canon_readlink(int dirfd, const char *name, char *buf, size_t cap);

/* Keep tracerd's /proc/self/fd open for canon_fd_path (before threads). */
int canon_init(void);
/* The path tracerd sees for fd (readlink of /proc/self/fd/N), "" and
 * -errno when there is none. */
int canon_fd_path(int fd, char *buf, size_t cap);

/* fd is a seccomp user-notification listener (its anon inode's name). */
bool canon_is_seccomp_listener(int fd);

#endif
