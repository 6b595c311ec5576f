/* rewrite ROUNDS INSIDE OUTSIDE: while one thread calls mkdir(buf) in a
 * loop, another keeps rewriting buf between INSIDE and OUTSIDE (same
 * length). Whatever the supervisor read, it must decide and create with
 * that one copy: OUTSIDE must never appear. After each successful call the
 * created directory is removed. Prints "created=N denied=N other=N
 * outside=N [first=ERRNO]" (outside: times OUTSIDE existed after a call;
 * first: the errno of the first other failure). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static char buf[4096];
static const char *in, *out;
static atomic_int stop;

static void *flipper(void *arg)
{
	size_t n = strlen(in) + 1;

	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		memcpy(buf, out, n);
		memcpy(buf, in, n);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int rounds, created = 0, denied = 0, other = 0, outside = 0, first = 0;
	struct stat st;
	pthread_t th;

	if (argc != 4 || strlen(argv[2]) != strlen(argv[3]) || strlen(argv[2]) >= sizeof(buf)) {
		fprintf(stderr, "usage: rewrite ROUNDS INSIDE OUTSIDE (same length)\n");
		return 2;
	}
	rounds = atoi(argv[1]);
	in = argv[2];
	out = argv[3];
	memcpy(buf, in, strlen(in) + 1);
	if (pthread_create(&th, NULL, flipper, NULL))
		return 2;
	for (int i = 0; i < rounds; i++) {
		if (syscall(SYS_mkdir, buf, 0755) == 0)
			created++;
		else if (errno == EPERM)
			denied++;
		else if (!other++)
			first = errno;
		if (lstat(out, &st) == 0) {
			outside++;
			rmdir(out);
		}
		rmdir(in);
	}
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	printf("created=%d denied=%d other=%d outside=%d", created, denied, other, outside);
	printf(first ? " first=%s\n" : "\n", strerrorname_np(first));
	return 0;
}
