/* mklat N DIR OUT: N mkdir calls of DIR/PID-J one after the other, each
 * timed (CLOCK_MONOTONIC); the latencies in ns go to OUT, one a line.
 * Exits 0 when every call returned 0, else 1 (naming the first failure).
 * For t-status.sh: the calls' latency with and without status requests. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	char path[4096];
	FILE *out;
	int n, bad = 0;

	if (argc != 4 || (n = atoi(argv[1])) <= 0) {
		fprintf(stderr, "usage: mklat N DIR OUT\n");
		return 2;
	}
	out = fopen(argv[3], "w");
	if (!out)
		return perror(argv[3]), 2;
	for (int i = 0; i < n; i++) {
		long long t0;
		int r;

		snprintf(path, sizeof(path), "%s/%d-%d", argv[2], (int)getpid(), i);
		t0 = now_ns();
		r = mkdir(path, 0755);
		fprintf(out, "%lld\n", now_ns() - t0);
		if (r < 0 && !bad++)
			fprintf(stderr, "mklat: mkdir %s: %s\n", path, strerror(errno));
	}
	return fclose(out) == 0 && !bad ? 0 : 1;
}
