/* int80hi: the i386 mkdir/mkdirat entry (int $0x80) from a 64-bit program,
 * with the upper halves of the argument registers set. The kernel runs a
 * 32-bit syscall with the low 32 bits of each register only; seccomp_data
 * shows the full 64-bit registers. A supervisor must act on what the
 * kernel would use.
 *
 * LOW is copied into a MAP_32BIT page at a fixed offset; HIGH into a page
 * mapped at exactly 4 GiB above it, at the same offset, so that the full
 * 64-bit register value points to HIGH and its low 32 bits to LOW. HIGH
 * "-" leaves that upper page unmapped (checked with msync: ENOMEM).
 *
 *   int80hi mkdir LOW HIGH [MODE [HIBITS]]
 *       i386 mkdir (nr 39): ebx = the pointer with the upper half set,
 *       ecx = MODE (octal, default 0755) | HIBITS << 32 (HIBITS hex,
 *       default 0). HIGH "=" uses the plain 32-bit pointer (upper half 0).
 *   int80hi mkdirat DIR LOW HIGH [MODE]
 *       i386 mkdirat (nr 296): ebx = dirfd with 0xdead in the upper half
 *       (DIR "cwd": AT_FDCWD, i.e. 0xffffff9c in the low half; else DIR is
 *       opened O_DIRECTORY and its fd is used; the fd is printed to stderr
 *       as "fd=N"), ecx = the pointer as above, edx = MODE | 0xbeef << 32.
 *
 * Prints one line: "0" or the errno name (as mk does). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define OFFSET 200
#define PAGE 4096UL

static int result(long r)
{
	if (r < 0 && r > -4096) {
		const char *n = strerrorname_np((int)-r);

		printf("%s\n", n ? n : "E?");
	} else {
		printf("0\n");
	}
	return 0;
}

#ifdef __x86_64__
/* a pointer whose low 32 bits point to LOW, the full value to HIGH (or
 * to an unmapped page) */
static uint64_t split_pointer(const char *low, const char *high)
{
	for (int tries = 0; tries < 64; tries++) {
		char *lo = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
		uint64_t hi_addr;
		char *hi;

		if (lo == MAP_FAILED) {
			perror("mmap MAP_32BIT");
			exit(2);
		}
		if ((uint64_t)(uintptr_t)lo >> 32) {
			fprintf(stderr, "MAP_32BIT page above 4 GiB\n");
			exit(2);
		}
		if (strlen(low) >= PAGE - OFFSET || strlen(high) >= PAGE - OFFSET) {
			fprintf(stderr, "path too long\n");
			exit(2);
		}
		strcpy(lo + OFFSET, low);
		hi_addr = (1ULL << 32) + (uint64_t)(uintptr_t)lo;
		if (strcmp(high, "=") == 0)
			return (uint64_t)(uintptr_t)(lo + OFFSET);
		if (strcmp(high, "-") == 0) {
			/* nothing may be mapped there */
			if (msync((void *)(uintptr_t)hi_addr, PAGE, MS_ASYNC) == 0 || errno != ENOMEM)
				continue;
			return hi_addr + OFFSET;
		}
		hi = mmap((void *)(uintptr_t)hi_addr, PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (hi == MAP_FAILED || (uint64_t)(uintptr_t)hi != hi_addr) {
			if (hi != MAP_FAILED)
				munmap(hi, PAGE);
			continue;	/* taken (or an old kernel): another low page */
		}
		strcpy(hi + OFFSET, high);
		return hi_addr + OFFSET;
	}
	fprintf(stderr, "no free page 4 GiB above a MAP_32BIT page\n");
	exit(2);
}

static long int80_3(long nr, uint64_t a, uint64_t b, uint64_t c)
{
	long r = nr;

	__asm__ volatile("int $0x80"
			 : "+a"(r)
			 : "b"(a), "c"(b), "d"(c)
			 : "r8", "r9", "r10", "r11", "memory", "cc");
	return r;
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(op, "mkdir") == 0 && argc >= 4) {
		uint64_t p = split_pointer(argv[2], argv[3]);
		uint64_t mode = argc > 4 ? strtoull(argv[4], NULL, 8) : 0755;
		uint64_t hib = argc > 5 ? strtoull(argv[5], NULL, 16) : 0;

		return result(int80_3(39, p, mode | hib << 32, 0));
	}
	if (strcmp(op, "mkdirat") == 0 && argc >= 5) {
		uint64_t p = split_pointer(argv[3], argv[4]);
		uint64_t mode = argc > 5 ? strtoull(argv[5], NULL, 8) : 0755;
		uint32_t fd;

		if (strcmp(argv[2], "cwd") == 0) {
			fd = (uint32_t)AT_FDCWD;
		} else {
			int f = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC);

			if (f < 0) {
				perror(argv[2]);
				return 2;
			}
			fprintf(stderr, "fd=%d\n", f);
			fd = (uint32_t)f;
		}
		return result(int80_3(296, 0xdeadULL << 32 | fd, p, mode | 0xbeefULL << 32));
	}
	fprintf(stderr, "usage: int80hi mkdir LOW HIGH [MODE [HIBITS]] | "
		"mkdirat DIR LOW HIGH [MODE]\n");
	return 2;
}
#else
int main(void)
{
	fprintf(stderr, "int80hi: x86_64 only\n");
	return 2;
}
#endif
