/* --detach: fork, the parent waits on a pipe for one byte ("listening")
 * or for EOF (the child died first: its exit status is the answer). The
 * child closes its end once it listens, so nothing of the parent's stays
 * in the daemon. */
#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "detach.h"

static int ready_fd = -1;	/* the child's end, until it listens */

static int wait_child(int fd, pid_t pid)
{
	char c;
	ssize_t n;
	int st;

	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	(void)close(fd);
	if (n == 1)
		return 0;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 1;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 1;
}

int detach_fork(int *ret_status)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int r = -errno;

		(void)close(p[0]);
		(void)close(p[1]);
		return r;
	}
	if (pid > 0) {
		(void)close(p[1]);
		*ret_status = wait_child(p[0], pid);
		return 1;
	}
	(void)close(p[0]);
	ready_fd = p[1];
	(void)setsid();	/* no terminal's SIGHUP or job control reaches it */
	return 0;
}

void detach_ready(void)
{
	if (ready_fd < 0)
		return;
	(void)!write(ready_fd, "r", 1);
	(void)close(ready_fd);
	ready_fd = -1;
}
