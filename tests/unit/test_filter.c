/* shim/filter.c: the program's shape (only what the kernel's action-cache
 * emulator accepts), its verdicts (a small BPF interpreter below) and, in
 * test_filter_live.c, the real thing loaded in a child. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <string.h>

#include "unit.h"
#include "compat.h"
#include "filter.h"
#include "syscalls.h"
#include "test_filter.h"

#define NR_OFF offsetof(struct seccomp_data, nr)
#define ARCH_OFF offsetof(struct seccomp_data, arch)
#define NOTIF SECCOMP_RET_USER_NOTIF
#define ENOSYS_RET (SECCOMP_RET_ERRNO | ENOSYS)
#define PROBE_RET (SECCOMP_RET_ERRNO | SYSCALLS_PROBE_ERRNO)
#define X32 0x40000000U

static struct sock_filter prog[FILTER_MAX_INSNS];
static unsigned prog_len;

static int setup(void **state)
{
	int n = filter_build(prog, FILTER_MAX_INSNS);

	(void)state;
	if (n <= 0)
		return -1;
	prog_len = (unsigned)n;
	return 0;
}

/* What filter.c documents: ld arch; per row jeq arch, ld nr, jgt low,
 * jeq mkdirat, [jeq mkdir], ret, [jge x32], jge io_min, three io_uring
 * jeqs, jeq probe, four returns; the final kill. */
static void test_length(void **state)
{
	unsigned want = 2;

	(void)state;
	for (unsigned i = 0; i < syscalls_table_len; i++) {
		const struct syscalls_row *r = &syscalls_table[i];

		want += 4 + (r->mkdir != SYSCALLS_NONE) + 1 + (r->x32_bit ? 1 : 0) + 1 + 3 + 1 + 4;
	}
	assert_int_equal(prog_len, want);
	assert_true(prog_len <= FILTER_MAX_INSNS);
	assert_true(prog_len <= BPF_MAXINSNS);
}

/* The split in filter.c needs io_uring and the probe above mkdir/mkdirat. */
static void test_table_order(void **state)
{
	(void)state;
	for (unsigned i = 0; i < syscalls_table_len; i++) {
		const struct syscalls_row *r = &syscalls_table[i];

		for (unsigned j = 0; j < 3; j++) {
			assert_true(r->io_uring[j] > r->mkdirat);
			assert_true(r->mkdir == SYSCALLS_NONE || r->io_uring[j] > r->mkdir);
			assert_true(r->io_uring[j] < SYSCALLS_PROBE_NR);
		}
	}
}

static void test_cap(void **state)
{
	struct sock_filter buf[FILTER_MAX_INSNS + 4];
	struct sock_filter mark = { 0xdead, 1, 2, 0xfeedface };

	(void)state;
	assert_int_equal(filter_build(NULL, 0), -ENOSPC);
	for (unsigned cap = 0; cap < prog_len; cap += 7) {
		for (unsigned i = 0; i < UNIT_LEN(buf); i++)
			buf[i] = mark;
		assert_int_equal(filter_build(buf, cap), -ENOSPC);
		/* nothing written past cap */
		for (unsigned i = cap; i < UNIT_LEN(buf); i++)
			assert_memory_equal(&buf[i], &mark, sizeof(mark));
	}
	assert_int_equal(filter_build(buf, prog_len - 1), -ENOSPC);
	assert_int_equal(filter_build(buf, prog_len), (int)prog_len);
	assert_memory_equal(buf, prog, prog_len * sizeof(buf[0]));
}

/* Every instruction is one the action-cache emulator accepts (else every
 * syscall would run the program), loads only arch or nr, and every jump
 * lands inside the program. */
