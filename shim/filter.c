/* The seccomp program, built from common/syscalls.c. It loads only `arch`
 * and `nr` and uses only instructions the kernel's action-cache emulator
 * understands, so every syscall it does not name stays a constant ALLOW
 * (no BPF run at all). Layout:
 *
 *	ld arch
 *	per row:  jeq ARCH ? fallthrough : next row
 *	          ld nr
 *	          [jge X32_BIT -> enosys]
 *	          jeq mkdir -> notif ; jeq mkdirat -> notif
 *	          jeq io_uring_* -> enosys ; jeq PROBE -> probe
 *	          ret ALLOW ; notif: ret USER_NOTIF ; enosys: ret ERRNO(ENOSYS)
 *	          probe: ret ERRNO(4000)
 *	ret KILL_PROCESS
 */
#include <errno.h>
#include <stddef.h>

#include "../common/compat.h"
#include "../common/syscalls.h"
#include "filter.h"

struct prog {
	struct sock_filter *insn;
	unsigned len, cap;
};

static void emit(struct prog *p, struct sock_filter f)
{
	if (p->len < p->cap)
		p->insn[p->len] = f;
	p->len++;
}

/* The numbers a row dispatches on, with the index of the return they jump
 * to (0 notif, 1 enosys, 2 probe). */
static unsigned row_checks(const struct syscalls_row *r, uint32_t nr[6], unsigned to[6])
{
	unsigned n = 0;

	if (r->mkdir != SYSCALLS_NONE) {
		nr[n] = r->mkdir;
		to[n++] = 0;
	}
	nr[n] = r->mkdirat;
	to[n++] = 0;
	for (unsigned i = 0; i < 3; i++) {
		nr[n] = r->io_uring[i];
		to[n++] = 1;
	}
	nr[n] = SYSCALLS_PROBE_NR;
	to[n++] = 2;
	return n;
}

static void emit_row(struct prog *p, const struct syscalls_row *r)
{
	uint32_t nr[6];
	unsigned to[6];
	unsigned n = row_checks(r, nr, to);
	unsigned x32 = r->x32_bit ? 1 : 0;
	/* after the arch check: ld, x32?, n checks, allow, notif, enosys, probe */
	unsigned body = 1 + x32 + n + 4;

	emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, r->arch, 0, (__u8)body));
	emit(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));
	if (x32)
		/* jump over the n checks and allow, notif: to enosys */
		emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, r->x32_bit,
						     (__u8)(n + 2), 0));
	for (unsigned i = 0; i < n; i++) {
		/* from check i, the returns start n - i - 1 + 1 (allow) ahead */
		unsigned skip = n - i - 1 + 1 + to[i];

		emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr[i], (__u8)skip, 0));
	}
	emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF));
	emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS));
	emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
					     SECCOMP_RET_ERRNO | SYSCALLS_PROBE_ERRNO));
}

int filter_build(struct sock_filter *out, unsigned cap)
{
	struct prog p = { .insn = out, .cap = cap };

	emit(&p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)));
	for (unsigned i = 0; i < syscalls_table_len; i++)
		emit_row(&p, &syscalls_table[i]);
	emit(&p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
	return p.len <= cap ? (int)p.len : -ENOSPC;
}
