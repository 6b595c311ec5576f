/* The policy file's syntax: lines into rules (strings only; policyset.c
 * opens them). Every line is read through a fixed buffer, so a hostile
 * file costs bounded memory whatever its size: a line past
 * POLICY_LINE_MAX or a file past POLICY_LINES_MAX lines ends the reading
 * with an error. */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policyfile.h"

#define WORDS_MAX 8

static const struct {
	const char *name;
	int value;
} errnos[] = {
	{ "EPERM", EPERM }, { "EACCES", EACCES }, { "EROFS", EROFS },
	{ "ENOSPC", ENOSPC }, { "EDQUOT", EDQUOT }, { "ENOENT", ENOENT },
};

int policy_errno_value(const char *name)
{
	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (strcmp(errnos[i].name, name) == 0)
			return errnos[i].value;
	return -EINVAL;
}

const char *policy_errno_name(int err)
{
	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (errnos[i].value == err)
			return errnos[i].name;
	return "?";
}

const char *policy_action_name(enum policy_action a)
{
	switch (a) {
	case POLICY_ALLOW:
		return "allow";
	case POLICY_DENY:
		return "deny";
	case POLICY_AUDIT:
		return "audit";
	}
	return "?";
}

int policy_home(char *buf, size_t cap)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (!h || h[0] != '/') {
		pw = getpwuid(getuid());
		h = pw ? pw->pw_dir : NULL;
	}
	if (!h || h[0] != '/')
		return -ENOENT;
	if (strlen(h) >= cap)
		return -ENAMETOOLONG;
	strcpy(buf, h);
	return 0;
}

int policy_default_file(char *buf, size_t cap)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	char home[PATH_MAX];
	int n;

	if (xdg && xdg[0] == '/')
		n = snprintf(buf, cap, "%s/tracerd/policy", xdg);
	else if (policy_home(home, sizeof(home)) == 0)
		n = snprintf(buf, cap, "%s/.config/tracerd/policy", home);
	else
		return -ENOENT;
	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

int policy_msg(struct policyset *s, bool error, unsigned line, const char *fmt, ...)
{
	struct policy_msgs *m = &s->msgs;
	char text[PATH_MAX + 256], *p;
	va_list ap;
	int k;

	if (error)
		m->errors++;
	else
		m->warnings++;
	if (m->n == POLICY_MSGS_MAX) {
		m->dropped++;
		return 0;
	}
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	k = line ? asprintf(&p, "%s:%u: %s%s", s->file, line, error ? "" : "warning: ", text)
		 : asprintf(&p, "%s: %s%s", s->file, error ? "" : "warning: ", text);
	if (k < 0)
		return -ENOMEM;
	/* in line order: the load's messages come after the parser's */
	for (k = (int)m->n++; k > 0 && m->at[k - 1] > line; k--) {
		m->line[k] = m->line[k - 1];
		m->at[k] = m->at[k - 1];
	}
	m->line[k] = p;
	m->at[k] = line;
	return 0;
}

/* ~ or ~/x into the home, an absolute path as it is, into out. */
static int expand(struct policyset *s, unsigned ln, const char *what, const char *w, char **out)
{
	char home[PATH_MAX];

	if (w[0] == '/') {
		*out = strdup(w);
		return *out ? 0 : -ENOMEM;
	}
	if (w[0] != '~' || (w[1] && w[1] != '/'))
		return policy_msg(s, true, ln, "%s '%s' is not an absolute path (nor ~ or ~/...)",
				  what, w) ?: -EINVAL;
	if (policy_home(home, sizeof(home)) < 0)
		return policy_msg(s, true, ln, "%s '%s': no home directory to expand ~ into",
				  what, w) ?: -EINVAL;
	if (strlen(home) + strlen(w + 1) >= PATH_MAX)
		return policy_msg(s, true, ln, "%s '%s' is longer than %d bytes once expanded",
				  what, w, PATH_MAX - 1) ?: -EINVAL;
	return asprintf(out, "%s%s", strcmp(home, "/") == 0 && w[1] ? "" : home, w + 1) < 0
		? -ENOMEM : 0;
}

/* The line's words, up to a '#' that starts one (a '#' inside a word is
 * the word's). CR counts as white space, for files edited elsewhere. */
static unsigned split(char *line, char **w)
{
	unsigned n = 0;
	char *p = line;

	for (;;) {
		p += strspn(p, " \t\r\v\f");
		if (!*p || *p == '#')
			return n;
		if (n == WORDS_MAX)
			return n + 1;
		w[n++] = p;
		p += strcspn(p, " \t\r\v\f");
		if (*p)
			*p++ = '\0';
	}
}

static int take_errno(struct policyset *s, unsigned ln, struct rule *r, const char *v)
{
	int e = policy_errno_value(v);

	if (r->action != POLICY_DENY)
		return policy_msg(s, true, ln, "errno= is for deny rules only") ?: -EINVAL;
	if (e < 0)
		return policy_msg(s, true, ln, "errno=%s: not an errno mkdir returns by itself "
				  "(EPERM, EACCES, EROFS, ENOSPC, EDQUOT or ENOENT)", v) ?: -EINVAL;
	r->err = e;
	return 0;
}

