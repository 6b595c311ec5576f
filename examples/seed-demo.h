/* seed-demo: the seed's seccomp user-notification experiments, rebuilt on
 * the project's own pieces (shim/filter.c, common/syscalls.c, common/wire.c).
 * Three processes: the parent (seed-demo.c), the target (seed-target.c) and
 * the tracer (seed-tracer.c). */
#ifndef SEED_DEMO_H
#define SEED_DEMO_H

#include <stdint.h>

#include "../common/compat.h"

#if defined(__x86_64__)
#define DEMO_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define DEMO_ARCH AUDIT_ARCH_AARCH64
#elif defined(__i386__)
#define DEMO_ARCH AUDIT_ARCH_I386
#else
#error "seed-demo: add this architecture to common/syscalls.c and here"
#endif

/* The mode the target passes to mkdir (the seed used 0600, which makes a
 * directory nobody can enter). */
#define DEMO_MODE 0700

/* The path that makes the tracer stop after answering it (as in the seed). */
#define DEMO_BYE "/bye"

struct demo_opts {
	int delay;		/* -d: seconds the tracer waits before answering */
	int signal;		/* -s: signal the tracer sends the target once, 0 none */
	int restart;		/* -r: the target's SIGINT handler has SA_RESTART */
	int killable;		/* -k: install with WAIT_KILLABLE_RECV */
	uint32_t second;	/* -f: second filter's action for mkdir, 0 none */
	int keep_tracer;	/* -K: the parent waits for the tracer, no kill */
};

/* Run the target in the calling (child) process; returns its exit status. */
int demo_target(int sock, char **paths, const struct demo_opts *o);

/* Run the tracer in the calling (child) process; returns its exit status. */
int demo_tracer(int sock, const struct demo_opts *o);

/* "EPERM (Operation not permitted)" for an errno value. */
const char *demo_errstr(int err, char *buf, unsigned len);

#endif
