/* common/syscalls.c: the shared table and its lookups. The numbers are
 * checked against the kernel's uapi headers where this machine has them. */
#include <asm/unistd_32.h>
#include <linux/audit.h>
#include <string.h>

#include "unit.h"
#include "compat.h"
#include "syscalls.h"

/* <asm/unistd_64.h> and <asm/unistd_32.h> define the same names; keep the
 * i386 ones before pulling in the native table. */
enum {
	I386_MKDIR = __NR_mkdir,
	I386_MKDIRAT = __NR_mkdirat,
	I386_IO_URING_SETUP = __NR_io_uring_setup,
	I386_IO_URING_ENTER = __NR_io_uring_enter,
	I386_IO_URING_REGISTER = __NR_io_uring_register,
};
#undef __NR_mkdir
#undef __NR_mkdirat
#undef __NR_io_uring_setup
#undef __NR_io_uring_enter
#undef __NR_io_uring_register
#undef _ASM_UNISTD_64_H
#include <asm/unistd_64.h>

static const struct syscalls_row *row_of(uint32_t arch)
{
	const struct syscalls_row *r = syscalls_row(arch);

	assert_non_null(r);
	assert_int_equal(r->arch, arch);
	return r;
}

static void test_numbers(void **state)
{
	const struct syscalls_row *r;

	(void)state;
	r = row_of(AUDIT_ARCH_X86_64);
	assert_string_equal(r->name, "x86_64");
	assert_int_equal(r->x32_bit, 0x40000000U);
	assert_int_equal(r->mkdir, __NR_mkdir);
	assert_int_equal(r->mkdirat, __NR_mkdirat);
	assert_int_equal(r->io_uring[0], __NR_io_uring_setup);
	assert_int_equal(r->io_uring[1], __NR_io_uring_enter);
	assert_int_equal(r->io_uring[2], __NR_io_uring_register);

	r = row_of(AUDIT_ARCH_I386);
	assert_string_equal(r->name, "i386");
	assert_int_equal(r->x32_bit, 0);
	assert_int_equal(r->mkdir, I386_MKDIR);
	assert_int_equal(r->mkdirat, I386_MKDIRAT);
	assert_int_equal(r->io_uring[0], I386_IO_URING_SETUP);
	assert_int_equal(r->io_uring[1], I386_IO_URING_ENTER);
	assert_int_equal(r->io_uring[2], I386_IO_URING_REGISTER);

	/* asm-generic/unistd.h: no mkdir, mkdirat 34, io_uring 425-427 */
	r = row_of(AUDIT_ARCH_AARCH64);
	assert_string_equal(r->name, "aarch64");
	assert_int_equal(r->x32_bit, 0);
	assert_int_equal(r->mkdir, SYSCALLS_NONE);
	assert_int_equal(r->mkdirat, 34);
	assert_int_equal(r->io_uring[0], 425);
	assert_int_equal(r->io_uring[1], 426);
	assert_int_equal(r->io_uring[2], 427);
}

static void test_table_shape(void **state)
{
	(void)state;
	assert_true(syscalls_table_len >= 3);
	for (unsigned i = 0; i < syscalls_table_len; i++) {
		const struct syscalls_row *r = &syscalls_table[i];

		assert_ptr_equal(syscalls_row(r->arch), r);
		assert_non_null(r->name);
		assert_true(r->mkdirat != SYSCALLS_NONE);
		assert_true(r->mkdir != r->mkdirat);
		/* the probe must be a number no arch uses, below x32's bit */
		assert_true(SYSCALLS_PROBE_NR < 0x40000000U);
		assert_true(r->x32_bit == 0 || SYSCALLS_PROBE_NR < r->x32_bit);
		for (unsigned j = 0; j < i; j++) {
			assert_true(syscalls_table[j].arch != r->arch);
			assert_string_not_equal(syscalls_table[j].name, r->name);
		}
	}
	/* above every errno the kernel returns (its internal ones end near
	 * 530), within the 4095 a syscall return can carry */
	assert_true(SYSCALLS_PROBE_ERRNO > 1000 && SYSCALLS_PROBE_ERRNO <= 4095);
}

