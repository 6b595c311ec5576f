/* The component walk behind resolve.c: private to the resolver. */
#ifndef TRACERD_WALK_H
#define TRACERD_WALK_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "resolve.h"

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
	const struct resolve_in *in;
	int rootfd;
	struct ident root;
	int links;
	unsigned depth;
	const char *pos[WALK_DEPTH];	/* where each string goes on */
	char str[WALK_DEPTH][PATH_MAX];
};

/* The canonical path kept beside the walk. */
void canon_set(struct canon *k, const char *s);
void canon_push(struct canon *k, const char *s, size_t n);
void canon_walk(struct canon *k, const char *p);

/* openat(dirfd, name, O_PATH | O_CLOEXEC | flags): the fd or -errno. */
int walk_open(int dirfd, const char *name, int flags);

/* Walk w->str[0] from *cur; on success *cur is the parent directory. 0, or
 * -errno (with *deny set for a refused magic link). */
int walk(struct walk *w, int *cur, struct canon *k, const char **deny);

#endif
