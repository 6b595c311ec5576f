/* The "tracerd policy" subcommands. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policycmd.h"
#include "policyfile.h"
#include "policylog.h"
#include "policyshow.h"
#include "suggest.h"
#include "whatif.h"

static const char usage[] =
	"Usage: tracerd policy check [FILE]\n"
	"       tracerd policy suggest [--keep-denials] [LOG]...\n"
	"       tracerd policy what-if FILE [LOG]...\n"
	"       tracerd policy show [--socket NAME]\n"
	"FILE defaults to $XDG_CONFIG_HOME/tracerd/policy (~/.config/tracerd/policy);\n"
	"LOG to the audit log and its rotated files.\n";

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("tracerd policy: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage);
	return 2;
}

static void print_msgs(const struct policyset *s)
{
	for (unsigned i = 0; i < s->msgs.n; i++)
		fprintf(stderr, "%s\n", s->msgs.line[i]);
	if (s->msgs.dropped)
		fprintf(stderr, "%s: %u more messages not shown\n", s->file, s->msgs.dropped);
}

/* The policy loaded, or NULL after saying why (its messages). */
static struct policyset *load(const char *file, int *status)
{
	struct policyset *s = NULL;
	int k = policyset_load(file, 0, &s);

	if (k == -ENOMEM) {
		fprintf(stderr, "tracerd policy: %s: %s\n", file, strerror(ENOMEM));
		*status = 1;
		return NULL;
	}
	if (k < 0) {
		print_msgs(s);
		policyset_free(s);
		*status = 1;
		return NULL;
	}
	return s;
}

static int check(int argc, char **argv)
{
	char file[PATH_MAX];
	struct policyset *s;
	int status = 0;

	if (argc > 2)
		return usage_error("check takes one FILE, not '%s' too", argv[2]);
	if (argc == 2 && argv[1][0] == '-' && argv[1][1])
		return usage_error("unknown option '%s'", argv[1]);
	if (argc == 2)
		snprintf(file, sizeof(file), "%s", argv[1]);
	else if (policy_default_file(file, sizeof(file)) < 0)
		return usage_error("%s", "no FILE given and no home for the default one");
	s = load(file, &status);
	policyset_free(s);
	return status;	/* valid: nothing printed, warnings included */
}

/* The logs named, else the default ones: run fn over them. */
static int with_logs(int argc, char **argv, int (*fn)(char *const *, unsigned, void *), void *ctx)
{
	char path[PATH_MAX];
	char **list;
	unsigned n;
	int k;

	for (int i = 0; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1])
			return usage_error("unknown option '%s'", argv[i]);
	if (argc > 0)
		return fn(argv, (unsigned)argc, ctx);
	k = policylog_defaults(&list, &n, path, sizeof(path));
	if (k < 0) {
		fprintf(stderr, "tracerd policy: no log to read: %s: %s\n", path, strerror(-k));
		return 1;
	}
	k = fn(list, n, ctx);
	policylog_free_list(list, n);
	return k;
}

static int failed(int k, char *const *logs, unsigned bad)
{
	if (k == 0)
		return 0;
	fprintf(stderr, "tracerd policy: cannot read the log %s: %s\n", logs[bad], strerror(-k));
	return 1;
}

static int do_suggest(char *const *logs, unsigned n, void *ctx)
{
	char home[PATH_MAX], *real = NULL;
	unsigned bad = 0;
	int k;

	if (policy_home(home, sizeof(home)) == 0)
		real = realpath(home, NULL);
	k = suggest_run(stdout, logs, n, *(bool *)ctx, real, &bad);
	free(real);
	return failed(k, logs, bad);
}

static int do_whatif(char *const *logs, unsigned n, void *ctx)
{
	unsigned bad = 0;

	return failed(whatif_run(stdout, ctx, logs, n, &bad), logs, bad);
}

static int suggest(int argc, char **argv)
{
	bool keep = argc > 1 && strcmp(argv[1], "--keep-denials") == 0;

	return with_logs(argc - 1 - keep, argv + 1 + keep, do_suggest, &keep);
}

static int whatif(int argc, char **argv)
{
	struct policyset *s;
	int status = 0;

	if (argc < 2)
		return usage_error("%s", "what-if needs a policy FILE");
	if (argv[1][0] == '-' && argv[1][1])
		return usage_error("unknown option '%s'", argv[1]);
	s = load(argv[1], &status);
	if (!s)
		return status;
	status = with_logs(argc - 2, argv + 2, do_whatif, s);
	policyset_free(s);
	return status;
}

int policycmd_main(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("%s", "which: check, suggest, what-if or show?");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return fputs(usage, stdout), 0;
	if (strcmp(argv[1], "check") == 0)
		return check(argc - 1, argv + 1);
	if (strcmp(argv[1], "suggest") == 0)
		return suggest(argc - 1, argv + 1);
	if (strcmp(argv[1], "what-if") == 0)
		return whatif(argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return policyshow_main(argc - 1, argv + 1);
	return usage_error("unknown subcommand '%s' (check, suggest, what-if or show)", argv[1]);
}