/* A 32-bit call takes the low halves of the registers (int 0x80 from a
 * 64-bit process with the upper halves set); a 64-bit call all of them. */
static void test_arg_width(void **state)
{
	const uint64_t reg = 0x1234567890abcdefULL;

	(void)state;
	assert_true(syscalls_arg(AUDIT_ARCH_I386, reg) == 0x90abcdefULL);
	assert_true(syscalls_arg(AUDIT_ARCH_X86_64, reg) == reg);
	assert_true(syscalls_arg(AUDIT_ARCH_AARCH64, reg) == reg);
	for (unsigned i = 0; i < syscalls_table_len; i++)
		assert_true(syscalls_table[i].bits == 32 || syscalls_table[i].bits == 64);
}

static void test_classify_rows(void **state)
{
	(void)state;
	for (unsigned i = 0; i < syscalls_table_len; i++) {
		const struct syscalls_row *r = &syscalls_table[i];

		if (r->mkdir != SYSCALLS_NONE)
			assert_int_equal(syscalls_classify(r->arch, r->mkdir), SYSCALLS_MKDIR);
		assert_int_equal(syscalls_classify(r->arch, r->mkdirat), SYSCALLS_MKDIRAT);
		for (unsigned k = 0; k < 3; k++)
			assert_int_equal(syscalls_classify(r->arch, r->io_uring[k]),
					 SYSCALLS_OTHER);
		assert_int_equal(syscalls_classify(r->arch, SYSCALLS_PROBE_NR), SYSCALLS_OTHER);
		/* NONE is never a match, even on a row without mkdir */
		assert_int_equal(syscalls_classify(r->arch, SYSCALLS_NONE), SYSCALLS_OTHER);
		assert_int_equal(syscalls_classify(r->arch, 0), SYSCALLS_OTHER);
		if (r->x32_bit) {
			assert_int_equal(syscalls_classify(r->arch, r->x32_bit | r->mkdir),
					 SYSCALLS_OTHER);
			assert_int_equal(syscalls_classify(r->arch, r->x32_bit | r->mkdirat),
					 SYSCALLS_OTHER);
		}
	}
	/* another arch's numbers do not leak across rows */
	assert_int_equal(syscalls_classify(AUDIT_ARCH_X86_64, 39), SYSCALLS_OTHER);
	assert_int_equal(syscalls_classify(AUDIT_ARCH_I386, 83), SYSCALLS_OTHER);
	assert_int_equal(syscalls_classify(AUDIT_ARCH_AARCH64, 83), SYSCALLS_OTHER);
	assert_int_equal(syscalls_classify(AUDIT_ARCH_AARCH64, 258), SYSCALLS_OTHER);
}

static void test_unknown_arch(void **state)
{
	static const uint32_t archs[] = { 0, AUDIT_ARCH_ARM, AUDIT_ARCH_X86_64 ^ 1,
					  AUDIT_ARCH_PPC64LE, 0xffffffffU };

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(archs); i++) {
		assert_null(syscalls_row(archs[i]));
		assert_int_equal(syscalls_classify(archs[i], 83), SYSCALLS_OTHER);
		assert_int_equal(syscalls_classify(archs[i], 34), SYSCALLS_OTHER);
	}
}

static void test_kind_name(void **state)
{
	(void)state;
	assert_string_equal(syscalls_kind_name(SYSCALLS_MKDIR), "mkdir");
	assert_string_equal(syscalls_kind_name(SYSCALLS_MKDIRAT), "mkdirat");
	assert_string_equal(syscalls_kind_name(SYSCALLS_OTHER), "other");
	assert_string_equal(syscalls_kind_name((enum syscalls_kind)99), "other");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_table_shape),
		cmocka_unit_test(test_classify_rows),
		cmocka_unit_test(test_arg_width),
		cmocka_unit_test(test_unknown_arch),
		cmocka_unit_test(test_kind_name),
	};

	return cmocka_run_group_tests_name("syscalls", tests, NULL, NULL);
}
