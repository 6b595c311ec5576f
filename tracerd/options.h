/* Command-line options. */
#ifndef TRACERD_OPTIONS_H
#define TRACERD_OPTIONS_H

#include <stddef.h>

#define OPTIONS_MAX_ALLOW 64
#define OPTIONS_MAX_LOGS 8	/* --log: the primary and 7 copies */
#define OPTIONS_LOG_MAX_SIZE (64LL << 20)	/* --log-max-size's default */

struct options {
	const char *socket;		/* --socket, else $TRACERD_SOCKET, else NULL */
	const char *log;		/* the first --log (the primary), NULL: the default */
	const char *logs[OPTIONS_MAX_LOGS];	/* every --log: a path, "-", "journal", "syslog" */
	unsigned nlogs;
	long long log_max_size;		/* --log-max-size in bytes, 0: no rotation */
	unsigned log_keep;		/* --log-keep: rotated files kept */
	unsigned log_max_age;		/* --log-max-age in days, 0: no pruning by age */
	int syslog_facility;		/* --syslog-facility's code, -1: the default */
	const char *allow[OPTIONS_MAX_ALLOW];
	unsigned nallow;
	const char *policy;		/* --policy FILE, or NULL */
	unsigned threads;
	unsigned max_threads;	/* the bound on added threads, >= threads */
	unsigned fd_store_max;	/* --fd-store-max, 0: not given */
	int socket_given;		/* o->socket came from --socket */
	long idle_exit;			/* --idle-exit SECONDS, -1: never */
	int detach;			/* --detach */
	int detach_at;			/* its index in argv (for the upgrade's argv) */
	int no_cmdline;			/* --no-cmdline */
	int level_prefix;
	int help, version;
};

/* 0, or -EINVAL with a message for the user in err. */
int options_parse(int argc, char **argv, struct options *o, char *err, size_t errlen);

/* Take --detach out of argv (argc entries, NULL-terminated): the argv an
 * upgrade execs again must not fork. */
void options_drop_detach(const struct options *o, int argc, char **argv);

/* The default log path: $XDG_STATE_HOME/tracerd/audit.jsonl, else
 * $HOME/.local/state/tracerd/audit.jsonl. 0 or -errno. */
int options_default_log(char *out, size_t cap);

extern const char options_usage[];

#endif
