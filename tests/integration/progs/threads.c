/* threads N M DIR: N threads start together (a barrier) and each calls
 * mkdir(DIR/tI-J, 0755) M times. Prints "created=X failed=Y" and the errno
 * name of the first failure, if any. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static pthread_barrier_t start;
static const char *dir;
static int per_thread;
static atomic_int created, failed, first_err;

static void *worker(void *arg)
{
	int id = (int)(long)arg;
	char path[4096];

	pthread_barrier_wait(&start);
	for (int j = 0; j < per_thread; j++) {
		snprintf(path, sizeof(path), "%s/t%d-%d", dir, id, j);
		if (syscall(SYS_mkdir, path, 0755) == 0) {
			atomic_fetch_add(&created, 1);
		} else {
			int zero = 0;

			atomic_compare_exchange_strong(&first_err, &zero, errno);
			atomic_fetch_add(&failed, 1);
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_attr_t attr;
	pthread_t *th;
	int n;

	if (argc != 4) {
		fprintf(stderr, "usage: threads N M DIR\n");
		return 2;
	}
	n = atoi(argv[1]);
	per_thread = atoi(argv[2]);
	dir = argv[3];
	th = calloc((size_t)n, sizeof(*th));
	if (!th || n < 1 || pthread_barrier_init(&start, NULL, (unsigned)n))
		return 2;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (int i = 0; i < n; i++) {
		if (pthread_create(&th[i], &attr, worker, (void *)(long)i)) {
			fprintf(stderr, "pthread_create %d failed\n", i);
			return 2;
		}
	}
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	printf("created=%d failed=%d", atomic_load(&created), atomic_load(&failed));
	if (atomic_load(&first_err))
		printf(" first=%s", strerrorname_np(atomic_load(&first_err)));
	printf("\n");
	free(th);
	return 0;
}
