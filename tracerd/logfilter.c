/* Which lines `tracerd log` selects. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "logfilter.h"

int logfilter_under(struct logfilter *f, const char *dir)
{
	size_t n = strlen(dir), o = 0;
	char *d;

	if (dir[0] != '/')
		return -EINVAL;
	d = malloc(n + 1);
	if (!d)
		return -ENOMEM;
	for (size_t i = 0, j; i < n; i = j) {
		while (i < n && dir[i] == '/')
			i++;
		for (j = i; j < n && dir[j] != '/'; j++)
			;
		if (j == i || (j - i == 1 && dir[i] == '.'))
			continue;	/* "//" or "/./" */
		d[o++] = '/';
		memcpy(d + o, dir + i, j - i);
		o += j - i;
	}
	if (o == 0)
		d[o++] = '/';
	d[o] = '\0';
	free(f->under);
	f->under = d;
	f->under_len = o;
	return 0;
}

bool logfilter_is_under(const char *dir, size_t dirlen, const char *path, size_t n)
{
	if (dirlen == 1 && dir[0] == '/')
		return n > 0 && path[0] == '/';
	if (n < dirlen || memcmp(path, dir, dirlen) != 0)
		return false;
	return n == dirlen || path[dirlen] == '/';
}

/* A string filter: unset, or the member is exactly it. */
static bool str_ok(const char *want, const struct logstr *v)
{
	return !want || logstr_is(v, want);
}

bool logfilter_match(const struct logfilter *f, const struct logrec *r)
{
	if (r->is_event && !f->events)
		return false;
	if ((f->has_since && r->ts < f->since) || (f->has_until && r->ts > f->until))
		return false;
	if ((f->has_pid && (!r->has_pid || r->pid != f->pid)) ||
	    (f->has_attach && (!r->has_attach || r->attach != f->attach)))
		return false;
	if (!str_ok(f->decision, &r->decision) || !str_ok(f->exe, &r->exe) ||
	    !str_ok(f->comm, &r->comm) || !str_ok(f->err, &r->err))
		return false;
	if (f->under && (!r->resolved.s ||
			 !logfilter_is_under(f->under, f->under_len, r->resolved.s, r->resolved.n)))
		return false;
	return true;
}

void logfilter_free(struct logfilter *f)
{
	free(f->under);
	f->under = NULL;
}
