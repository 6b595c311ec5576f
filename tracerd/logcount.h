/* Counters keyed by byte strings, for the summary of `tracerd log`
 * (logcount.c): an open-addressing hash table, so a log of millions of
 * records with as many distinct directories stays linear. */
#ifndef TRACERD_LOGCOUNT_H
#define TRACERD_LOGCOUNT_H

#include <stddef.h>

#define LOGCOUNT_V 4

struct logcount_ent {
	char *key;		/* NUL-terminated copy (may hold NULs: klen) */
	size_t klen;
	unsigned long v[LOGCOUNT_V];
	unsigned long total;	/* what logcount_sorted orders by */
};

struct logcount {
	struct logcount_ent *e;
	size_t n, cap;		/* cap a power of two, or 0 */
};

/* The entry of key[0..n), added zeroed when new; NULL: out of memory. */
struct logcount_ent *logcount_get(struct logcount *c, const char *key, size_t n);

/* The entries by total, largest first, then by key: a malloc'd array
 * of c->n pointers (NULL: out of memory, or c is empty). */
struct logcount_ent **logcount_sorted(const struct logcount *c);

void logcount_free(struct logcount *c);

#endif
