/* The summary's counters. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "logcount.h"

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static struct logcount_ent *slot(struct logcount_ent *e, size_t cap, const char *key, size_t n)
{
	size_t i = (size_t)hash(key, n) & (cap - 1);

	while (e[i].key && (e[i].klen != n || memcmp(e[i].key, key, n) != 0))
		i = (i + 1) & (cap - 1);
	return &e[i];
}

/* Double the table (kept at most half full). */
static int grow(struct logcount *c)
{
	size_t cap = c->cap ? c->cap * 2 : 64;
	struct logcount_ent *e = calloc(cap, sizeof(*e));

	if (!e)
		return -1;
	for (size_t i = 0; i < c->cap; i++)
		if (c->e[i].key)
			*slot(e, cap, c->e[i].key, c->e[i].klen) = c->e[i];
	free(c->e);
	c->e = e;
	c->cap = cap;
	return 0;
}

struct logcount_ent *logcount_get(struct logcount *c, const char *key, size_t n)
{
	struct logcount_ent *s;

	if ((c->n + 1) * 2 > c->cap && grow(c) < 0)
		return NULL;
	s = slot(c->e, c->cap, key, n);
	if (s->key)
		return s;
	s->key = malloc(n + 1);
	if (!s->key)
		return NULL;
	memcpy(s->key, key, n);
	s->key[n] = '\0';
	s->klen = n;
	c->n++;
	return s;
}

static int by_total(const void *a, const void *b)
{
	const struct logcount_ent *x = *(const struct logcount_ent *const *)a;
	const struct logcount_ent *y = *(const struct logcount_ent *const *)b;
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int r;

	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	r = memcmp(x->key, y->key, n);
	return r ? r : (x->klen > y->klen) - (x->klen < y->klen);
}

struct logcount_ent **logcount_sorted(const struct logcount *c)
{
	struct logcount_ent **v;
	size_t k = 0;

	if (c->n == 0 || !(v = malloc(c->n * sizeof(*v))))
		return NULL;
	for (size_t i = 0; i < c->cap; i++)
		if (c->e[i].key)
			v[k++] = &c->e[i];
	qsort(v, k, sizeof(*v), by_total);
	return v;
}

void logcount_free(struct logcount *c)
{
	for (size_t i = 0; i < c->cap; i++)
		free(c->e[i].key);
	free(c->e);
	memset(c, 0, sizeof(*c));
}
