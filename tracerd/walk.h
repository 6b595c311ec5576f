/* The component walk behind resolve.c: private to the resolver. */
#ifndef TRACERD_WALK_H
#define TRACERD_WALK_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "canon.h"
#include "creds.h"
#include "ident.h"
#include "procid.h"

#define WALK_DEPTH 41	/* the parent part and up to 40 link bodies */
/* The walk's cost bound: components taken (".", "..", links' included)
 * per call. A path holds at most 2 048, so only links go beyond; past it
 * the walk ends with -E2BIG, which no native mkdir returns: the call is
 * an error, never a stall (40 bodies of 2 048 components each would be
 * 82 000 steps). */
#define WALK_MAX_STEPS 4096

/* One walk from the target's root: a stack of strings, as the kernel keeps
 * one (str[0] the parent part of the path, then the bodies of the links
 * being followed, each walked before the rest of the one below it).
 * 168 KB: it lives in a thread's resolve arena, never on a stack. */
struct walk {
	struct procid proc;		/* the target, for procfs */
	const struct creds *self;	/* tracerd's own, for its /proc reads */
	const struct creds *adopted;	/* the target's, while suspended */
	bool suspended;			/* acting as tracerd right now */
	bool in_target_proc;		/* cur lies under the target's /proc/N */
	int rootfd;
	struct ident root;
	const char *root_seen;		/* rootfd's path as tracerd sees it */
	int links;
	unsigned steps;			/* components taken, up to WALK_MAX_STEPS */
	unsigned depth;
	const char *pos[WALK_DEPTH];	/* where each string goes on */
	char str[WALK_DEPTH][PATH_MAX];
};

/* openat(dirfd, name, O_PATH | O_CLOEXEC | flags): the fd or -errno. */
int walk_open(int dirfd, const char *name, int flags);

/* walk_open(dirfd, name, 0) of what must be a directory: the fd, -ENOTDIR
 * when it is none, or the open's -errno. */
int walk_open_dir(int dirfd, const char *name);

/* Walk w->str[0] from *cur; on success *cur is the parent directory. 0, or
 * -errno (with *deny set for a refused magic link; -E2BIG past
 * WALK_MAX_STEPS). The thread acts as
 * the target (when adopted) on return, whatever happened. */
int walk(struct walk *w, int *cur, struct canon *k, const char **deny);

#endif
