/* Parsing `tracerd log`'s command line. Every value is checked here, so a
 * typo is a usage error (exit 2), not an empty result (exit 1). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "logcmd_opts.h"
#include "logtime.h"

const char logcmd_usage[] =
	"Usage: tracerd log [OPTIONS] [FILE]...\n"
	"Read and query the audit log (default: the user's log and its rotated\n"
	"siblings, oldest first).\n"
	"\n"
	"  --since TIME, --until TIME   records from/until TIME: RFC 3339,\n"
	"                               'YYYY-MM-DD[ HH:MM[:SS]]' (local), now, today,\n"
	"                               yesterday, tomorrow, -N{s,m,h,d} (before now)\n"
	"  --decision emulated|denied|error\n"
	"  --pid N, --exe PATH, --comm NAME, --errno NAME, --attach ID\n"
	"  --under DIR                  the resolved path is DIR or below it\n"
	"  --events                     include the daemon's events\n"
	"  --json                       the matching lines exactly as stored\n"
	"  --summary                    counts of the selection (as aureport)\n"
	"  -f, --follow                 then print new records as they come\n"
	"  -h, --help\n"
	"Exit status: 0 something matched, 1 nothing matched, 2 usage error or an\n"
	"unreadable file.\n";

enum { O_SINCE = 256, O_UNTIL, O_DECISION, O_PID, O_EXE, O_COMM, O_UNDER, O_ERRNO, O_ATTACH,
       O_EVENTS, O_JSON, O_SUMMARY };

static const struct option longopts[] = {
	{ "since", required_argument, NULL, O_SINCE },
	{ "until", required_argument, NULL, O_UNTIL },
	{ "decision", required_argument, NULL, O_DECISION },
	{ "pid", required_argument, NULL, O_PID },
	{ "exe", required_argument, NULL, O_EXE },
	{ "comm", required_argument, NULL, O_COMM },
	{ "under", required_argument, NULL, O_UNDER },
	{ "errno", required_argument, NULL, O_ERRNO },
	{ "attach", required_argument, NULL, O_ATTACH },
	{ "events", no_argument, NULL, O_EVENTS },
	{ "json", no_argument, NULL, O_JSON },
	{ "summary", no_argument, NULL, O_SUMMARY },
	{ "follow", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 }
};

const char *logcmd_errno_name(const char *name)
{
	for (int e = 1; e < 4096; e++) {
		const char *s = strerrorname_np(e);

		if (s && strcasecmp(s, name) == 0)
			return s;
	}
	return NULL;
}

/* A decimal number, min or more. */
static int number(const char *s, long long min, long long *ret)
{
	char *end;
	long long v;

	if (s[0] < '0' || s[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min)
		return -EINVAL;
	*ret = v;
	return 0;
}

#define BAD(...) (snprintf(err, errlen, __VA_ARGS__), -EINVAL)

static int filter_opt(int c, const char *v, long long now, struct logfilter *f, char *err,
		      size_t errlen)
{
	switch (c) {
	case O_SINCE:
	case O_UNTIL:
		if (logtime_parse(v, now, c == O_SINCE ? &f->since : &f->until) < 0)
			return BAD("--%s: '%s' is not a time (RFC 3339, 'YYYY-MM-DD[ HH:MM[:SS]]', "
				   "today, yesterday or -N followed by s, m, h or d)",
				   c == O_SINCE ? "since" : "until", v);
		*(c == O_SINCE ? &f->has_since : &f->has_until) = true;
		return 0;
	case O_DECISION:
		if (strcmp(v, "emulated") && strcmp(v, "denied") && strcmp(v, "error"))
			return BAD("--decision: '%s' is none of emulated, denied, error", v);
		f->decision = v;
		return 0;
	case O_PID:
		f->has_pid = true;
		return number(v, 1, &f->pid) < 0 ? BAD("--pid: '%s' is not a pid", v) : 0;
	case O_ATTACH:
		f->has_attach = true;
		return number(v, 0, &f->attach) < 0 ? BAD("--attach: '%s' is not an id", v) : 0;
	case O_ERRNO:
		f->err = logcmd_errno_name(v);
		return f->err ? 0 : BAD("--errno: '%s' is not an errno name (such as EPERM)", v);
	case O_UNDER:
		if (v[0] != '/')
			return BAD("--under: '%s' is not an absolute path", v);
		return logfilter_under(f, v);
	default:
		return 1;	/* not a filter */
	}
}

static int other_opt(int c, const char *v, struct logcmd_opts *o)
{
	switch (c) {
	case O_EXE: o->f.exe = v; break;
	case O_COMM: o->f.comm = v; break;
	case O_EVENTS: o->f.events = true; break;
	case O_JSON: o->json = true; break;
	case O_SUMMARY: o->summary = true; break;
	case 'f': o->follow = true; break;
	case 'h': o->help = true; break;
	default: return -EINVAL;
	}
	return 0;
}

/* The options that exclude each other. */
static int combined(const struct logcmd_opts *o, char *err, size_t errlen)
{
	if (o->summary && (o->json || o->follow))
		return BAD("--summary cannot be combined with %s", o->json ? "--json" : "--follow");
	if (o->f.has_since && o->f.has_until && o->f.since > o->f.until)
		return BAD("--since is after --until");
	return 0;
}

int logcmd_opts_parse(int argc, char **argv, long long now_us, struct logcmd_opts *o,
		      char *err, size_t errlen)
{
	int c, r;

	memset(o, 0, sizeof(*o));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":fh", longopts, NULL)) != -1) {
		if (c == '?')
			return BAD("unknown option '%s'", argv[optind - 1]);
		if (c == ':')
			return BAD("option '%s' needs a value", argv[optind - 1]);
		r = filter_opt(c, optarg, now_us, &o->f, err, errlen);
		if (r == 1)
			r = other_opt(c, optarg, o);
		if (r == -ENOMEM)
			return BAD("out of memory");
		if (r < 0)
			return r;
	}
	o->files = argv + optind;
	o->nfiles = argc - optind;
	return combined(o, err, errlen);
}
