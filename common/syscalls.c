/* One row per architecture; the filter and tracerd both read this table. */
#include <stddef.h>

#include "compat.h"
#include "syscalls.h"

const struct syscalls_row syscalls_table[] = {
	{ AUDIT_ARCH_X86_64, "x86_64", 0x40000000U, 64, 83, 258, { 425, 426, 427 } },
	{ AUDIT_ARCH_I386, "i386", 0, 32, 39, 296, { 425, 426, 427 } },
	{ AUDIT_ARCH_AARCH64, "aarch64", 0, 64, SYSCALLS_NONE, 34, { 425, 426, 427 } },
};
const unsigned syscalls_table_len = sizeof(syscalls_table) / sizeof(syscalls_table[0]);

const struct syscalls_row *syscalls_row(uint32_t arch)
{
	for (unsigned i = 0; i < syscalls_table_len; i++)
		if (syscalls_table[i].arch == arch)
			return &syscalls_table[i];
	return NULL;
}

enum syscalls_kind syscalls_classify(uint32_t arch, uint32_t nr)
{
	const struct syscalls_row *row = syscalls_row(arch);

	if (!row || nr == SYSCALLS_NONE)
		return SYSCALLS_OTHER;
	if (nr == row->mkdir)
		return SYSCALLS_MKDIR;
	if (nr == row->mkdirat)
		return SYSCALLS_MKDIRAT;
	return SYSCALLS_OTHER;
}

const char *syscalls_kind_name(enum syscalls_kind kind)
{
	switch (kind) {
	case SYSCALLS_MKDIR:
		return "mkdir";
	case SYSCALLS_MKDIRAT:
		return "mkdirat";
	case SYSCALLS_OTHER:
		break;
	}
	return "other";
}

uint64_t syscalls_arg(uint32_t arch, uint64_t reg)
{
	const struct syscalls_row *row = syscalls_row(arch);

	return row && row->bits == 32 ? (uint32_t)reg : reg;
}
