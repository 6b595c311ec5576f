/* The component walk behind resolve.c: private to the resolver. */
#ifndef TRACERD_WALK_H
#define TRACERD_WALK_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "creds.h"
#include "ident.h"
#include "procid.h"

struct canon {
	char *buf;
	size_t len, cap;
	bool bad;
};

#define WALK_DEPTH 41	/* the parent part and up to 40 link bodies */

/* One walk from the target's root: a stack of strings, as the kernel keeps
 * one (str[0] the parent part of the path, then the bodies of the links
 * being followed, each walked before the rest of the one below it). */
struct walk {
	struct procid *proc;		/* the target, for procfs */
	const struct creds *self;	/* tracerd's own, for its /proc reads */
	const struct creds *adopted;	/* the target's, while suspended */
	bool suspended;			/* acting as tracerd right now */
	bool in_target_proc;		/* cur lies under the target's /proc/N */
	int rootfd;
	struct ident root;
	const char *root_seen;		/* rootfd's path as tracerd sees it */
	int links;
	unsigned depth;
	const char *pos[WALK_DEPTH];	/* where each string goes on */
	char str[WALK_DEPTH][PATH_MAX];
};

/* The canonical path kept beside the walk. */
void canon_set(struct canon *k, const char *s);
void canon_push(struct canon *k, const char *s, size_t n);
void canon_walk(struct canon *k, const char *p);

/* k := the path of the directory fd as seen from the target's root, whose
 * path tracerd sees as root_seen; bad when it does not lie below it. */
void canon_fd(struct canon *k, int fd, const char *root_seen);

/* The path tracerd sees for fd (readlink of /proc/self/fd/N), "" and
 * -errno when there is none. */
int walk_fd_path(int fd, char *buf, size_t cap);

/* openat(dirfd, name, O_PATH | O_CLOEXEC | flags): the fd or -errno. */
int walk_open(int dirfd, const char *name, int flags);

/* Walk w->str[0] from *cur; on success *cur is the parent directory. 0, or
 * -errno (with *deny set for a refused magic link). The thread acts as
 * the target (when adopted) on return, whatever happened. */
int walk(struct walk *w, int *cur, struct canon *k, const char **deny);

#endif
