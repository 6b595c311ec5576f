/* sig [restart] PATH: install a SIGUSR1 handler (with SA_RESTART when
 * asked), print our pid, call mkdir(PATH, 0755) and print its result and
 * how many signals the handler saw: "RESULT handled=N". A test signals us
 * while tracerd delays the answer (TRACERD_TEST_DELAY_MS). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	const char *path = argv[argc - 1];
	long r;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: sig [restart] PATH\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = argc == 3 && strcmp(argv[1], "restart") == 0 ? SA_RESTART : 0;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) < 0)
		return 2;
	printf("%d\n", getpid());
	fflush(stdout);
	r = syscall(SYS_mkdir, path, 0755);
	printf("%s handled=%d\n", r == 0 ? "0" : strerrorname_np(errno), (int)handled);
	return 0;
}
