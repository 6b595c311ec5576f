/* Waiting in the same process group as the program, as time(1) and
 * timeout --foreground do: a signal from the terminal reaches both, only
 * the program acts on it, and notif-run ends the way the program ended. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wait.h"

static volatile pid_t child_pid;

static void pass_on(int sig)
{
	if (child_pid > 0)
		(void)kill(child_pid, sig);
}

static const int ignored[] = { SIGINT, SIGQUIT };
static const int passed[] = { SIGTERM, SIGHUP };

void wait_prepare(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
		(void)sigaction(ignored[i], &sa, NULL);
	sa.sa_handler = pass_on;
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < sizeof(passed) / sizeof(passed[0]); i++)
		(void)sigaction(passed[i], &sa, NULL);
}

void wait_child_reset(void)
{
	for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
		(void)signal(ignored[i], SIG_DFL);
	for (size_t i = 0; i < sizeof(passed) / sizeof(passed[0]); i++)
		(void)signal(passed[i], SIG_DFL);
}

int wait_for(pid_t child)
{
	int status;

	child_pid = child;
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	child_pid = 0;
	return status;
}

int wait_exit_status(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

void wait_end_like(int status)
{
	struct rlimit none = { 0, 0 };
	sigset_t one;
	int sig;

	if (!WIFSIGNALED(status))
		exit(WEXITSTATUS(status));
	sig = WTERMSIG(status);
	(void)setrlimit(RLIMIT_CORE, &none);	/* the program dumped its own */
	(void)signal(sig, SIG_DFL);
	sigemptyset(&one);
	sigaddset(&one, sig);
	(void)sigprocmask(SIG_UNBLOCK, &one, NULL);
	(void)fflush(NULL);
	(void)raise(sig);
	exit(128 + sig);	/* a signal that does not end a process by default */
}
