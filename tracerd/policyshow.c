/* `tracerd policy show`: ask the daemon (statuscmd_fetch), print its
 * rules in the policy file's syntax. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "policyfile.h"
#include "policyshow.h"
#include "statuscmd.h"

#define RULE_COL 40	/* "# FILE:LINE" starts here when the rule is shorter */

static const char usage[] =
	"Usage: tracerd policy show [--socket NAME]\n"
	"Print the policy in force of the tracerd serving the socket, in the\n"
	"policy file's syntax, each rule followed by # FILE:LINE.\n"
	"  --socket NAME  abstract socket name (default: $TRACERD_SOCKET, else tracerd-<euid>)\n"
	"Exit status: 0 shown, 3 no tracerd serves the socket, 2 usage, 1 other errors.\n";

/* Can s be one word of a rule line? Not empty, no white space, no
 * control byte (a NUL included), not starting a comment. */
static bool word_ok(const struct sstr *s)
{
	if (!s->s || s->n == 0 || s->s[0] == '#')
		return false;
	for (size_t i = 0; i < s->n; i++)
		if ((unsigned char)s->s[i] <= ' ' || s->s[i] == 0x7f)
			return false;
	return true;
}

static bool is(const struct sstr *s, const char *word)
{
	return s->s && s->n == strlen(word) && memcmp(s->s, word, s->n) == 0;
}

/* Can r be written as a rule line, as this client's parser reads one? */
static bool rule_ok(const struct status_rule *r)
{
	bool deny = is(&r->action, "deny");

	if (!deny && !is(&r->action, "allow") && !is(&r->action, "audit"))
		return false;
	if (!word_ok(&r->dir) || r->dir.s[0] != '/' || (r->exe.s && (!word_ok(&r->exe) ||
								    r->exe.s[0] != '/')))
		return false;
	if (!deny)
		return r->err.s == NULL;
	return !r->err.s || (strlen(r->err.s) == r->err.n && policy_errno_value(r->err.s) > 0);
}

/* s into a comment: printable bytes as they are, others as \xHH. */
static int put_escaped(FILE *f, const struct sstr *s)
{
	int n = 0;

	for (size_t i = 0; s->s && i < s->n; i++) {
		unsigned char c = (unsigned char)s->s[i];

		n += c < ' ' || c == 0x7f || c == '\\' ? fprintf(f, "\\x%02x", c) : fputc(c, f) != EOF;
	}
	return n;
}

/* The rule's words: "ACTION DIR[ errno=E][ exe=P][ if-exists]"; its width. */
static int put_rule(FILE *f, const struct status_rule *r)
{
	int n = put_escaped(f, &r->action) + fprintf(f, " ") + put_escaped(f, &r->dir);

	if (r->err.s && !is(&r->err, "EPERM"))	/* EPERM is deny's default */
		n += fprintf(f, " errno=") + put_escaped(f, &r->err);
	if (r->exe.s)
		n += fprintf(f, " exe=") + put_escaped(f, &r->exe);
	if (r->skipped)
		n += fprintf(f, " if-exists");
	return n;
}

static void put_line(FILE *f, const struct status_rule *r, bool ok)
{
	int n = 0;

	if (!ok)
		n = fprintf(f, "# not writable in the file's syntax: ");
	else if (r->skipped)
		n = fprintf(f, "# skipped (if-exists, no directory at load): ");
	n += put_rule(f, r);
	fprintf(f, "%*s  # ", n < RULE_COL ? RULE_COL - n : 0, "");
	put_escaped(f, &r->name);
	fputc('\n', f);
}

unsigned policyshow_print(FILE *f, const struct status_view *v)
{
	unsigned bad = 0;

	fprintf(f, "# policy in force in tracerd pid %lld: ", v->n[ST_PID]);
	if (v->policy.s)
		put_escaped(f, &v->policy);
	else
		fputs("the --allow roots or the default (no file)", f);
	fprintf(f, ", gen %lld, %lld rule%s\n", v->policy_gen, v->rules_total,
		v->rules_total == 1 ? "" : "s");
	for (unsigned i = 0; i < v->nrules; i++) {
		bool ok = rule_ok(&v->rules[i]);

		bad += !ok;
		put_line(f, &v->rules[i], ok);
	}
	return bad;
}

/* --socket NAME into *sock: -1 to go on, else the exit status. */
static int parse(int argc, char **argv, const char **sock)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 's')
			*sock = optarg;
		else if (c == 'h')
			return fputs(usage, stdout), 0;
		else
			return fprintf(stderr, "tracerd policy show: unknown option or missing value: "
				       "'%s'\n%s", argv[optind - 1], usage), 2;
	}
	if (optind < argc)
		return fprintf(stderr, "tracerd policy show: unexpected argument '%s'\n%s",
			       argv[optind], usage), 2;
	return -1;
}

/* What is wrong with what v says (after printing it): the exit status. */
static int verdict(const struct status_view *v, unsigned bad)
{
	if (bad)
		return fprintf(stderr, "tracerd policy show: %u rule%s cannot be written in the "
			       "policy file's syntax (shown as comments)\n", bad,
			       bad == 1 ? "" : "s"), 1;
	if (v->nrules < v->rules_total)
		return fprintf(stderr, "tracerd policy show: only %u of the %lld rules fit in "
			       "tracerd's answer\n", v->nrules, v->rules_total), 1;
	return 0;
}

int policyshow_main(int argc, char **argv)
{
	const char *sock = NULL;
	struct status_view v;
	int r = parse(argc, argv, &sock);

	if (r >= 0)
		return r;
	r = statuscmd_fetch("tracerd policy show", sock, &v);
	if (r)
		return r;
	if (!v.has_policy) {
		fprintf(stderr, "tracerd policy show: tracerd %s (pid %lld) is too old to say its "
			"policy\n", v.version.s ? v.version.s : "?", v.n[ST_PID]);
		statusread_free(&v);
		return 1;
	}
	r = verdict(&v, policyshow_print(stdout, &v));
	statusread_free(&v);
	return fflush(stdout) == 0 ? r : 1;
}