/* One word after the directory. */
static int take_option(struct policyset *s, unsigned ln, struct rule *r, const char *w, bool last,
		       unsigned *seen)
{
	static const char *const names[] = { "errno=", "exe=", "if-exists" };
	unsigned i;

	/* errno= and exe= are prefixes, if-exists the whole word */
	for (i = 0; i < 3; i++)
		if (i < 2 ? strncmp(w, names[i], strlen(names[i])) == 0 : strcmp(w, names[i]) == 0)
			break;
	if (i == 3)
		return policy_msg(s, true, ln, "unknown option '%s' (errno=NAME, exe=PATH or "
				  "if-exists)", w) ?: -EINVAL;
	if (*seen & (1u << i))
		return policy_msg(s, true, ln, "%s given twice", names[i]) ?: -EINVAL;
	*seen |= 1u << i;
	if (i == 0)
		return take_errno(s, ln, r, w + 6);
	if (i == 1)
		return expand(s, ln, "exe=", w + 4, &r->exe);
	if (!last)
		return policy_msg(s, true, ln, "if-exists must end the rule") ?: -EINVAL;
	r->if_exists = true;
	return 0;
}

static int take_action(struct policyset *s, unsigned ln, struct rule *r, const char *w)
{
	if (strcmp(w, "allow") == 0)
		r->action = POLICY_ALLOW;
	else if (strcmp(w, "deny") == 0)
		r->action = POLICY_DENY;
	else if (strcmp(w, "audit") == 0)
		r->action = POLICY_AUDIT;
	else
		return policy_msg(s, true, ln, "unknown action '%s' (allow, deny or audit)", w)
			?: -EINVAL;
	return 0;
}

static void rule_clear(struct rule *r)
{
	free(r->path);
	free(r->exe);
	memset(r, 0, sizeof(*r));
}

/* One line's rule into r; -EINVAL (said in msgs) when it is not one. */
static int parse_rule(struct policyset *s, unsigned ln, struct rule *r, char **w, unsigned n)
{
	unsigned seen = 0;
	int k;

	*r = (struct rule){ .err = EPERM, .line = ln, .dirfd = -1, .exefd = -1 };
	if (n > WORDS_MAX)
		return policy_msg(s, true, ln, "more than %d words", WORDS_MAX) ?: -EINVAL;
	if ((k = take_action(s, ln, r, w[0])) < 0)
		return k;
	if (n < 2)
		return policy_msg(s, true, ln, "%s needs a directory", w[0]) ?: -EINVAL;
	if ((k = expand(s, ln, "directory", w[1], &r->path)) < 0)
		return k;
	for (unsigned i = 2; i < n; i++)
		if ((k = take_option(s, ln, r, w[i], i == n - 1, &seen)) < 0)
			return k;
	return 0;
}

static int add_rule(struct policyset *s, const struct rule *r)
{
	if (s->n == s->cap) {
		unsigned cap = s->cap ? 2 * s->cap : 16;
		struct rule *p = reallocarray(s->rules, cap, sizeof(*p));

		if (!p)
			return -ENOMEM;
		s->rules = p;
		s->cap = cap;
	}
	s->rules[s->n++] = *r;
	return 0;
}

static int parse_line(struct policyset *s, unsigned ln, char *line)
{
	char *w[WORDS_MAX];
	struct rule r;
	unsigned n = split(line, w);
	int k;

	if (n == 0)
		return 0;
	if (s->n == POLICY_RULES_MAX)
		return policy_msg(s, true, ln, "more than %d rules; the rest is not read",
				  POLICY_RULES_MAX) ?: -E2BIG;
	k = parse_rule(s, ln, &r, w, n);
	if (k == 0)
		k = add_rule(s, &r);
	if (k < 0)
		rule_clear(&r);
	return k == -ENOMEM ? k : 0;
}

/* The next line into buf (NUL-terminated, '\n' dropped): its length; -1
 * at the end; -E2BIG when longer than POLICY_LINE_MAX; -EILSEQ on a NUL
 * byte. */
static int read_line(FILE *f, char *buf)
{
	int c, n = 0;

	while ((c = getc_unlocked(f)) != EOF && c != '\n') {
		if (n == POLICY_LINE_MAX)
			return -E2BIG;
		if (c == 0)
			return -EILSEQ;
		buf[n++] = (char)c;
	}
	if (c == EOF && n == 0)
		return ferror(f) ? -EIO : -1;
	buf[n] = '\0';
	return n;
}

int policyfile_parse(struct policyset *s, FILE *f)
{
	char buf[POLICY_LINE_MAX + 1];
	unsigned ln;
	int k = 0;

	for (ln = 1; ln <= POLICY_LINES_MAX + 1 && k >= 0; ln++) {
		k = read_line(f, buf);
		if (k == -1)
			return 0;
		if (ln > POLICY_LINES_MAX)
			return policy_msg(s, true, ln, "more than %d lines; the rest is not read",
					  POLICY_LINES_MAX) ?: -E2BIG;
		if (k == -E2BIG)
			return policy_msg(s, true, ln, "line longer than %d bytes; the rest is "
					  "not read", POLICY_LINE_MAX) ?: k;
		if (k == -EILSEQ)
			return policy_msg(s, true, ln, "a NUL byte; the rest is not read") ?: k;
		if (k == -EIO)
			return policy_msg(s, true, ln, "read error: %s", strerror(EIO)) ?: k;
		k = parse_line(s, ln, buf);
	}
	return k;
}
