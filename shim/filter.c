/* The seccomp program, built from common/syscalls.c. It loads only `arch`
 * and `nr` and uses only instructions the kernel's action-cache emulator
 * understands, so every syscall it does not name stays a constant ALLOW
 * (no BPF run at all). The emulator runs the program once per (arch, nr)
 * when the filter is installed, so the paths are kept short: a split at
 * the larger of mkdir/mkdirat sends most numbers to ALLOW after four
 * instructions past the arch check. Layout:
 *
 *	ld arch
 *	per row:  jeq ARCH ? fallthrough : next row
 *	          ld nr
 *	          jgt LOW -> high             (LOW: the larger of mkdir, mkdirat)
 *	          jeq mkdirat -> notif ; [jeq mkdir -> notif]
 *	          ret ALLOW
 *	   high:  [jge X32_BIT -> enosys]
 *	          jge IO_MIN ? fallthrough : allow
 *	          jeq io_uring_* -> enosys ; jeq PROBE -> probe
 *	   allow: ret ALLOW ; notif: ret USER_NOTIF ; enosys: ret ERRNO(ENOSYS)
 *	   probe: ret ERRNO(4000)
 *	ret KILL_PROCESS
 *
 * The table keeps io_uring and the probe above LOW (unit-tested). */
#include <errno.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../common/compat.h"
#include "../common/syscalls.h"
#include "filter.h"
#include "handoff.h"

/* Jump targets inside a row. */
enum label { L_NEXT, L_HIGH, L_ALLOW, L_NOTIF, L_ENOSYS, L_PROBE, L_ROW_END, L_COUNT };

struct prog {
	struct sock_filter *insn;
	unsigned len, cap;
	unsigned at[L_COUNT];		/* where each label of this row landed */
};

static void emit(struct prog *p, struct sock_filter f)
{
	if (p->len < p->cap)
		p->insn[p->len] = f;
	p->len++;
}

static void stmt(struct prog *p, uint16_t code, uint32_t k)
{
	emit(p, (struct sock_filter)BPF_STMT(code, k));
}

/* A conditional jump to labels (L_ROW_END: the next instruction); every
 * jump of the program is one of these. */
static void jump(struct prog *p, uint16_t op, uint32_t k, enum label t, enum label f)
{
	emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | op | BPF_K, k, (__u8)t, (__u8)f));
}

static void mark(struct prog *p, enum label l)
{
	p->at[l] = p->len;
}

/* Labels to offsets, for the row's jumps from start on. */
static void resolve(struct prog *p, unsigned start)
{
	for (unsigned pc = start; pc < p->len && pc < p->cap; pc++) {
		struct sock_filter *f = &p->insn[pc];

		if (BPF_CLASS(f->code) != BPF_JMP)
			continue;
		f->jt = (__u8)(f->jt == L_ROW_END ? 0 : p->at[f->jt] - pc - 1);
		f->jf = (__u8)(f->jf == L_ROW_END ? 0 : p->at[f->jf] - pc - 1);
	}
}

static void emit_row(struct prog *p, const struct syscalls_row *r)
{
	uint32_t low = r->mkdir != SYSCALLS_NONE && r->mkdir > r->mkdirat ? r->mkdir : r->mkdirat;
	uint32_t io_min = r->io_uring[0];
	unsigned start = p->len;

	for (unsigned i = 1; i < 3; i++)
		if (r->io_uring[i] < io_min)
			io_min = r->io_uring[i];
	jump(p, BPF_JEQ, r->arch, L_ROW_END, L_NEXT);
	stmt(p, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	jump(p, BPF_JGT, low, L_HIGH, L_ROW_END);
	jump(p, BPF_JEQ, r->mkdirat, L_NOTIF, L_ROW_END);
	if (r->mkdir != SYSCALLS_NONE)
		jump(p, BPF_JEQ, r->mkdir, L_NOTIF, L_ROW_END);
	stmt(p, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	mark(p, L_HIGH);
	if (r->x32_bit)
		jump(p, BPF_JGE, r->x32_bit, L_ENOSYS, L_ROW_END);
	jump(p, BPF_JGE, io_min, L_ROW_END, L_ALLOW);
	for (unsigned i = 0; i < 3; i++)
		jump(p, BPF_JEQ, r->io_uring[i], L_ENOSYS, L_ROW_END);
	jump(p, BPF_JEQ, SYSCALLS_PROBE_NR, L_PROBE, L_ROW_END);
	mark(p, L_ALLOW);
	stmt(p, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	mark(p, L_NOTIF);
	stmt(p, BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
	mark(p, L_ENOSYS);
	stmt(p, BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
	mark(p, L_PROBE);
	stmt(p, BPF_RET | BPF_K, SECCOMP_RET_ERRNO | SYSCALLS_PROBE_ERRNO);
	mark(p, L_NEXT);
	resolve(p, start);
}

int filter_build(struct sock_filter *out, unsigned cap)
{
	struct prog p = { .insn = out, .cap = cap };

	stmt(&p, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	for (unsigned i = 0; i < syscalls_table_len; i++)
		emit_row(&p, &syscalls_table[i]);
	stmt(&p, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	return p.len <= cap ? (int)p.len : -ENOSPC;
}

int filter_covered(void)
{
	return syscall(SYSCALLS_PROBE_NR) == -1 && errno == SYSCALLS_PROBE_ERRNO;
}

/* NO_NEW_PRIVS, then the filter. TSYNC covers threads that other
 * constructors started before us; where it cannot, *unsynced says so and
 * the filter goes on for this thread. */
int filter_install(struct handoff_err *e, bool *unsynced)
{
	struct sock_filter insn[FILTER_MAX_INSNS];
	struct sock_fprog prog = { .filter = insn };
	unsigned long flags = SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC |
			      SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	int n = filter_build(insn, FILTER_MAX_INSNS);
	long fd;

	prog.len = (unsigned short)n;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		e->what = "cannot set no_new_privs";
		e->err = errno;
		return -1;
	}
#ifndef NOTIF_TEST_NO_KILLABLE	/* a test build (make's test library) leaves it out */
	flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
#endif
	fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (fd < 0 && errno == EINVAL && (flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)) {
		flags &= ~SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;	/* before 5.19 */
		fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	}
	*unsynced = fd < 0 && errno == ESRCH;
	if (*unsynced) {
		flags &= ~(SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_TSYNC_ESRCH);
		fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	}
	if (fd < 0) {
		e->err = errno;
		e->what = e->err == EBUSY ? "covered by another supervisor" :
					    "cannot install the seccomp filter";
		return -1;
	}
	return (int)fd;
}
