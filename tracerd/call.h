/* Everything tracerd learns about one intercepted call, from RECV to the
 * audit record. One per answering thread, reused (no allocation per call). */
#ifndef TRACERD_CALL_H
#define TRACERD_CALL_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../common/syscalls.h"

enum decision {
	DECISION_EMULATED,	/* the kernel's own answer */
	DECISION_DENIED,	/* outside the allowed roots: EPERM */
	DECISION_ERROR,		/* could not be evaluated */
};

#define CALL_MAX_PIDNS 33	/* the kernel nests pid namespaces 32 deep */

struct call {
	/* the notification */
	uint64_t id;
	pid_t tid;
	uint32_t arch, nr;
	enum syscalls_kind kind;
	uint64_t path_ptr;
	int dirfd;		/* mkdirat: the int the kernel would use */
	mode_t mode;		/* the mode argument as passed (unsigned int) */

	/* the target */
	pid_t tgid;
	pid_t ns_tgid, ns_tid;	/* the ids in the target's own pid namespace */
	pid_t nstgid[CALL_MAX_PIDNS], nspid[CALL_MAX_PIDNS];	/* every namespace's */
	unsigned nslevels;
	uid_t fsuid;
	mode_t umask;
	char path[PATH_MAX];	/* NUL-terminated when path_ok */
	bool path_ok;
	char comm[32];
	char exe[PATH_MAX];
	char cwd[PATH_MAX];
	bool have_facts;	/* exe/comm/cwd were read */
	bool have_cwd;		/* cwd is the path of the cwd fd resolution used */

	/* the resolution */
	char resolved[2 * PATH_MAX];
	bool have_resolved;

	/* the outcome */
	enum decision decision;
	int err;		/* 0 or a positive errno answered */
	bool created;		/* tracerd made the directory */
	const char *reason;	/* on denied and error */
};

const char *decision_name(enum decision d);

#endif
