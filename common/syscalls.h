/* The syscall table shared by the filter (shim/filter.c) and tracerd:
 * one row per architecture, so a new arch is one more row. */
#ifndef NOTIF_SYSCALLS_H
#define NOTIF_SYSCALLS_H

#include <stdint.h>

/* A probe number answered by our filter only: below the x32 bit, unused by
 * any kernel, answered with an errno outside the kernel's range. */
#define SYSCALLS_PROBE_NR	0x3ffffff0U
#define SYSCALLS_PROBE_ERRNO	4000

#define SYSCALLS_NONE		UINT32_MAX

enum syscalls_kind {
	SYSCALLS_OTHER = 0,
	SYSCALLS_MKDIR,
	SYSCALLS_MKDIRAT,
};

struct syscalls_row {
	uint32_t arch;		/* AUDIT_ARCH_* */
	const char *name;
	uint32_t x32_bit;	/* numbers >= this are x32: ENOSYS; 0 if none */
	uint32_t bits;		/* register width the kernel reads arguments in */
	uint32_t mkdir;		/* SYSCALLS_NONE where the arch has none */
	uint32_t mkdirat;
	uint32_t io_uring[3];	/* setup, enter, register */
};

extern const struct syscalls_row syscalls_table[];
extern const unsigned syscalls_table_len;

const struct syscalls_row *syscalls_row(uint32_t arch);
enum syscalls_kind syscalls_classify(uint32_t arch, uint32_t nr);
const char *syscalls_kind_name(enum syscalls_kind kind);

/* An argument as the kernel uses it: seccomp_data shows the full 64-bit
 * registers, but a 32-bit call (int 0x80, even from a 64-bit process)
 * takes only their low halves. */
uint64_t syscalls_arg(uint32_t arch, uint64_t reg);

#endif
