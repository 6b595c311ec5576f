/* Option parsing, kept apart from main() so that it can be unit-tested. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "statepath.h"
#include "syslogout.h"

/* getopt_long's codes of the log options: above any character */
enum {
	OPT_LOG_MAX_SIZE = 0x100,
	OPT_LOG_KEEP,
	OPT_LOG_MAX_AGE,
	OPT_SYSLOG_FACILITY,
};

const char options_usage[] =
	"Usage: tracerd [OPTIONS]\n"
	"       tracerd log|status|policy ...\n"
	"Supervise directory creation of programs run with LD_PRELOAD=libnotif.so.\n"
	"\n"
	"  --socket NAME     abstract socket name (default: $TRACERD_SOCKET, else tracerd-<euid>)\n"
	"  --log PATH|-|journal|syslog\n"
	"                    audit log output, up to 8 times: the first is the primary (a\n"
	"                    record it refuses makes the call fail with EPERM), the others\n"
	"                    best-effort copies (default: $XDG_STATE_HOME/tracerd/audit.jsonl,\n"
	"                    else ~/.local/state/tracerd/audit.jsonl)\n"
	"  --log-max-size SIZE  rotate the log file before it grows past SIZE (K, M, G;\n"
	"                    default 64M; 0: never)\n"
	"  --log-keep N      rotated files kept, .1 the newest (1-1000, default 5)\n"
	"  --log-max-age DAYS  remove rotated files older than DAYS (1-36500; default: never)\n"
	"  --syslog-facility NAME  the syslog output's facility (default authpriv)\n"
	"  --allow DIR       allowed root, repeatable; given once, replaces the default /tmp\n"
	"  --policy FILE     the policy file (default: $XDG_CONFIG_HOME/tracerd/policy or\n"
	"                    ~/.config/tracerd/policy if it exists, else allow /tmp);\n"
	"                    SIGHUP reads it again\n"
	"  --threads K       answering threads (1-64, default 4)\n"
	"  --max-threads M   bound on threads added while all are stalled (K-256, default 64)\n"
	"  --fd-store-max N  the unit's FileDescriptorStoreMax= (default: $FDSTORE, else 0: none)\n"
	"  --idle-exit SECS  exit when no program has been attached for SECS seconds\n"
	"                    (0: as soon as none is; default: never)\n"
	"  --detach          run in the background; return once listening\n"
	"  --no-cmdline      no command lines in any output (they can hold secrets)\n"
	"  --level-prefix    prefix diagnostics with <N> syslog levels\n"
	"  --help            show this help\n"
	"  --version         show the version\n"
	"\n"
	"Exit status: 0 clean stop, 1 runtime failure, 2 usage error, 3 socket already served.\n"
	"\n"
	"Subcommands (each with --help):\n"
	"  log [OPTIONS] [FILE]...        read and query the audit log\n"
	"  status [--socket NAME] [--json]  ask the running tracerd how it is\n"
	"  policy check|suggest|what-if   check a policy file, learn one from a log\n";

__attribute__((format(printf, 3, 4)))
static int bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool is_long(const char *arg)
{
	return arg[0] == '-' && arg[1] == '-';
}

/* A decimal number from lo to hi: 0, or -1. */
static int num(const char *s, long lo, long hi, long *out)
{
	char *end;
	long k;

	errno = 0;
	k = strtol(s, &end, 10);
	if (errno || *end || end == s || k < lo || k > hi)
		return -1;
	*out = k;
	return 0;
}

/* SIZE: decimal bytes with an optional K, M or G (binary) suffix, 0 or
 * from 4K (smaller would rotate at almost every record) to 1024G. 0 or -1:
 * no sign, no space, nothing after the suffix, no overflow. */
static int size_arg(const char *s, long long *out)
{
	unsigned long long k;
	unsigned shift = 0;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	k = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (*end || k > (1ULL << 40) >> shift || (k && k << shift < 4096))
		return -1;
	*out = (long long)(k << shift);
	return 0;
}

