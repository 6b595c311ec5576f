/* The identity of a directory: what decisions are made on (never a path
 * string). A leaf: used by the resolver, the walk and the roots. */
#ifndef TRACERD_IDENT_H
#define TRACERD_IDENT_H

#include <stdbool.h>
#include <stdint.h>

struct ident {
	uint64_t mnt;
	uint64_t dev;
	uint64_t ino;
};

/* Identity of fd (name "", AT_EMPTY_PATH) or of dirfd/name. 0 or -errno. */
int ident_at(int dirfd, const char *name, int at_flags, struct ident *out);
/* Identity of the directory fd, or -ENOENT when it was deleted (no link
 * left: nothing can be created in it, nothing lies below it). */
int ident_live(int fd, struct ident *out);
bool ident_eq(const struct ident *a, const struct ident *b);

#endif