static void test_insn_set(void **state)
{
	(void)state;
	for (unsigned pc = 0; pc < prog_len; pc++) {
		const struct sock_filter *f = &prog[pc];

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			assert_true(f->k == NR_OFF || f->k == ARCH_OFF);
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_K:
			assert_true(pc + 1 + f->jt < prog_len);
			assert_true(pc + 1 + f->jf < prog_len);
			break;
		case BPF_JMP | BPF_JA:
			assert_true(pc + 1 + (unsigned long)f->k < prog_len);
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			break;
		case BPF_RET | BPF_K:
			assert_true(f->k == SECCOMP_RET_ALLOW || f->k == NOTIF ||
				    f->k == ENOSYS_RET || f->k == PROBE_RET ||
				    f->k == SECCOMP_RET_KILL_PROCESS);
			break;
		default:
			fail_msg("insn %u: code 0x%x is not cache-emulable", pc, f->code);
		}
	}
	/* the first loads arch, the last returns */
	assert_int_equal(prog[0].code, BPF_LD | BPF_W | BPF_ABS);
	assert_int_equal(prog[0].k, ARCH_OFF);
	assert_int_equal(prog[prog_len - 1].code, BPF_RET | BPF_K);
}

/* A tiny classic-BPF interpreter over seccomp_data, for the instructions
 * above. Jumps only go forward, so it ends within prog_len steps. */
static unsigned last_steps;	/* instructions the last run() executed */

static uint32_t run(uint32_t arch, uint32_t nr)
{
	struct seccomp_data d;
	uint32_t a = 0;
	unsigned pc = 0;

	memset(&d, 0xa5, sizeof(d));	/* args that must not matter */
	d.arch = arch;
	d.nr = (int)nr;
	for (unsigned steps = 0; steps < prog_len; steps++) {
		const struct sock_filter *f = &prog[pc++];
		int taken = 0;

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			assert_true(f->k % 4 == 0 && f->k + 4 <= sizeof(d));
			memcpy(&a, (const char *)&d + f->k, 4);
			continue;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= f->k;
			continue;
		case BPF_JMP | BPF_JA:
			pc += f->k;
			assert_true(pc < prog_len);
			continue;
		case BPF_RET | BPF_K:
			last_steps = steps + 1;
			return f->k;
		case BPF_JMP | BPF_JEQ | BPF_K:
			taken = a == f->k;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			taken = a >= f->k;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			taken = a > f->k;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			taken = (a & f->k) != 0;
			break;
		default:
			fail_msg("insn %u: code 0x%x", pc - 1, f->code);
		}
		pc += taken ? f->jt : f->jf;
		assert_true(pc < prog_len);
	}
	fail_msg("ran off the program");
	return 0;
}

static void test_x86_64(void **state)
{
	const uint32_t x = AUDIT_ARCH_X86_64;

	(void)state;
	assert_int_equal(run(x, 83), NOTIF);		/* mkdir */
	assert_int_equal(run(x, 258), NOTIF);		/* mkdirat */
	assert_int_equal(run(x, 425), ENOSYS_RET);	/* io_uring_setup */
	assert_int_equal(run(x, 426), ENOSYS_RET);
	assert_int_equal(run(x, 427), ENOSYS_RET);
	assert_int_equal(run(x, SYSCALLS_PROBE_NR), PROBE_RET);
	assert_int_equal(run(x, 39), SECCOMP_RET_ALLOW);	/* getpid */
	assert_int_equal(run(x, 0x3fffffff), SECCOMP_RET_ALLOW);
	assert_int_equal(run(x, SYSCALLS_PROBE_NR - 1), SECCOMP_RET_ALLOW);
	for (uint32_t nr = 0; nr < 1024; nr++) {
		uint32_t v = run(x, nr);

		if (nr == 83 || nr == 258)
			assert_int_equal(v, NOTIF);
		else if (nr >= 425 && nr <= 427)
			assert_int_equal(v, ENOSYS_RET);
		else
			assert_int_equal(v, SECCOMP_RET_ALLOW);
	}
}

static void test_x32(void **state)
{
	static const uint32_t nrs[] = { 0, 39, 83, 258, 425, 512, 0x3ffffff0, 0x3fffffff,
					0xbfffffff, 0xffffffff };

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(nrs); i++)
		assert_int_equal(run(AUDIT_ARCH_X86_64, X32 | nrs[i]), ENOSYS_RET);
}

