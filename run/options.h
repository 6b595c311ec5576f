/* notif-run's command line. */
#ifndef NOTIF_RUN_OPTIONS_H
#define NOTIF_RUN_OPTIONS_H

#include <stdbool.h>

#define RUN_ALLOW_MAX 64

/* The exit statuses of notif-run's own (as env, timeout and nice). */
#define RUN_EXIT_NOEXEC 126	/* supervision not set up, or cannot execute */
#define RUN_EXIT_NOTFOUND 127
#define RUN_EXIT_USAGE 125	/* notif-run's own usage or internal error */

struct run_options {
	const char *arg_allow[RUN_ALLOW_MAX];
	unsigned arg_nallow;
	const char *arg_log;		/* PATH or "-", NULL: the daemon's default */
	const char *arg_socket;		/* NULL: TRACERD_SOCKET or tracerd-<euid> */
	bool arg_on_error_open;
	bool arg_summary;
	bool arg_private;		/* --private, or implied by --allow / --log */
	char **argv;			/* PROGRAM [ARG]... */
};

/* Parse argv. 0 to go on, 1 when --help or --version printed (exit 0),
 * -1 with a message in err (exit RUN_EXIT_USAGE). */
int options_parse(int argc, char **argv, struct run_options *o, char *err, unsigned errlen);

#endif
