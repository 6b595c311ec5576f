/* idlers LIB N [DIR]: fork N children, one at a time; each loads LIB with
 * dlopen (its constructor does the handshake with tracerd, as under
 * LD_PRELOAD, and exits 126 when refused), makes one mkdir(DIR/iPID) when
 * DIR is given, then stays idle and supervised until this program ends.
 *
 * Prints "attached=A refused=R mkdir_failed=M" once every child is settled
 * (a refused child is reaped; the first refusal's exit status is printed as
 * "first_refusal_status=S"), then waits for EOF on stdin, lets the idle
 * children go and reaps them. Exit status 0. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int hold[2];	/* the children block reading hold[0] until EOF */

/* The child: load the library, report one byte on st ('k': attached and
 * mkdir fine, 'm': attached, mkdir failed), idle until hold's EOF. */
static void child(int st, const char *lib, const char *dir)
{
	char path[4096], c = 'k', buf[1];

	close(hold[1]);
	if (!dlopen(lib, RTLD_NOW)) {
		fprintf(stderr, "idlers: dlopen: %s\n", dlerror());
		_exit(3);
	}
	if (dir) {
		snprintf(path, sizeof(path), "%s/i%d", dir, (int)getpid());
		if (mkdir(path, 0755) < 0)
			c = 'm';
	}
	if (write(st, &c, 1) != 1)
		_exit(4);
	close(st);
	while (read(hold[0], buf, sizeof(buf)) > 0)
		;
	_exit(0);
}

/* Start one child; returns its report byte, or 'r' when it exited before
 * reporting (refused), with its wait status in *status. */
static char start_one(const char *lib, const char *dir, int *status)
{
	int st[2];
	char c = 0;
	pid_t pid;

	if (pipe2(st, O_CLOEXEC) < 0)
		return 'e';
	pid = fork();
	if (pid < 0) {
		close(st[0]);
		close(st[1]);
		return 'e';
	}
	if (pid == 0) {
		close(st[0]);
		child(st[1], lib, dir);
	}
	close(st[1]);
	if (read(st[0], &c, 1) != 1) {
		c = 'r';
		(void)waitpid(pid, status, 0);
	}
	close(st[0]);
	return c;
}

int main(int argc, char **argv)
{
	int n, attached = 0, refused = 0, failed = 0, first = -1, status = 0;
	const char *dir = argc > 3 ? argv[3] : NULL;
	char buf[64];

	if (argc < 3 || argc > 4 || (n = atoi(argv[2])) < 0) {
		fprintf(stderr, "usage: idlers LIB N [DIR]\n");
		return 2;
	}
	if (pipe2(hold, O_CLOEXEC) < 0)
		return 2;
	for (int i = 0; i < n; i++) {
		char c = start_one(argv[1], dir, &status);

		if (c == 'e') {
			fprintf(stderr, "idlers: cannot start child %d: %m\n", i);
			return 2;
		}
		attached += c == 'k' || c == 'm';
		failed += c == 'm';
		if (c == 'r' && refused++ == 0)
			first = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	printf("attached=%d refused=%d mkdir_failed=%d", attached, refused, failed);
	if (refused)
		printf(" first_refusal_status=%d", first);
	printf("\n");
	fflush(stdout);
	while (read(0, buf, sizeof(buf)) > 0)
		;
	close(hold[1]);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}
