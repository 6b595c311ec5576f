/* The default log's rotated siblings. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logfiles.h"

struct sibling {
	unsigned long n;	/* the N of NAME.N */
	char *path;
};

/* name is base "." N, N decimal without a leading 0: N, else 0. */
static unsigned long rotated_number(const char *name, const char *base, size_t blen)
{
	unsigned long n = 0;
	const char *p = name + blen + 1;

	if (strncmp(name, base, blen) != 0 || name[blen] != '.' || *p < '1' || *p > '9')
		return 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || n > 100000000)
			return 0;
		n = n * 10 + (unsigned long)(*p - '0');
	}
	return n;
}

static int older_first(const void *a, const void *b)
{
	const struct sibling *x = a, *y = b;

	return (x->n < y->n) - (x->n > y->n);
}

static int add(struct logfiles *f, char *path)
{
	char **p;

	if (!path)
		return -ENOMEM;
	p = realloc(f->path, (f->n + 1) * sizeof(*p));
	if (!p) {
		free(path);
		return -ENOMEM;
	}
	f->path = p;
	f->path[f->n++] = path;
	return 0;
}

/* Every NAME.N in dir, unsorted, into *ret (count *n). */
static int scan(const char *dir, const char *base, struct sibling **ret, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t blen = strlen(base);
	int r = 0;

	*ret = NULL;
	*n = 0;
	while (d && (e = readdir(d))) {
		unsigned long k = rotated_number(e->d_name, base, blen);
		struct sibling *s;

		if (k == 0)
			continue;
		s = realloc(*ret, (*n + 1) * sizeof(**ret));
		if (!s || asprintf(&s[*n].path, "%s/%s", dir, e->d_name) < 0) {
			*ret = s ? s : *ret;
			r = -ENOMEM;
			break;
		}
		*ret = s;
		s[(*n)++].n = k;
	}
	if (d)
		closedir(d);
	return r;
}

int logfiles_of(const char *path, struct logfiles *ret)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
	struct sibling *s = NULL;
	size_t n = 0;
	int r = dir ? scan(slash == path ? "/" : dir, slash ? slash + 1 : path, &s, &n) : -ENOMEM;

	memset(ret, 0, sizeof(*ret));
	if (r == 0 && n > 1)
		qsort(s, n, sizeof(*s), older_first);
	for (size_t i = 0; i < n; i++)
		if (r == 0)
			r = add(ret, s[i].path);
		else
			free(s[i].path);
	if (r == 0)
		r = add(ret, strdup(path));
	free(s);
	free(dir);
	if (r < 0)
		logfiles_free(ret);
	return r;
}

void logfiles_free(struct logfiles *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->path[i]);
	free(f->path);
	memset(f, 0, sizeof(*f));
}
