/* zombies N DIR: fork N children that each mkdir(DIR/zI) and exit; never
 * reap them. Prints "forked N" and then waits for EOF on stdin, so a test
 * can look at tracerd while the zombies exist. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char path[4096], buf[64];
	int n;

	if (argc != 3) {
		fprintf(stderr, "usage: zombies N DIR\n");
		return 2;
	}
	n = atoi(argv[1]);
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return 2;
		if (pid == 0) {
			snprintf(path, sizeof(path), "%s/z%d", argv[2], i);
			_exit(mkdir(path, 0755) == 0 ? 0 : 1);
		}
	}
	printf("forked %d\n", n);
	fflush(stdout);
	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0;
}