/* One more --log: a path, "-", "journal" or "syslog", each at most once. */
static int take_log(struct options *o, const char *arg, char *err, size_t errlen)
{
	if (!arg[0])
		return bad(err, errlen, "--log needs a path, -, journal or syslog");
	if (o->nlogs == OPTIONS_MAX_LOGS)
		return bad(err, errlen, "at most %d --log outputs", OPTIONS_MAX_LOGS);
	for (unsigned i = 0; i < o->nlogs; i++)
		if (strcmp(o->logs[i], arg) == 0)
			return bad(err, errlen, "--log '%s' given twice", arg);
	o->logs[o->nlogs++] = arg;
	o->log = o->logs[0];
	return 0;
}

/* The rotation and syslog options. 0 or -EINVAL with err filled. */
static int take_rotation(int c, struct options *o, const char *arg, char *err, size_t errlen)
{
	long k;

	switch (c) {
	case OPT_LOG_MAX_SIZE:
		if (size_arg(arg, &o->log_max_size) < 0)
			return bad(err, errlen, "--log-max-size needs 0 (no rotation) or a size from "
				   "4K to 1024G, such as 64M (suffix K, M or G): '%s'", arg);
		return 0;
	case OPT_LOG_KEEP:
		if (num(arg, 1, 1000, &k) < 0)
			return bad(err, errlen, "--log-keep needs a number of files from 1 to 1000: "
				   "'%s'", arg);
		o->log_keep = (unsigned)k;
		return 0;
	case OPT_LOG_MAX_AGE:
		if (num(arg, 1, 36500, &k) < 0)
			return bad(err, errlen, "--log-max-age needs days from 1 to 36500: '%s'", arg);
		o->log_max_age = (unsigned)k;
		return 0;
	default:
		o->syslog_facility = syslogout_facility(arg);
		if (o->syslog_facility < 0)
			return bad(err, errlen, "--syslog-facility needs one of kern, user, mail, "
				   "daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp, "
				   "local0 to local7: '%s'", arg);
		return 0;
	}
}

/* --policy FILE, --allow DIR. */
static int take_policy(int c, struct options *o, const char *arg, char *err, size_t errlen)
{
	if (c == 'P' && o->policy)
		return bad(err, errlen, "--policy given twice");
	if (c == 'P') {
		o->policy = arg;
		return 0;
	}
	if (o->nallow == OPTIONS_MAX_ALLOW)
		return bad(err, errlen, "at most 64 --allow directories");
	if (arg[0] != '/')
		return bad(err, errlen, "--allow needs an absolute path: '%s'", arg);
	o->allow[o->nallow++] = arg;
	return 0;
}

/* What getopt_long could not take: a missing argument (':'), else an
 * unknown option. -EINVAL with err filled. */
static int unknown(int c, char **argv, char *err, size_t errlen)
{
	if (c == ':' && is_long(argv[optind - 1]))
		return bad(err, errlen, "option '%s' needs an argument", argv[optind - 1]);
	if (c == ':')
		return bad(err, errlen, "option '-%c' needs an argument", optopt);
	if (is_long(argv[optind - 1]))
		return bad(err, errlen, "unknown option '%s'", argv[optind - 1]);
	return bad(err, errlen, "unknown option '-%c'", optopt);
}

