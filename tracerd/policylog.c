/* Reading the calls back from audit logs, for suggest and what-if. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jread.h"
#include "options.h"
#include "policylog.h"

struct fields {
	char resolved[2 * PATH_MAX], exe[PATH_MAX], err[32], decision[16];
	bool has_resolved, has_exe, audit, event;
};

/* A string member into buf: false when it does not fit or holds a NUL
 * (no path does). */
static bool take(const struct jr_member *m, char *buf, size_t cap)
{
	size_t n = jr_string(m, buf, cap);

	return m->kind == JR_STRING && n < cap && strlen(buf) == n;
}

static bool member(const struct jr_member *m, struct fields *f)
{
	if (strcmp(m->key, "event") == 0)
		f->event = true;
	else if (strcmp(m->key, "resolved") == 0 && m->kind != JR_NULL)
		return (f->has_resolved = take(m, f->resolved, sizeof(f->resolved)));
	else if (strcmp(m->key, "exe") == 0 && m->kind != JR_NULL)
		return (f->has_exe = take(m, f->exe, sizeof(f->exe)));
	else if (strcmp(m->key, "errno") == 0 && m->kind != JR_NULL)
		return take(m, f->err, sizeof(f->err));
	else if (strcmp(m->key, "decision") == 0)
		return take(m, f->decision, sizeof(f->decision));
	else if (strcmp(m->key, "action") == 0)
		f->audit = m->kind == JR_STRING && m->rawlen == 7 &&
			   memcmp(m->raw, "\"audit\"", 7) == 0;
	return true;
}

/* One line: 1 a call (into rec), 0 an event, -EINVAL not a record. */
static int parse(const char *line, size_t n, struct fields *f, struct policylog_rec *rec)
{
	struct jr_line l;
	struct jr_member m;
	int k;

	f->has_resolved = f->has_exe = f->audit = f->event = false;
	f->err[0] = f->decision[0] = '\0';
	if (jr_begin(&l, line, n) < 0)
		return -EINVAL;
	while ((k = jr_next(&l, &m)) > 0)
		if (!member(&m, f))
			return -EINVAL;
	if (k < 0)
		return -EINVAL;
	if (f->event)
		return 0;
	if (!f->decision[0])
		return -EINVAL;
	if (!f->has_resolved)
		return 0;	/* unresolved: no directory to judge */
	rec->resolved = f->resolved;
	rec->exe = f->has_exe ? f->exe : NULL;
	rec->err = f->err;
	rec->audit = f->audit;
	rec->kind = strcmp(f->decision, "denied") == 0 ? PL_DENIED
		: strcmp(f->decision, "emulated") == 0 && !f->err[0] ? PL_CREATED : PL_OTHER;
	return 1;
}

/* The next line into buf: its length, -1 at the end; a line longer than
 * the buffer is passed over whole and given as -E2BIG. */
static long next_line(FILE *fp, char *buf, size_t cap)
{
	size_t n;
	int c;

	if (!fgets(buf, (int)cap, fp))
		return -1;
	n = strlen(buf);
	if (n == cap - 1 && buf[n - 1] != '\n') {
		while ((c = getc_unlocked(fp)) != EOF && c != '\n')
			;
		return -E2BIG;
	}
	return (long)n;
}

static int read_one(FILE *fp, char *buf, policylog_fn fn, void *ctx, struct policylog_stats *st)
{
	struct fields *f = malloc(sizeof(*f));
	struct policylog_rec rec;
	long n;
	int k = 0;

	if (!f)
		return -ENOMEM;
	while ((n = next_line(fp, buf, POLICYLOG_LINE_MAX)) != -1) {
		int p = n < 0 ? -EINVAL : parse(buf, (size_t)n, f, &rec);

		if (p < 0)
			st->skipped++;
		if (p != 1)
			continue;
		st->records++;
		if ((k = fn(&rec, ctx)) < 0)
			break;
	}
	free(f);
	return k < 0 ? k : ferror(fp) ? -EIO : 0;
}

int policylog_read(char *const *logs, unsigned n, policylog_fn fn, void *ctx,
		   struct policylog_stats *st, unsigned *bad)
{
	char *buf = malloc(POLICYLOG_LINE_MAX);
	int k = 0;

	if (!buf)
		return -ENOMEM;
	for (unsigned i = 0; i < n && k == 0; i++) {
		FILE *fp = fopen(logs[i], "re");

		*bad = i;
		if (!fp) {
			k = -errno;
			break;
		}
		k = read_one(fp, buf, fn, ctx, st);
		fclose(fp);
	}
	free(buf);
	return k;
}

/* "NAME.N" with N a number from 1: N, else 0 */
static unsigned long rotated(const char *entry, const char *name)
{
	size_t n = strlen(name);
	char *end;
	unsigned long v;

	if (strncmp(entry, name, n) != 0 || entry[n] != '.' || entry[n + 1] < '1' ||
	    entry[n + 1] > '9')
		return 0;
	v = strtoul(entry + n + 1, &end, 10);
	return *end ? 0 : v;
}

static int by_number_down(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* The numbers of path's rotated siblings into nums, largest first. */
static int siblings(const char *path, unsigned long *nums, unsigned *n)
{
	const char *slash = strrchr(path, '/');
	char *dir = strndup(path, (size_t)(slash - path) + 1);
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *e;
	unsigned long v;

	free(dir);
	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d)) && *n < POLICYLOG_FILES_MAX - 1)
		if ((v = rotated(e->d_name, slash + 1)))
			nums[(*n)++] = v;
	closedir(d);
	qsort(nums, *n, sizeof(*nums), by_number_down);
	return 0;
}

int policylog_defaults(char ***out, unsigned *n, char *path, size_t cap)
{
	unsigned long *nums = malloc(POLICYLOG_FILES_MAX * sizeof(*nums));
	char **list = calloc(POLICYLOG_FILES_MAX, sizeof(*list));
	unsigned k = 0, m = 0;
	int r = options_default_log(path, cap);

	if (!nums || !list)
		r = -ENOMEM;
	if (r == 0)
		r = siblings(path, nums, &m);
	for (unsigned i = 0; r == 0 && i < m; i++)
		if (asprintf(&list[k++], "%s.%lu", path, nums[i]) < 0)
			r = -ENOMEM, list[--k] = NULL;
	if (r == 0 && access(path, F_OK) == 0 && !(list[k++] = strdup(path)))
		r = -ENOMEM;
	free(nums);
	if (r == 0 && k == 0)
		r = -ENOENT;
	if (r < 0) {
		policylog_free_list(list, k);
		return r;
	}
	*out = list;
	*n = k;
	return 0;
}

void policylog_free_list(char **list, unsigned n)
{
	if (!list)
		return;
	for (unsigned i = 0; i < n; i++)
		free(list[i]);
	free(list);
}
