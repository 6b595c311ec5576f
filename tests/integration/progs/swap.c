/* swap ROUNDS DIR OUTSIDE: DIR/comp is a directory and DIR/alt a symlink to
 * OUTSIDE; one thread keeps exchanging the two names (renameat2
 * RENAME_EXCHANGE) while the main thread calls mkdir(DIR/comp/x). A
 * supervisor must never create OUTSIDE/x. Prints "created=N denied=N
 * other=N outside=N". */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static char comp[4096], alt[4096];
static atomic_int stop;

static void *swapper(void *arg)
{
	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed))
		(void)syscall(SYS_renameat2, AT_FDCWD, comp, AT_FDCWD, alt, RENAME_EXCHANGE);
	return NULL;
}

int main(int argc, char **argv)
{
	int rounds, created = 0, denied = 0, other = 0, outside = 0;
	char target[4096], out_x[4096], in_a[4096], in_b[4096];
	struct stat st;
	pthread_t th;

	if (argc != 4) {
		fprintf(stderr, "usage: swap ROUNDS DIR OUTSIDE\n");
		return 2;
	}
	rounds = atoi(argv[1]);
	snprintf(comp, sizeof(comp), "%s/comp", argv[2]);
	snprintf(alt, sizeof(alt), "%s/alt", argv[2]);
	snprintf(target, sizeof(target), "%s/comp/x", argv[2]);
	snprintf(in_a, sizeof(in_a), "%s/comp/x", argv[2]);
	snprintf(in_b, sizeof(in_b), "%s/alt/x", argv[2]);
	snprintf(out_x, sizeof(out_x), "%s/x", argv[3]);
	if (mkdir(comp, 0755) < 0 || symlink(argv[3], alt) < 0) {
		perror("setup");
		return 2;
	}
	if (pthread_create(&th, NULL, swapper, NULL))
		return 2;
	for (int i = 0; i < rounds; i++) {
		if (syscall(SYS_mkdir, target, 0755) == 0)
			created++;
		else if (errno == EPERM)
			denied++;
		else
			other++;
		if (lstat(out_x, &st) == 0) {
			outside++;
			rmdir(out_x);
		}
		/* the real directory is under one of the two names */
		rmdir(in_a);
		rmdir(in_b);
	}
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	printf("created=%d denied=%d other=%d outside=%d\n", created, denied, other, outside);
	return 0;
}
