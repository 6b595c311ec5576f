/* mk: one mkdir-family system call per run, made with the raw syscall, and
 * its result printed on stdout as one line: "0" or the errno name. A test
 * runs the same operation natively and under libnotif.so and compares.
 *
 *   mk mkdir PATH [MODE]            mkdir(2), MODE octal (default 0777)
 *   mk mkdirat DIR PATH [MODE]      mkdirat(2); DIR is "cwd" (AT_FDCWD),
 *                                   "closed" (a just-closed fd), "bad"
 *                                   (fd 999), "hi:D" (D's fd with garbage
 *                                   in the upper 32 bits), "file:F" (a
 *                                   regular file's fd) or a directory
 *   mk null | unmapped              mkdir with a NULL / unmapped pointer
 *   mk edge PATH                    PATH's NUL is the last byte before an
 *                                   unmapped page
 *   mk runoff                       bytes run into an unmapped page, no NUL
 *   mk long DIR N                   DIR/ + N bytes of 'a' (no other NUL)
 *   mk fds                          the open fds (besides 0-2), one line
 *   mk errno                        errno as main() found it
 *   mk iouring                      io_uring_setup/enter/register results
 *   mk int80 PATH                   (x86_64) mkdir through int 0x80: the
 *                                   i386 entry, nr 39
 *   mk cwdthread DIR NAME           a thread with its own fs context
 *                                   (unshare(CLONE_FS)) chdirs to DIR and
 *                                   calls mkdir(NAME)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static int result(long r)
{
	if (r < 0) {
		const char *n = strerrorname_np(errno);

		printf("%s\n", n ? n : "E?");
	} else {
		printf("0\n");
	}
	return 0;
}

static unsigned long mode_arg(int argc, char **argv, int i)
{
	return argc > i ? strtoul(argv[i], NULL, 8) : 0777;
}

static long dirfd_arg(const char *spec)
{
	int fd;

	if (strcmp(spec, "cwd") == 0)
		return AT_FDCWD;
	if (strcmp(spec, "bad") == 0)
		return 999;
	if (strcmp(spec, "closed") == 0) {
		fd = dup(0);
		if (fd >= 0)
			close(fd);
		return fd;
	}
	if (strncmp(spec, "hi:", 3) == 0) {
		fd = open(spec + 3, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return -1;
#if __SIZEOF_LONG__ == 8
		return (long)(0xdead000000000000UL | (unsigned long)(unsigned int)fd);
#else
		return fd;
#endif
	}
	if (strncmp(spec, "file:", 5) == 0)
		return open(spec + 5, O_RDONLY | O_CLOEXEC);
	return open(spec, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* two pages, the second unmapped: returns the first */
static char *guarded_page(void)
{
	long ps = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, (size_t)ps * 2, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	if (munmap(p + ps, (size_t)ps) < 0) {
		perror("munmap");
		exit(2);
	}
	return p;
}

static int op_edge(const char *path)
{
	long ps = sysconf(_SC_PAGESIZE);
	size_t len = strlen(path);
	char *p = guarded_page();
	char *s = p + ps - (long)len - 1;

	memcpy(s, path, len + 1);
	return result(syscall(SYS_mkdir, s, 0777));
}

static int op_runoff(void)
{
	long ps = sysconf(_SC_PAGESIZE);
	char *p = guarded_page();
	char *s = p + ps - 64;

	memcpy(s, "/tmp/", 5);
	memset(s + 5, 'a', 59);
	return result(syscall(SYS_mkdir, s, 0777));
}

static int op_unmapped(void)
{
	long ps = sysconf(_SC_PAGESIZE);
	char *p = guarded_page();

	return result(syscall(SYS_mkdir, p + ps, 0777));
}

static int op_long(const char *dir, size_t n)
{
	size_t dl = strlen(dir);
	char *s = malloc(dl + n + 2);

	if (!s)
		return 2;
	memcpy(s, dir, dl);
	s[dl] = '/';
	memset(s + dl + 1, 'a', n);
	s[dl + 1 + n] = '\0';
	result(syscall(SYS_mkdir, s, 0777));
	free(s);
	return 0;
}

