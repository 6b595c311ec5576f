/* notif-run's options: getopt_long with "+" (the first operand is the
 * program, and what follows it is the program's own). */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "options.h"

#ifndef NOTIF_VERSION
#define NOTIF_VERSION "0.1.0"
#endif

static const char usage[] =
	"Usage: notif-run [OPTIONS] [--] PROGRAM [ARG]...\n"
	"Run PROGRAM, and every process it starts, with its mkdir/mkdirat calls\n"
	"supervised by tracerd, from its first instruction.\n"
	"\n"
	"  --allow DIR          an allowed root (repeatable; default /tmp); implies --private\n"
	"  --log PATH|-         the audit log of a private tracerd; implies --private\n"
	"  --socket NAME        the tracerd to use (default: $TRACERD_SOCKET or tracerd-<euid>)\n"
	"  --on-error open|closed  when supervision cannot be set up: run PROGRAM\n"
	"                       unsupervised with a warning (open), or exit 126 (closed, default)\n"
	"  --summary            after PROGRAM ends, print what this run created and was denied\n"
	"  --private            a tracerd of this run's own, which exits when the last\n"
	"                       supervised process is gone (log: ~/.local/state/tracerd/notif-run-*)\n"
	"  -h, --help           this text\n"
	"      --version        the version\n"
	"\n"
	"Exit status: PROGRAM's; 128+N when killed by signal N; 126 when supervision\n"
	"could not be set up or PROGRAM cannot be executed; 127 when it is not found;\n"
	"125 for a usage or internal error of notif-run.\n";

enum { OPT_ALLOW = 256, OPT_LOG, OPT_SOCKET, OPT_ON_ERROR, OPT_SUMMARY, OPT_PRIVATE, OPT_VERSION };

static const struct option longopts[] = {
	{ "allow", required_argument, NULL, OPT_ALLOW },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "socket", required_argument, NULL, OPT_SOCKET },
	{ "on-error", required_argument, NULL, OPT_ON_ERROR },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "private", no_argument, NULL, OPT_PRIVATE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

__attribute__((format(printf, 3, 4)))
static int bad(char *err, unsigned errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* One option with its argument; 0, or -1 with err. */
static int take(int c, const char *arg, struct run_options *o, char *err, unsigned errlen)
{
	switch (c) {
	case OPT_ALLOW:
		if (o->arg_nallow == RUN_ALLOW_MAX)
			return bad(err, errlen, "at most %d --allow", RUN_ALLOW_MAX);
		if (!arg[0])
			return bad(err, errlen, "--allow needs a directory");
		o->arg_allow[o->arg_nallow++] = arg;
		o->arg_private = true;
		return 0;
	case OPT_LOG:
		if (!arg[0])
			return bad(err, errlen, "--log needs a path or -");
		o->arg_log = arg;
		o->arg_private = true;
		return 0;
	case OPT_SOCKET:
		o->arg_socket = arg;
		return 0;
	case OPT_ON_ERROR:
		if (strcmp(arg, "open") && strcmp(arg, "closed"))
			return bad(err, errlen, "--on-error takes open or closed, not '%s'", arg);
		o->arg_on_error_open = strcmp(arg, "open") == 0;
		return 0;
	case OPT_SUMMARY:
		o->arg_summary = true;
		return 0;
	case OPT_PRIVATE:
		o->arg_private = true;
		return 0;
	default:
		return bad(err, errlen, "unknown option");
	}
}

int options_parse(int argc, char **argv, struct run_options *o, char *err, unsigned errlen)
{
	int c, idx;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, &idx)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			return 1;
		}
		if (c == OPT_VERSION) {
			printf("notif-run %s\n", NOTIF_VERSION);
			return 1;
		}
		if (c == '?' || c == ':') {
			if (optopt)
				return bad(err, errlen, "unknown option '-%c'", optopt);
			return bad(err, errlen, "unknown option, or one missing its argument: '%s'",
				   argv[optind - 1]);
		}
		if (take(c, optarg, o, err, errlen) < 0)
			return -1;
	}
	if (o->arg_socket && o->arg_private)
		return bad(err, errlen, "--socket names an existing tracerd: not with --private, "
			   "--allow or --log");
	if (optind >= argc)
		return bad(err, errlen, "no program to run");
	o->argv = argv + optind;
	return 0;
}