/* One option getopt_long returned. 0 or -EINVAL with err filled. */
static int take(int c, struct options *o, char **argv, char *err, size_t errlen)
{
	long k;

	switch (c) {
	case 's':
		o->socket = optarg;
		o->socket_given = 1;
		return 0;
	case 'i':
		if (num(optarg, 0, 31536000, &k) < 0)
			return bad(err, errlen, "--idle-exit needs seconds from 0 to 31536000: '%s'",
				   optarg);
		o->idle_exit = k;
		return 0;
	case 'D':
		if (o->detach)
			return bad(err, errlen, "--detach given twice");
		o->detach = 1;
		o->detach_at = optind - 1;
		return 0;
	case 'l':
		return take_log(o, optarg, err, errlen);
	case OPT_LOG_MAX_SIZE:
	case OPT_LOG_KEEP:
	case OPT_LOG_MAX_AGE:
	case OPT_SYSLOG_FACILITY:
		return take_rotation(c, o, optarg, err, errlen);
	case 'P':
	case 'a':
		return take_policy(c, o, optarg, err, errlen);
	case 't':
	case 'm':
		if (num(optarg, 1, c == 't' ? 64 : 256, &k) < 0)
			return bad(err, errlen, "%s needs a number from 1 to %d: '%s'",
				   c == 't' ? "--threads" : "--max-threads", c == 't' ? 64 : 256, optarg);
		*(c == 't' ? &o->threads : &o->max_threads) = (unsigned)k;
		return 0;
	case 'f':
		if (num(optarg, 0, 1000000, &k) < 0)
			return bad(err, errlen, "--fd-store-max needs a number from 0 to 1000000: '%s'",
				   optarg);
		o->fd_store_max = (unsigned)k;
		return 0;
	case 'C':
	case 'p':
		*(c == 'C' ? &o->no_cmdline : &o->level_prefix) = 1;
		return 0;
	case 'h':
	case 'V':
		*(c == 'h' ? &o->help : &o->version) = 1;
		return 0;
	default:
		return unknown(c, argv, err, errlen);
	}
}

int options_parse(int argc, char **argv, struct options *o, char *err, size_t errlen)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "log", required_argument, NULL, 'l' },
		{ "log-max-size", required_argument, NULL, OPT_LOG_MAX_SIZE },
		{ "log-keep", required_argument, NULL, OPT_LOG_KEEP },
		{ "log-max-age", required_argument, NULL, OPT_LOG_MAX_AGE },
		{ "syslog-facility", required_argument, NULL, OPT_SYSLOG_FACILITY },
		{ "allow", required_argument, NULL, 'a' },
		{ "policy", required_argument, NULL, 'P' },
		{ "threads", required_argument, NULL, 't' },
		{ "max-threads", required_argument, NULL, 'm' },
		{ "fd-store-max", required_argument, NULL, 'f' },
		{ "idle-exit", required_argument, NULL, 'i' },
		{ "detach", no_argument, NULL, 'D' },
		{ "no-cmdline", no_argument, NULL, 'C' },
		{ "level-prefix", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c, r;

	memset(o, 0, sizeof(*o));
	o->threads = 4;
	o->idle_exit = -1;
	o->log_max_size = OPTIONS_LOG_MAX_SIZE;
	o->log_keep = 5;
	o->syslog_facility = -1;
	o->socket = getenv("TRACERD_SOCKET");
	opterr = 0;
	optind = 0;	/* a full reset: parse may run more than once */
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		r = take(c, o, argv, err, errlen);
		if (r < 0)
			return r;
	}
	if (optind < argc)
		return bad(err, errlen, "unexpected argument '%s'", argv[optind]);
	if (o->policy && o->nallow)
		return bad(err, errlen, "--allow and --policy cannot be combined: name the "
			   "directories in the policy file as allow rules");
	if (!o->max_threads)
		o->max_threads = 64;	/* >= any --threads */
	if (o->max_threads < o->threads)
		return bad(err, errlen, "--max-threads %u is below --threads %u", o->max_threads,
			   o->threads);
	return 0;
}

void options_drop_detach(const struct options *o, int argc, char **argv)
{
	if (!o->detach || o->detach_at <= 0 || o->detach_at >= argc ||
	    strncmp(argv[o->detach_at], "--d", 3) != 0)	/* --detach, or abbreviated */
		return;
	memmove(argv + o->detach_at, argv + o->detach_at + 1,
		(size_t)(argc - o->detach_at) * sizeof(*argv));	/* the NULL too */
}

int options_default_log(char *out, size_t cap)
{
	return state_path(out, cap, "audit.jsonl");
}