static int op_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int self, sep = 0;

	if (!d)
		return 2;
	self = dirfd(d);
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);

		if (e->d_name[0] == '.' || fd == self || fd <= 2)
			continue;
		printf("%s%d", sep++ ? " " : "", fd);
	}
	printf("\n");
	closedir(d);
	return 0;
}

static int op_iouring(void)
{
	unsigned char params[120] = { 0 };	/* struct io_uring_params */
	long r;

	r = syscall(SYS_io_uring_setup, 4, params);
	result(r);
	if (r >= 0)
		close((int)r);
	result(syscall(SYS_io_uring_enter, 999, 0, 0, 0, NULL, 0));
	result(syscall(SYS_io_uring_register, 999, 0, NULL, 0));
	return 0;
}

#ifdef __x86_64__
static int op_int80(const char *path)
{
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	long r = 39;	/* __NR_mkdir on i386 */

	if (p == MAP_FAILED)
		return 2;
	strncpy(p, path, 4095);
	__asm__ volatile("int $0x80"
			 : "+a"(r)
			 : "b"(p), "c"(0777L)
			 : "r8", "r9", "r10", "r11", "memory", "cc");
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return result(-1);
	}
	return result(0);
}
#endif

struct cwdarg {
	const char *dir, *name;
	long r;
	int err;
};

static void *cwd_thread(void *p)
{
	struct cwdarg *a = p;

	if (unshare(CLONE_FS) < 0 || chdir(a->dir) < 0) {
		perror("unshare/chdir");
		exit(2);
	}
	a->r = syscall(SYS_mkdir, a->name, 0777);
	a->err = errno;
	return NULL;
}

static int op_cwdthread(const char *dir, const char *name)
{
	struct cwdarg a = { .dir = dir, .name = name };
	pthread_t th;

	if (pthread_create(&th, NULL, cwd_thread, &a) || pthread_join(th, NULL))
		return 2;
	errno = a.err;
	return result(a.r);
}

static int op_mkdirat(int argc, char **argv)
{
	long fd = dirfd_arg(argv[2]);

	if (fd == -1 && strcmp(argv[2], "closed") != 0) {
		perror(argv[2]);
		return 2;
	}
	return result(syscall(SYS_mkdirat, fd, argv[3], mode_arg(argc, argv, 4)));
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";
	int entry_errno = errno;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(op, "mkdir") == 0 && argc > 2)
		return result(syscall(SYS_mkdir, argv[2], mode_arg(argc, argv, 3)));
	if (strcmp(op, "mkdirat") == 0 && argc > 3)
		return op_mkdirat(argc, argv);
	if (strcmp(op, "null") == 0)
		return result(syscall(SYS_mkdir, NULL, 0777));
	if (strcmp(op, "unmapped") == 0)
		return op_unmapped();
	if (strcmp(op, "edge") == 0 && argc > 2)
		return op_edge(argv[2]);
	if (strcmp(op, "runoff") == 0)
		return op_runoff();
	if (strcmp(op, "long") == 0 && argc > 3)
		return op_long(argv[2], strtoul(argv[3], NULL, 10));
	if (strcmp(op, "errno") == 0)
		return printf("%d\n", entry_errno) < 0;
	if (strcmp(op, "fds") == 0)
		return op_fds();
	if (strcmp(op, "iouring") == 0)
		return op_iouring();
#ifdef __x86_64__
	if (strcmp(op, "int80") == 0 && argc > 2)
		return op_int80(argv[2]);
#endif
	if (strcmp(op, "cwdthread") == 0 && argc > 3)
		return op_cwdthread(argv[2], argv[3]);
	fprintf(stderr, "usage: mk mkdir|mkdirat|null|unmapped|edge|runoff|long|fds|"
		"errno|iouring|int80|cwdthread ARGS (see the source)\n");
	return 2;
}
