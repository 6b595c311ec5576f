/* Path resolution for the target: (root, base, path) -> an open parent
 * directory fd and the last component, exactly as the kernel would walk it
 * for the target, never as tracerd. */
#ifndef TRACERD_RESOLVE_H
#define TRACERD_RESOLVE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "call.h"

struct ident {
	uint64_t mnt;
	uint64_t dev;
	uint64_t ino;
};

enum last_type {
	LAST_NORM,
	LAST_DOT,	/* ".", ".." or the root itself: EEXIST once the parent resolves */
};

struct resolve_in {
	int procfd;		/* /proc/TID of the target */
	pid_t ns_tgid, ns_tid;	/* the target's ids in its own pid namespace */
	int self_rootfd;	/* tracerd's "/" */
	struct ident self_root;
};

struct resolve_out {
	int parentfd;		/* O_PATH directory, owned by the caller */
	char last[PATH_MAX];
	enum last_type type;
	const char *deny;	/* set with -EPERM: a magic link we refuse */
	size_t claim;		/* room claimed in the log for the record */
};

/* Identity of fd (name "" ) or of dirfd/name. 0 or -errno. */
int ident_at(int dirfd, const char *name, int at_flags, struct ident *out);
bool ident_eq(const struct ident *a, const struct ident *b);

/* 0 with out->parentfd open and c->resolved filled, or -errno to answer
 * as the kernel would (ENOENT, ENOTDIR, ELOOP, EACCES, EBADF, ...), or
 * -EPERM with out->deny set. */
int resolve_parent(const struct resolve_in *in, struct call *c, struct resolve_out *out);

/* Is the directory fd one of roots or beneath one? Walks up with "..",
 * stopping at a repeated identity or at top (NULL: none); 1 inside, 0
 * outside, -errno (EACCES, or -ELOOP past 4096 levels). */
int resolve_within(int fd, const struct ident *roots, unsigned nroots, const struct ident *top);

#endif
