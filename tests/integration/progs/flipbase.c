/* flipbase: the base directory of relative mkdirs changing under the calls.
 *
 *   flipbase cwd ROUNDS IN OUT [PREFIX]
 *       one thread flips the process's (shared) cwd between IN and OUT with
 *       fchdir as fast as it can; the main thread calls
 *       mkdir("PREFIXd<i>", 0755) for i in 0..ROUNDS-1.
 *   flipbase fd ROUNDS IN OUT N [PREFIX]
 *       one thread flips fd N between IN and OUT with dup2; the main thread
 *       calls mkdirat(N, "PREFIXd<i>", 0755).
 *
 * PREFIX (default empty) is put before each name, e.g. "l/" with l a
 * symlink to "." in both directories.
 *
 * Prints one line per call, "PREFIXd<i> 0" or "PREFIXd<i> ERRNAME", then
 * "summary ok=A eperm=B other=C". */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static atomic_int stop;
static int fd_in, fd_out, fd_n, by_fd;

static void *flipper(void *arg)
{
	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		int r;

		if (by_fd) {
			r = dup2(fd_in, fd_n);
			r |= dup2(fd_out, fd_n);
		} else {
			r = fchdir(fd_in);
			r |= fchdir(fd_out);
		}
		if (r < 0) {
			perror("flip");
			exit(2);
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int rounds, ok = 0, eperm = 0, other = 0;
	pthread_t th;
	const char *prefix;
	char name[4096];

	if (argc < 5 || (strcmp(argv[1], "cwd") && strcmp(argv[1], "fd")) ||
	    (!strcmp(argv[1], "fd") && argc < 6)) {
		fprintf(stderr, "usage: flipbase cwd ROUNDS IN OUT [PREFIX] | fd ROUNDS IN OUT N [PREFIX]\n");
		return 2;
	}
	by_fd = !strcmp(argv[1], "fd");
	prefix = argc > 5 + by_fd ? argv[5 + by_fd] : "";
	rounds = atoi(argv[2]);
	fd_in = open(argv[3], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fd_out = open(argv[4], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd_in < 0 || fd_out < 0) {
		perror("open");
		return 2;
	}
	if (by_fd) {
		fd_n = atoi(argv[5]);
		if (fd_n == fd_in || fd_n == fd_out || dup2(fd_in, fd_n) < 0) {
			fprintf(stderr, "bad fd %d\n", fd_n);
			return 2;
		}
	}
	/* the base is IN or OUT from the first call on (fd mode: N is IN,
	 * the cwd stays where it was, a third directory) */
	if (!by_fd && fchdir(fd_in) < 0) {
		perror("fchdir");
		return 2;
	}
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (pthread_create(&th, NULL, flipper, NULL))
		return 2;
	for (int i = 0; i < rounds; i++) {
		long r;

		snprintf(name, sizeof(name), "%sd%d", prefix, i);
		if (by_fd)
			r = syscall(SYS_mkdirat, fd_n, name, 0755);
		else
			r = syscall(SYS_mkdir, name, 0755);
		if (r == 0) {
			ok++;
			printf("%s 0\n", name);
		} else {
			const char *e = strerrorname_np(errno);

			if (errno == EPERM)
				eperm++;
			else
				other++;
			printf("%s %s\n", name, e ? e : "E?");
		}
	}
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	printf("summary ok=%d eperm=%d other=%d\n", ok, eperm, other);
	return 0;
}
