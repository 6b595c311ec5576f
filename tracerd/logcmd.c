/* `tracerd log`: the files, each line read, selected and printed as a
 * table, as stored (--json) or counted (--summary); then, with --follow,
 * the live log as it grows. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "logcmd.h"
#include "logcmd_opts.h"
#include "logfiles.h"
#include "logfollow.h"
#include "logread.h"
#include "logsummary.h"
#include "logtable.h"
#include "options.h"

struct logcmd {
	struct logcmd_opts o;
	struct logrec rec;
	struct logtable table;
	struct logsummary sum;
	struct logbuf out;
	struct logread rd;
	unsigned long matched, skipped;
	bool nomem, failed;	/* failed: a file could not be read (exit 2) */
};

static void on_line(void *p, const char *line, size_t n)
{
	struct logcmd *c = p;
	int r = logrec_parse(&c->rec, line, n);

	if (r == -ENOMEM)
		c->nomem = true;
	if (r < 0) {
		c->skipped += r == -EINVAL;
		return;
	}
	if (!logfilter_match(&c->o.f, &c->rec))
		return;
	c->matched++;
	if (c->o.summary) {
		logsummary_add(&c->sum, &c->rec);
	} else if (c->o.json) {
		fwrite(line, 1, n, stdout);	/* exactly as stored */
		if (line[n - 1] != '\n')
			putchar('\n');
	} else {
		c->out.len = 0;
		logtable_row(&c->table, &c->rec, &c->out);
		c->nomem |= c->out.failed;
		if (c->out.p)
			fwrite(c->out.p, 1, c->out.len, stdout);
	}
}

static void on_flush(void *p)
{
	(void)p;
	(void)fflush(stdout);
}

/* Every line of path; its reader stays open when it is the one to
 * follow. missing_ok: a default log that does not exist (yet). */
static void read_file(struct logcmd *c, const char *path, bool keep, bool missing_ok)
{
	int fd = strcmp(path, "-") == 0 ? dup(0) : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	const char *line;
	size_t n;
	int r;

	if (fd < 0) {
		if (errno != ENOENT || !missing_ok) {
			fprintf(stderr, "tracerd log: cannot read '%s': %m\n", path);
			c->failed = true;
		}
		logread_init(&c->rd, -1);
		return;
	}
	logread_init(&c->rd, fd);
	while ((r = logread_line(&c->rd, &line, &n)) > 0)
		on_line(c, line, n);
	if (r < 0) {
		fprintf(stderr, "tracerd log: cannot read '%s': %s\n", path, strerror(-r));
		c->failed = true;
	}
	if (keep)
		return;
	if (logread_rest(&c->rd, &line, &n))
		on_line(c, line, n);
	(void)close(c->rd.fd);
	c->rd.fd = -1;
}

/* The files named, else the default log and its siblings. */
static int read_all(struct logcmd *c, char **follow)
{
	char def[4096];
	struct logfiles lf;
	int r;

	for (int i = 0; i < c->o.nfiles; i++)
		read_file(c, c->o.files[i], c->o.follow && i == c->o.nfiles - 1,
			  c->o.follow && i == c->o.nfiles - 1);
	if (c->o.nfiles)
		return (*follow = strdup(c->o.files[c->o.nfiles - 1])) ? 0 : -ENOMEM;
	r = options_default_log(def, sizeof(def));
	if (r < 0)
		return fprintf(stderr, "tracerd log: no default log (set XDG_STATE_HOME or HOME, "
				       "or name a FILE)\n"), r;
	if (logfiles_of(def, &lf) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < lf.n; i++)	/* the live log may be absent when others are not */
		read_file(c, lf.path[i], c->o.follow && i == lf.n - 1, c->o.follow || lf.n > 1);
	*follow = NULL;
	if (c->o.follow && (*follow = strdup(def)) == NULL)
		r = -ENOMEM;
	logfiles_free(&lf);
	return r;
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The end: the summary, the skipped lines said once, the exit status. */
static int finish(struct logcmd *c)
{
	unsigned long skipped = c->skipped + c->rd.dropped;

	if (c->o.summary)
		logsummary_print(&c->sum, stdout);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "tracerd log: cannot write the output: %m\n");
		c->failed = true;
	}
	if (skipped)
		fprintf(stderr, "tracerd log: skipped %lu line%s that %s not audit records "
				"(torn, edited or not tracerd's JSON)\n",
			skipped, skipped == 1 ? "" : "s", skipped == 1 ? "is" : "are");
	if (c->nomem || c->sum.failed)
		fprintf(stderr, "tracerd log: out of memory: the output is incomplete\n");
	return c->failed || c->nomem ? 2 : c->matched ? 0 : 1;
}

static int run(struct logcmd *c)
{
	struct logfollow_sink sink = { on_line, on_flush, c };
	char *follow = NULL;
	int r;

	c->table.colour = logtable_colour(isatty(1), getenv("NO_COLOR"), getenv("TERM"));
	if (c->o.summary)
		c->o.f.events = true;	/* the summary's daemon events */
	if (read_all(c, &follow) < 0) {
		free(follow);
		return 2;
	}
	if (c->o.follow) {
		(void)fflush(stdout);
		r = logfollow_run(follow, &c->rd, &sink);
		if (r < 0)
			fprintf(stderr, "tracerd log: --follow: %s\n", strerror(-r));
	}
	free(follow);
	return finish(c);
}

int logcmd_main(int argc, char **argv)
{
	static struct logcmd c;		/* big, and one per process */
	char err[512];
	int st;

	c.rd.fd = -1;
	if (logcmd_opts_parse(argc, argv, now_us(), &c.o, err, sizeof(err)) < 0) {
		fprintf(stderr, "tracerd log: %s\nTry 'tracerd log --help'.\n", err);
		return 2;
	}
	if (c.o.help) {
		fputs(logcmd_usage, stdout);
		return 0;
	}
	st = run(&c);
	logread_close(&c.rd);
	logrec_free(&c.rec);
	logbuf_free(&c.out);
	logsummary_free(&c.sum);
	logfilter_free(&c.o.f);
	return st;
}
