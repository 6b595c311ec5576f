#ifndef NOTIF_FILTER_H
#define NOTIF_FILTER_H

#include <linux/filter.h>
#include <stdbool.h>

struct handoff_err;

/* Upper bound on the program length: 1 + rows * 16 + 1. */
#define FILTER_MAX_INSNS 64

/* Build the BPF program from the shared syscall table. Returns the number
 * of instructions, or -ENOSPC when cap is too small. */
int filter_build(struct sock_filter *out, unsigned cap);

/* Whether a filter of ours already covers the calling process: the probe
 * syscall answers SYSCALLS_PROBE_ERRNO. */
int filter_covered(void);

/* PR_SET_NO_NEW_PRIVS, then the filter with a listener (TSYNC across the
 * threads; *unsynced when one could not be synchronized and only this
 * thread is covered). Returns the listener fd, or -1 with *e ("covered by
 * another supervisor" for EBUSY). */
int filter_install(struct handoff_err *e, bool *unsynced);

#endif
