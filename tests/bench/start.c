/* bench-start: the cost of starting a program. A fork + execve + waitpid
 * loop over CMD, with LD_PRELOAD=LIB in the child's environment when -P is
 * given (bench-start itself stays unsupervised). Prints "start NS N", NS the
 * median over BLOCKS blocks of the per-start time. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

extern char **environ;

/* environ with LD_PRELOAD replaced by (or added as) LD_PRELOAD=lib. */
static char **make_env(const char *lib)
{
	size_t n = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 2, sizeof(*env));
	if (!env || asprintf(&env[k++], "LD_PRELOAD=%s", lib) < 0)
		exit(1);
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "LD_PRELOAD=", 11))
			env[k++] = environ[i];
	return env;
}

static void one(char **argv, char **env)
{
	pid_t pid = fork();
	int st;

	if (pid < 0) {
		perror("bench-start: fork");
		exit(1);
	}
	if (pid == 0) {
		execve(argv[0], argv, env);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "bench-start: %s failed (status 0x%x)\n", argv[0], st);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	unsigned long n = 500;
	char **env = environ;
	double v[BLOCKS];
	unsigned long per;
	uint64_t t0;
	int c;

	while ((c = getopt(argc, argv, "+n:P:h")) != -1) {
		if (c == 'n')
			n = strtoul(optarg, NULL, 10);
		else if (c == 'P')
			env = make_env(optarg);
		else {
			fprintf(c == 'h' ? stdout : stderr,
				"usage: bench-start [-n N] [-P LIB] /path/to/cmd [ARG...]\n");
			return c == 'h' ? 0 : 2;
		}
	}
	if (optind >= argc || !n)
		return 2;
	for (unsigned long i = 0; i < n / 10 + 1; i++)
		one(argv + optind, env);
	per = n / BLOCKS + 1;
	for (unsigned b = 0; b < BLOCKS; b++) {
		t0 = now_ns();
		for (unsigned long i = 0; i < per; i++)
			one(argv + optind, env);
		v[b] = (double)(now_ns() - t0) / (double)per;
	}
	printf("start %.1f %lu\n", bench_median(v, BLOCKS), per * BLOCKS);
	return 0;
}
