/* Command-line options. */
#ifndef TRACERD_OPTIONS_H
#define TRACERD_OPTIONS_H

#include <stddef.h>

#define OPTIONS_MAX_ALLOW 64

struct options {
	const char *socket;		/* --socket, else $TRACERD_SOCKET, else NULL */
	const char *log;		/* --log, NULL for the default */
	const char *allow[OPTIONS_MAX_ALLOW];
	unsigned nallow;
	unsigned threads;
	unsigned max_threads;	/* the bound on added threads, >= threads */
	unsigned fd_store_max;	/* --fd-store-max, 0: not given */
	int level_prefix;
	int help, version;
};

/* 0, or -EINVAL with a message for the user in err. */
int options_parse(int argc, char **argv, struct options *o, char *err, size_t errlen);

/* The default log path: $XDG_STATE_HOME/tracerd/audit.jsonl, else
 * $HOME/.local/state/tracerd/audit.jsonl. 0 or -errno. */
int options_default_log(char *out, size_t cap);

extern const char options_usage[];

#endif
