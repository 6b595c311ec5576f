/* The policy file (issue 19): one rule a line,
 *	ACTION DIR [errno=NAME] [exe=PATH] [if-exists]	# comment
 * ACTION allow, deny or audit; DIR and PATH absolute or starting with ~
 * (the daemon user's home: $HOME, else the password database); no white
 * space inside a path. Loaded, each rule's directory (and exe=) is known
 * by its identity, taken at load and held open: a rule can never pass to
 * another directory that reuses the inode, and the rule set answers the
 * daemon's "which rule is ON this directory" with one hash lookup per
 * directory its ancestry walk meets (nearest wins is the caller's loop).
 * Library code: nothing is logged; the diagnostics, "FILE:LINE: message",
 * are kept in the set for the caller to print. */
#ifndef TRACERD_POLICYFILE_H
#define TRACERD_POLICYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ident.h"

#define POLICY_LINE_MAX 4096	/* bytes in a line, its '\n' not counted */
#define POLICY_LINES_MAX 100000	/* lines in a file, comments included */
#define POLICY_RULES_MAX 1024	/* each holds one or two fds */
#define POLICY_MSGS_MAX 50	/* diagnostics kept; more are only counted */

enum policy_action { POLICY_ALLOW, POLICY_DENY, POLICY_AUDIT };

struct rule {
	enum policy_action action;
	int err;		/* deny: the errno answered, EPERM by default */
	unsigned line;
	bool if_exists;
	bool skipped;		/* if-exists and no directory at load: not in force */
	char *path;		/* ~ expanded; once loaded, its realpath */
	char *exe;		/* exe= as path (expanded, then realpath), or NULL */
	int dirfd, exefd;	/* O_PATH, held while the set lives; -1 if none */
	struct ident dir, exe_id;
	struct rule *next;	/* the hash chain of its directory's bucket */
};

struct policy_msgs {
	char *line[POLICY_MSGS_MAX];	/* "FILE:LINE: message", no '\n', by line */
	unsigned at[POLICY_MSGS_MAX];	/* their line numbers */
	unsigned n, errors, warnings, dropped;
};

struct policyset {
	char *file;
	struct rule *rules;	/* in file order, skipped ones included */
	unsigned n, cap, loaded;
	struct rule **bucket;	/* nbucket (a power of 2) chains */
	unsigned nbucket;
	struct policy_msgs msgs;
};

enum {
	POLICY_PARSE_ONLY = 1,	/* syntax only: nothing opened, nothing hashed */
};

/* Read and load FILE (a regular file). *out is always set, except on
 * -ENOMEM: 0 valid (warnings possible), -EINVAL when it has errors (in
 * (*out)->msgs), -ENOMEM. */
int policyset_load(const char *file, unsigned flags, struct policyset **out);
/* The same from a buffer, named name in the diagnostics. */
int policyset_load_buf(const char *name, const char *buf, size_t n, unsigned flags,
		       struct policyset **out);
/* A set of allow rules on dirs[0..n) (the --allow roots), rule i+1 on
 * dirs[i] (named "name:I"); a directory named twice is one rule. As
 * policyset_load. */
int policyset_from_dirs(const char *name, const char *const *dirs, unsigned n,
			struct policyset **out);
/* Closes every fd the set holds; NULL is a no-op. */
void policyset_free(struct policyset *s);

/* The rule ON the directory dir that applies to a program whose
 * executable is exe (NULL: unknown): one with a matching exe= over one
 * without; NULL when no rule is on dir. */
const struct rule *policyset_on(const struct policyset *s, const struct ident *dir,
				const struct ident *exe);

/* Is there a rule with exe= on the directory dir? (Then the program's
 * executable must be known to choose.) */
bool policyset_exe_on(const struct policyset *s, const struct ident *dir);

/* "allow", "deny", "audit" */
const char *policy_action_name(enum policy_action a);
/* The deny errnos mkdir can return natively: the value, or -EINVAL. */
int policy_errno_value(const char *name);
const char *policy_errno_name(int err);
/* The daemon user's home into buf: $HOME when absolute, else the
 * password database's. 0 or -errno. */
int policy_home(char *buf, size_t cap);
/* The default policy file: $XDG_CONFIG_HOME/tracerd/policy, else
 * ~/.config/tracerd/policy. 0, -ENOENT (no home) or -ENAMETOOLONG. */
int policy_default_file(char *buf, size_t cap);

/* policyfile.c's parser, for policyset.c: every line of f into s. */
int policyfile_parse(struct policyset *s, FILE *f);
/* Add a diagnostic for line (0: none) of s's file. -ENOMEM or 0. */
int policy_msg(struct policyset *s, bool error, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
