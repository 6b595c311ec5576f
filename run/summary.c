/* The records of one run, found by its attach id: every record and event
 * of a program carries "attach":ID. Ids start again at 1 with each fresh
 * tracerd, so counting starts at this run's own attach event (after the
 * log's size before the hand-off) and stops at its detach. tracerd writes
 * a call's record before its answer, so once the program has ended its
 * records are all there. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tracerd/statepath.h"
#include "summary.h"

int summary_find_log(pid_t server_pid, char out[PATH_MAX])
{
	char path[64], buf[8192];
	const char *log = NULL;
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)server_pid);
	fd = server_pid > 0 ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		(void)close(fd);
	}
	for (ssize_t i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1) {
		buf[n] = 0;
		if (strncmp(buf + i, "--log=", 6) == 0)
			log = buf + i + 6;
		else if (strcmp(buf + i, "--log") == 0 && i + 6 < n)
			log = buf + i + 6;
	}
	if (!log)
		return state_path(out, PATH_MAX, "audit.jsonl");	/* tracerd's default */
	if (log[0] != '/' && strcmp(log, "-") != 0)
		return -ENOENT;	/* relative to a cwd we cannot see */
	return snprintf(out, PATH_MAX, "%s", log) < PATH_MAX ? 0 : -ENAMETOOLONG;
}

static void bump(struct summary_count *t, unsigned *nt, unsigned cap, const char *name,
		 unsigned long *other)
{
	for (unsigned i = 0; i < *nt; i++)
		if (strcmp(t[i].name, name) == 0) {
			t[i].n++;
			return;
		}
	if (*nt == cap) {
		(*other)++;
		return;
	}
	snprintf(t[*nt].name, sizeof(t[*nt].name), "%s", name);
	t[(*nt)++].n = 1;
}

/* The directory a denied call would have created its entry in: the parent
 * of "resolved", else of "path" (a relative path: as written). */
static void denied_in(struct summary *s, const struct jsonl_rec *r)
{
	char dir[JSONL_LONG];
	const char *p = r->has_resolved ? r->resolved : r->has_path ? r->path : "?";
	size_t len = strlen(p);
	char *slash;

	while (len > 1 && p[len - 1] == '/')
		len--;
	memcpy(dir, p, len);
	dir[len] = 0;
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		slash[slash == dir] = 0;	/* "/a" -> "/" */
	bump(s->dirs, &s->ndirs, SUMMARY_DIRS, dir, &s->dirs_other);
}

static void count(struct summary *s, const struct jsonl_rec *r)
{
	unsigned long other = 0;

	s->records++;
	if (r->has_decision && strcmp(r->decision, "emulated") == 0) {
		if (r->has_errno)
			s->failed++;
		else
			s->created++;
	} else if (r->has_decision && strcmp(r->decision, "denied") == 0) {
		s->denied++;
		denied_in(s, r);
	} else {
		s->errors++;
		bump(s->reasons, &s->nreasons, SUMMARY_REASONS,
		     r->has_reason ? r->reason : "no reason given", &other);
	}
}

void summary_line(struct summary *s, const char *line, size_t n)
{
	struct jsonl_rec r;

	if (jsonl_parse(line, n, &r) < 0) {
		s->bad_lines++;
		return;
	}
	if (!r.has_attach || r.attach != s->id)
		return;
	if (r.has_event && strcmp(r.event, "attach") == 0 && (!r.has_pid || r.pid == s->pid)) {
		/* ours, or the same id and pid in an earlier tracerd's life:
		 * the last one is ours */
		size_t from = offsetof(struct summary, attached);

		memset((char *)s + from, 0, sizeof(*s) - from);
		s->attached = true;
		return;
	}
	if (!s->attached || s->detached)
		return;
	if (r.has_syscall && !r.has_event)
		count(s, &r);
	else if (r.has_event && strcmp(r.event, "detach") == 0)
		s->detached = true;
}

int summary_read(const char *log, struct summary *s)
{
	FILE *f = fopen(log, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f)
		return -errno;
	while ((n = getline(&line, &cap, f)) > 0)
		summary_line(s, line, (size_t)n);
	free(line);
	(void)fclose(f);
	return 0;
}

/* A path or reason for the terminal: printable ASCII and UTF-8 as they
 * are (the log decoded them), other bytes as \xHH. */
static void put_escaped(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
}

static int by_count(const void *a, const void *b)
{
	const struct summary_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->name, y->name);
}

void summary_print(FILE *f, const struct summary *s, const char *log)
{
	struct summary_count *dirs = malloc(sizeof(s->dirs));
	unsigned shown = 0;

	fprintf(f, "notif-run: summary: %lu created, %lu denied, %lu errors, %lu failed "
		"(attach %llu, %lu records)\n", s->created, s->denied, s->errors, s->failed,
		(unsigned long long)s->id, s->records);
	if (dirs && s->ndirs) {
		memcpy(dirs, s->dirs, s->ndirs * sizeof(*dirs));
		qsort(dirs, s->ndirs, sizeof(*dirs), by_count);
		fputs("notif-run:   denied in:", f);
		for (; shown < s->ndirs && shown < SUMMARY_TOP; shown++) {
			fputs(shown ? ", " : " ", f);
			put_escaped(f, dirs[shown].name);
			fprintf(f, " (%lu)", dirs[shown].n);
		}
		if (s->ndirs > shown || s->dirs_other)
			fprintf(f, ", %u more directories", s->ndirs - shown + (s->dirs_other > 0));
		fputc('\n', f);
	}
	free(dirs);
	for (unsigned i = 0; i < s->nreasons; i++) {
		fputs("notif-run:   errors: ", f);
		put_escaped(f, s->reasons[i].name);
		fprintf(f, " (%lu)\n", s->reasons[i].n);
	}
	fputs("notif-run:   log: ", f);
	put_escaped(f, log);
	if (!s->attached)
		fputs(" (this run's attach event is not in it: nothing counted)", f);
	if (s->bad_lines)
		fprintf(f, " (%lu lines not read: not JSON)", s->bad_lines);
	fputc('\n', f);
}
