/* uffd_mkdir: a program whose mkdir path lies in a page nobody can read.
 *
 *   uffd_mkdir N
 *
 * Maps one anonymous page, registers it with userfaultfd (missing mode)
 * and never resolves a fault on it. N threads each call mkdir() with a
 * pointer into that page: the program itself never touches the page, so
 * its threads sit in the seccomp notification, and whoever reads the path
 * from outside (tracerd's process_vm_readv) waits on the fault forever.
 *
 * Prints "pid=P threads=N" once every thread has been started, then
 * sleeps until killed; its exit releases the userfaultfd and with it every
 * fault. Issue 14's hostile program. Exit status 1 when userfaultfd cannot
 * be set up (a line on stderr says why: run it as root, or with
 * vm.unprivileged_userfaultfd=1).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static char *page;

static void *caller(void *arg)
{
	(void)arg;
	/* never returns while the fault is held; its result is irrelevant */
	(void)syscall(SYS_mkdir, page + 16, 0777);
	return NULL;
}

int main(int argc, char **argv)
{
	long psz = sysconf(_SC_PAGESIZE);
	struct uffdio_api api = { .api = UFFD_API, .features = 0 };
	struct uffdio_register reg;
	int n, uffd;

	if (argc != 2 || (n = atoi(argv[1])) < 1 || n > 1024) {
		fprintf(stderr, "usage: uffd_mkdir N (1-1024 threads)\n");
		return 2;
	}
	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0) {
		fprintf(stderr, "uffd_mkdir: userfaultfd: %s\n", strerror(errno));
		return 1;
	}
	if (ioctl(uffd, UFFDIO_API, &api) < 0) {
		fprintf(stderr, "uffd_mkdir: UFFDIO_API: %s\n", strerror(errno));
		return 1;
	}
	page = mmap(NULL, (size_t)psz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		fprintf(stderr, "uffd_mkdir: mmap: %s\n", strerror(errno));
		return 1;
	}
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (unsigned long)page;
	reg.range.len = (unsigned long)psz;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg) < 0) {
		fprintf(stderr, "uffd_mkdir: UFFDIO_REGISTER: %s\n", strerror(errno));
		return 1;
	}
	for (int i = 0; i < n; i++) {
		pthread_t th;
		int r = pthread_create(&th, NULL, caller, NULL);

		if (r != 0) {
			fprintf(stderr, "uffd_mkdir: pthread_create: %s\n", strerror(r));
			return 1;
		}
		pthread_detach(th);
	}
	printf("pid=%d threads=%d\n", (int)getpid(), n);
	fflush(stdout);
	for (;;)
		pause();
}
