/* One intercepted call as its notification gives it, decoded once (notif.c)
 * and only read by the stages after: the target's facts (target.h), the
 * resolution (resolve.h), the decision (policy.h), the creation
 * (emulate.h) and the record (audit.h) each return what they found. */
#ifndef TRACERD_CALL_H
#define TRACERD_CALL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../common/syscalls.h"

struct call {
	uint64_t id;
	uint64_t listener;	/* the id of the listener it came on */
	bool recovered;		/* found in the in-flight table of a tracerd gone */
	pid_t tid;		/* 0: not visible in tracerd's pid namespace */
	uint32_t arch, nr;
	enum syscalls_kind kind;
	uint64_t path_ptr;	/* syscalls_arg(): 32-bit arguments truncated */
	int dirfd;		/* mkdirat: the int the kernel would use */
	mode_t mode;		/* the mode argument as passed (unsigned int) */
};

#endif
