#ifndef NOTIF_FILTER_H
#define NOTIF_FILTER_H

#include <linux/filter.h>

/* Upper bound on the program length: 1 + rows * 16 + 1. */
#define FILTER_MAX_INSNS 64

/* Build the BPF program from the shared syscall table. Returns the number
 * of instructions, or -ENOSPC when cap is too small. */
int filter_build(struct sock_filter *out, unsigned cap);

#endif
