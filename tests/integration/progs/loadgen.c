/* loadgen THREADS ALLOWED DENIED INDIR OUTDIR [-v]: THREADS threads start
 * together (a barrier); each makes ALLOWED + DENIED raw mkdir calls,
 * interleaved: INDIR/PID-TID-aJ (expected 0) and OUTDIR/PID-TID-dJ
 * (expected EPERM). Every name is unique, so a test can match each call
 * with exactly one audit record by pid, tid and path.
 *
 * Prints "pid=P calls=N ok=N bad=N" and, for every call whose result was
 * not the expected one, a line "bad PATH ERRNO" (at most 20 of them), or
 * with -v a line "res PATH RESULT" for every call (RESULT: 0 or the errno
 * name). Exits 0 when every call got its expected result, else 1. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static pthread_barrier_t start;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *indir, *outdir;
static int allowed, denied, verbose;
static atomic_int ok, bad;

static const char *result_name(long r, int err)
{
	const char *n;

	if (r == 0)
		return "0";
	n = strerrorname_np(err);
	return n ? n : "E?";
}

static void report(const char *path, long r, int err, int good)
{
	if (!verbose && (good || atomic_load(&bad) > 20))
		return;
	pthread_mutex_lock(&out_lock);
	printf("%s %s %s\n", verbose ? "res" : "bad", path, result_name(r, err));
	pthread_mutex_unlock(&out_lock);
}

/* Call J of this thread is a denied one when the running share of denied
 * calls steps up: DENIED of ALLOWED + DENIED calls, spread evenly. */
static int is_denied(int j)
{
	long total = allowed + denied;

	return (long)(j + 1) * denied / total != (long)j * denied / total;
}

static void *worker(void *arg)
{
	pid_t pid = getpid(), tid = (pid_t)syscall(SYS_gettid);
	int na = 0, nd = 0;
	char path[4096];

	(void)arg;
	pthread_barrier_wait(&start);
	for (int j = 0; j < allowed + denied; j++) {
		int d = is_denied(j), good, err;
		long r;

		if (d)
			snprintf(path, sizeof(path), "%s/%d-%d-d%d", outdir, (int)pid, (int)tid, nd++);
		else
			snprintf(path, sizeof(path), "%s/%d-%d-a%d", indir, (int)pid, (int)tid, na++);
		r = syscall(SYS_mkdir, path, 0755);
		err = errno;
		good = d ? (r == -1 && err == EPERM) : r == 0;
		atomic_fetch_add(good ? &ok : &bad, 1);
		report(path, r, err, good);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_attr_t attr;
	pthread_t *th;
	int n;

	if (argc < 6 || argc > 7) {
		fprintf(stderr, "usage: loadgen THREADS ALLOWED DENIED INDIR OUTDIR [-v]\n");
		return 2;
	}
	n = atoi(argv[1]);
	allowed = atoi(argv[2]);
	denied = atoi(argv[3]);
	indir = argv[4];
	outdir = argv[5];
	verbose = argc == 7 && strcmp(argv[6], "-v") == 0;
	th = calloc((size_t)(n > 0 ? n : 1), sizeof(*th));
	if (!th || n < 1 || allowed < 0 || denied < 0 || allowed + denied < 1 ||
	    pthread_barrier_init(&start, NULL, (unsigned)n))
		return 2;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 128 * 1024);
	for (int i = 0; i < n; i++) {
		if (pthread_create(&th[i], &attr, worker, NULL)) {
			fprintf(stderr, "pthread_create %d failed\n", i);
			return 2;
		}
	}
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	printf("pid=%d calls=%d ok=%d bad=%d\n", (int)getpid(), n * (allowed + denied),
	       atomic_load(&ok), atomic_load(&bad));
	free(th);
	return atomic_load(&bad) ? 1 : 0;
}