static void test_i386(void **state)
{
	const uint32_t x = AUDIT_ARCH_I386;

	(void)state;
	assert_int_equal(run(x, 39), NOTIF);		/* mkdir */
	assert_int_equal(run(x, 296), NOTIF);		/* mkdirat */
	assert_int_equal(run(x, 425), ENOSYS_RET);
	assert_int_equal(run(x, 426), ENOSYS_RET);
	assert_int_equal(run(x, 427), ENOSYS_RET);
	assert_int_equal(run(x, SYSCALLS_PROBE_NR), PROBE_RET);
	assert_int_equal(run(x, 20), SECCOMP_RET_ALLOW);	/* getpid */
	assert_int_equal(run(x, 83), SECCOMP_RET_ALLOW);	/* symlink here */
	assert_int_equal(run(x, 258), SECCOMP_RET_ALLOW);
	assert_int_equal(run(x, X32 | 39), SECCOMP_RET_ALLOW);	/* no x32 rule */
}

static void test_aarch64(void **state)
{
	const uint32_t x = AUDIT_ARCH_AARCH64;

	(void)state;
	assert_int_equal(run(x, 34), NOTIF);		/* mkdirat */
	assert_int_equal(run(x, 425), ENOSYS_RET);
	assert_int_equal(run(x, 426), ENOSYS_RET);
	assert_int_equal(run(x, 427), ENOSYS_RET);
	assert_int_equal(run(x, SYSCALLS_PROBE_NR), PROBE_RET);
	assert_int_equal(run(x, 83), SECCOMP_RET_ALLOW);
	assert_int_equal(run(x, 172), SECCOMP_RET_ALLOW);	/* getpid */
	assert_int_equal(run(x, SYSCALLS_NONE), SECCOMP_RET_ALLOW);
}

/* The action cache is computed by running the program for every number
 * at install time: numbers below io_uring's get their verdict within 7
 * instructions natively, 8 for i386 (one more arch check); the few above
 * within 11 and 12. */
static void test_short_paths(void **state)
{
	(void)state;
	for (uint32_t nr = 0; nr < 512; nr++) {
		unsigned extra = nr < 425 ? 0 : 4;

		run(AUDIT_ARCH_X86_64, nr);
		assert_true(last_steps <= 7 + extra);
		run(AUDIT_ARCH_I386, nr);
		assert_true(last_steps <= 8 + extra);
	}
}

static void test_unknown_arch(void **state)
{
	static const uint32_t archs[] = { 0, AUDIT_ARCH_ARM, AUDIT_ARCH_X86_64 ^ 1,
					  AUDIT_ARCH_X86_64 & ~__AUDIT_ARCH_64BIT,
					  AUDIT_ARCH_RISCV64, 0xffffffff };
	static const uint32_t nrs[] = { 0, 34, 39, 83, 258, 296, SYSCALLS_PROBE_NR };

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(archs); i++)
		for (size_t j = 0; j < UNIT_LEN(nrs); j++)
			assert_int_equal(run(archs[i], nrs[j]), SECCOMP_RET_KILL_PROCESS);
}

int main(int argc, char **argv)
{
	char self[PATH_MAX];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_table_order),
		cmocka_unit_test(test_short_paths),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_insn_set),
		cmocka_unit_test(test_x86_64),
		cmocka_unit_test(test_x32),
		cmocka_unit_test(test_i386),
		cmocka_unit_test(test_aarch64),
		cmocka_unit_test(test_unknown_arch),
	};
	int failed;

	if (argc == 3 && strcmp(argv[1], "--live-child") == 0)
		return filter_live_child(argv[2]);
	if (!realpath(argv[0], self))
		return 1;
	failed = cmocka_run_group_tests_name("filter program", tests, setup, NULL);
	return failed + filter_live_run(self);
}
