/* Path resolution for the target: (root, base, path) -> an open parent
 * directory fd and the last component, exactly as the kernel would walk it
 * for the target, never as tracerd. */
#ifndef TRACERD_RESOLVE_H
#define TRACERD_RESOLVE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "creds.h"
#include "ident.h"
#include "target.h"

enum last_type {
	LAST_NORM,
	LAST_DOT,	/* ".", ".." or the root itself: EEXIST once the parent resolves */
};

/* One thread's working memory for resolutions, allocated once: the walk's
 * stack of link bodies (41 x PATH_MAX, 168 KB) is too large for the stack
 * of every call. NULL when out of memory. */
struct resolve_arena *resolve_arena_new(void);
void resolve_arena_free(struct resolve_arena *a);

struct resolve_in {
	int procfd;		/* /proc/TID of the target */
	const pid_t *nstgid, *nspid;	/* its ids in each pid namespace tracerd
					 * sees (tracerd's first, its own last) */
	unsigned nslevels;
	int self_rootfd;	/* tracerd's "/" */
	struct ident self_root;
	const struct creds *self;	/* tracerd's own (NULL: never switch) */
	struct target_buf *scratch;	/* for procfs reads; may be NULL */
	struct resolve_arena *arena;	/* the calling thread's */
	const char *path;	/* as the target gave it: not empty */
	int dirfd;		/* a relative path's start: AT_FDCWD (the cwd) or
				 * mkdirat's dirfd */
};

struct resolve_out {
	int parentfd;		/* O_PATH directory, owned by the caller */
	char last[PATH_MAX];
	enum last_type type;
	const char *deny;	/* set with -EPERM: a magic link we refuse */
	char resolved[2 * PATH_MAX];	/* the canonical parent, "/", last */
	bool have_resolved;
	char cwd[PATH_MAX];	/* the path of the cwd fd a relative path used */
	bool have_cwd;
};

/* 0 with out->parentfd open and out->resolved filled, or -errno to answer
 * as the kernel would (ENOENT, ENOTDIR, ELOOP, EACCES, EBADF, ...), or
 * -EPERM with out->deny set. The target's root and the base of a relative
 * path (cwd or dirfd) are opened first, as tracerd; out->resolved is built
 * from those very fds and the names the walk opened, and for a path
 * relative to the cwd out->cwd is the path of the cwd fd that was used
 * (out->have_cwd). Every out field is set, also on failure. */
int resolve_parent(const struct resolve_in *in, struct resolve_out *out);

/* Is the directory fd one of roots or beneath one? Walks up with "..",
 * stopping at a repeated identity or at top (NULL: none); 1 inside, 0
 * outside, -ENOENT when fd was deleted (a deleted root allows nothing),
 * -errno (EACCES, or -ELOOP past 4096 levels). */
int resolve_within(int fd, const struct ident *roots, unsigned nroots, const struct ident *top);

/* The same question asked of a matcher: walks up from the directory fd
 * until match says yes for an identity (1), the top is reached (0), or
 * -errno as resolve_within. */
typedef bool resolve_match_fn(const struct ident *id, void *arg);
int resolve_nearest(int fd, resolve_match_fn *match, void *arg, const struct ident *top);

#endif
