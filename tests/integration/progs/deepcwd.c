/* deepcwd: a working directory thousands of levels deep (issue 14: calls
 * whose resolution costs a long walk of the cwd's ancestry).
 *
 *   deepcwd build DIR DEPTH
 *       makes DIR (when missing) and DIR/d/d/.../d, DEPTH levels, with mkdirat/openat relative to
 *       the previous level's fd (the whole path is far beyond PATH_MAX);
 *       prints "depth=DEPTH". Meant to run unsupervised.
 *   deepcwd loop DIR DEPTH THREADS SECONDS NAME
 *       opens DIR, goes down DEPTH levels of d by fd and fchdir()s to the
 *       last one, then THREADS threads each loop mkdir("NAME.i") (a
 *       relative name: resolved against the deep cwd) and, when it
 *       succeeded, rmdir() of it, until SECONDS have passed. Prints
 *       "ready pid=P" once the threads are started, and at the end
 *       "calls=C ok=K failed=F first_errno=E" (E the errno name of the
 *       first failed mkdir, or "-").
 * Exit status 0, 1 when the tree cannot be made or entered.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static atomic_long calls, ok, failed;
static atomic_int first_errno;
static double end_at;
static const char *name;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* DIR, then DEPTH levels of "d" below it (made when MAKE): the last fd */
static int descend(const char *dir, long depth, int make)
{
	int fd;

	if (make && mkdir(dir, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "deepcwd: mkdir %s: %s\n", dir, strerror(errno));
		return -1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "deepcwd: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (long i = 0; i < depth; i++) {
		int next;

		if (make && mkdirat(fd, "d", 0755) < 0 && errno != EEXIST) {
			fprintf(stderr, "deepcwd: mkdir at level %ld: %s\n", i + 1, strerror(errno));
			close(fd);
			return -1;
		}
		next = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			fprintf(stderr, "deepcwd: open at level %ld: %s\n", i + 1, strerror(errno));
			close(fd);
			return -1;
		}
		close(fd);
		fd = next;
	}
	return fd;
}

static void *looper(void *arg)
{
	char n[256];

	snprintf(n, sizeof(n), "%s.%ld", name, (long)(intptr_t)arg);
	while (now_s() < end_at) {
		atomic_fetch_add(&calls, 1);
		if (syscall(SYS_mkdir, n, 0755) == 0) {
			atomic_fetch_add(&ok, 1);
			(void)rmdir(n);
		} else {
			int zero = 0;

			atomic_fetch_add(&failed, 1);
			atomic_compare_exchange_strong(&first_errno, &zero, errno);
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[256];
	long depth, nth;
	const char *en;
	int fd;

	if (argc == 4 && strcmp(argv[1], "build") == 0) {
		depth = atol(argv[3]);
		fd = descend(argv[2], depth, 1);
		if (fd < 0)
			return 1;
		printf("depth=%ld\n", depth);
		return 0;
	}
	if (argc != 7 || strcmp(argv[1], "loop") != 0) {
		fprintf(stderr, "usage: deepcwd build DIR DEPTH | loop DIR DEPTH THREADS SECONDS NAME\n");
		return 2;
	}
	depth = atol(argv[3]);
	nth = atol(argv[4]);
	name = argv[6];
	if (nth < 1 || nth > 256) {
		fprintf(stderr, "deepcwd: 1-256 threads\n");
		return 2;
	}
	fd = descend(argv[2], depth, 0);
	if (fd < 0)
		return 1;
	if (fchdir(fd) < 0) {
		fprintf(stderr, "deepcwd: fchdir: %s\n", strerror(errno));
		return 1;
	}
	close(fd);
	end_at = now_s() + atof(argv[5]);
	for (long i = 0; i < nth; i++) {
		int r = pthread_create(&th[i], NULL, looper, (void *)(intptr_t)i);

		if (r != 0) {
			fprintf(stderr, "deepcwd: pthread_create: %s\n", strerror(r));
			return 1;
		}
	}
	printf("ready pid=%d\n", (int)getpid());
	fflush(stdout);
	for (long i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	en = first_errno ? strerrorname_np(first_errno) : "-";
	printf("calls=%ld ok=%ld failed=%ld first_errno=%s\n", atomic_load(&calls), atomic_load(&ok),
	       atomic_load(&failed), en ? en : "E?");
	return 0;
}
