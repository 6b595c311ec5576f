/* Daemon-wide settings, fixed after start-up and read by every thread. */
#ifndef TRACERD_TRACERD_H
#define TRACERD_TRACERD_H

#include <stdbool.h>
#include <stddef.h>

#include "creds.h"
#include "ident.h"

#define TRACERD_VERSION "0.1.0"

struct daemon {
	int self_rootfd;
	struct ident self_root;
	char self_userns[48];		/* "user:[INO]": what capabilities are relative to */
	struct creds self_creds;
	size_t notif_size, resp_size;	/* from SECCOMP_GET_NOTIF_SIZES */
	int yama;			/* Yama ptrace_scope >= 1 */
	bool adopt;			/* can take a target's credentials */
};

extern struct daemon daemon_cfg;

#endif
