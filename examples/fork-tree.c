/* fork-tree: a process tree that forks and execs. Each process makes one
 * directory DIR/d<depth>-<pid>, then (below MAXDEPTH) forks WIDTH children
 * that exec this program again one level deeper; the root also forks a child
 * that execs coreutils' mkdir. Under libnotif.so the root's listener covers
 * every process of the tree: the children inherit the filter through fork
 * and exec, and their own constructor sees it (the probe) and stays quiet.
 *
 * Usage: fork-tree DIR MAXDEPTH WIDTH [DEPTH]
 * Prints one line per process: "fork-tree: pid P ppid Q depth D: mkdir ..." */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int number(const char *s, int max)
{
	char *end;
	long n = strtol(s, &end, 10);

	return *s && !*end && n >= 0 && n <= max ? (int)n : -1;
}

static pid_t spawn(char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		execv(argv[0], argv);
		fprintf(stderr, "fork-tree: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

/* Children one level deeper (this binary again, through /proc/self/exe). */
static int fork_children(char *dir, char *maxdepth, int depth, int width)
{
	char self[4096], next[16], w[16];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int started = 0;

	if (n < 0) {
		perror("fork-tree: /proc/self/exe");
		return 0;
	}
	self[n] = '\0';
	snprintf(next, sizeof(next), "%d", depth + 1);
	snprintf(w, sizeof(w), "%d", width);
	for (int i = 0; i < width; i++) {
		char *argv[] = { self, dir, maxdepth, w, next, NULL };

		if (spawn(argv) > 0)
			started++;
	}
	return started;
}

/* The root's extra child: another program entirely. */
static int fork_coreutils(const char *dir)
{
	char path[4096];
	char *argv[] = { "/bin/mkdir", path, NULL };
	pid_t pid;

	snprintf(path, sizeof(path), "%s/coreutils-mkdir", dir);
	pid = spawn(argv);
	if (pid < 0)
		return 0;
	printf("fork-tree: pid %ld ppid %ld: exec /bin/mkdir \"%s\"\n", (long)pid,
	       (long)getpid(), path);
	return 1;
}

static int wait_all(int children)
{
	int st, failed = 0;

	while (children > 0) {
		if (wait(&st) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		children--;
		failed |= !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	}
	return failed;
}

int main(int argc, char **argv)
{
	int maxdepth, width, depth = 0, children = 0, r;
	char path[4096];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: fork-tree DIR MAXDEPTH WIDTH [DEPTH]\n");
		return 2;
	}
	maxdepth = number(argv[2], 8);
	width = number(argv[3], 8);
	if (argc == 5)
		depth = number(argv[4], 8);
	if (maxdepth < 0 || width < 0 || depth < 0) {
		fprintf(stderr, "fork-tree: MAXDEPTH, WIDTH and DEPTH are 0..8\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/d%d-%ld", argv[1], depth, (long)getpid());
	r = mkdir(path, 0755) < 0 ? errno : 0;
	printf("fork-tree: pid %ld ppid %ld depth %d: mkdir(\"%s\") = %s\n", (long)getpid(),
	       (long)getppid(), depth, path, r ? strerrorname_np(r) : "0");
	fflush(stdout);
	if (depth < maxdepth)
		children += fork_children(argv[1], argv[2], depth, width);
	if (depth == 0)
		children += fork_coreutils(argv[1]);
	return wait_all(children) || r ? 1 : 0;
}
