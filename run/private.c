/* The private tracerd: started before the hand-off (so never under the
 * program's filter), double-forked into a session of its own (no child
 * the program could wait for, no terminal signal reaches it), and ready
 * when it says "listening on" on the stderr pipe we give it. With
 * --idle-exit 0 it exits once the last supervised process is gone, which
 * may be long after notif-run: a build's daemons keep being served. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "private.h"

#define READY_MS 5000		/* the bound on the daemon's start, as autostart's */
#define MAX_ARGS (8 + 2 * RUN_ALLOW_MAX)

int private_tracerd_path(char out[PATH_MAX])
{
	const char *bin = getenv("TRACERD_BIN");
	ssize_t n;
	char *slash;

	if (bin && bin[0])
		return snprintf(out, PATH_MAX, "%s", bin) < PATH_MAX ? 0 : -ENAMETOOLONG;
	n = readlink("/proc/self/exe", out, PATH_MAX - 1);
	if (n < 0)
		return -errno;
	out[n] = 0;
	slash = strrchr(out, '/');
	if (!slash || (size_t)(slash - out) + sizeof("/tracerd") > PATH_MAX)
		return -ENAMETOOLONG;
	strcpy(slash, "/tracerd");
	return 0;
}

/* <state>/tracerd/notif-run-YYYYMMDDTHHMMSS-PID.jsonl: the run's own log. */
static int default_log(char log[PATH_MAX])
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int n;

	(void)localtime_r(&now, &tm);
	(void)strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm);
	if (xdg && xdg[0] == '/')
		n = snprintf(log, PATH_MAX, "%s/tracerd/notif-run-%s-%d.jsonl", xdg, stamp,
			     (int)getpid());
	else if (home && home[0] == '/')
		n = snprintf(log, PATH_MAX, "%s/.local/state/tracerd/notif-run-%s-%d.jsonl", home,
			     stamp, (int)getpid());
	else
		return -ENOENT;
	return n > 0 && n < PATH_MAX ? 0 : -ENAMETOOLONG;
}

/* An absolute spelling of path (the daemon runs in /). */
static int absolute(const char *path, char out[PATH_MAX])
{
	char cwd[PATH_MAX];

	if (path[0] == '/' || strcmp(path, "-") == 0)
		return snprintf(out, PATH_MAX, "%s", path) < PATH_MAX ? 0 : -ENAMETOOLONG;
	if (!getcwd(cwd, sizeof(cwd)))
		return -errno;
	return snprintf(out, PATH_MAX, "%s/%s", cwd, path) < PATH_MAX ? 0 : -ENAMETOOLONG;
}

static void fresh_name(char name[SOCKNAME_MAX + 1])
{
	unsigned r = 0;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
		r = (unsigned)time(NULL) ^ (unsigned)clock();
	snprintf(name, SOCKNAME_MAX + 1, "notif-run-%u-%d-%08x", (unsigned)geteuid(),
		 (int)getpid(), r);
}

/* In the first child: a new session, the daemon forked from it (so it is
 * no child of the program's), its fds set, exec. Never returns. */
static __attribute__((noreturn)) void spawn(const char *bin, char **args, int errfd,
					    bool log_stdout)
{
	pid_t pid;
	int null;

	if (setsid() < 0)
		_exit(1);
	pid = fork();
	if (pid != 0)
		_exit(pid < 0);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    (!log_stdout && dup2(null, STDOUT_FILENO) < 0) || dup2(errfd, STDERR_FILENO) < 0)
		_exit(1);
	(void)close_range(3, ~0U, 0);
	if (chdir("/") < 0)
		_exit(1);
	(void)unsetenv("LD_PRELOAD");
	execv(bin, args);
	dprintf(STDERR_FILENO, "cannot execute %s: %s\n", bin, strerror(errno));
	_exit(127);
}

/* Read the daemon's stderr until it says it listens (1), it ends or the
 * time is up (0, its last line in last). */
static int wait_ready(int fd, char *last, size_t cap)
{
	char buf[1024];
	size_t len = 0;
	struct timespec t0, t;
	long left = READY_MS;

	last[0] = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (left > 0) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;
		char *nl;

		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			return 0;
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			return 0;
		len += n > 0 ? (size_t)n : 0;
		buf[len] = 0;
		while ((nl = strchr(buf, '\n'))) {
			*nl = 0;
			if (strstr(buf, "listening on "))
				return 1;
			snprintf(last, cap, "%s", buf);
			len -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, len + 1);
		}
		if (len == sizeof(buf) - 1)
			len = 0;	/* a line that long is not the one */
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = READY_MS - ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
	}
	snprintf(last, cap, "not listening after %d s", READY_MS / 1000);
	return 0;
}

/* tracerd's command line for o; the strings live in the static buffers. */
static int build_args(const struct run_options *o, char *bin, char *name, char *log,
		      char **args)
{
	static char allow[RUN_ALLOW_MAX][PATH_MAX];
	unsigned n = 0;

	args[n++] = bin;
	args[n++] = (char *)"--socket";
	args[n++] = name;
	args[n++] = (char *)"--log";
	args[n++] = log;
	args[n++] = (char *)"--idle-exit";
	args[n++] = (char *)"0";
	for (unsigned i = 0; i < o->arg_nallow; i++) {
		int r = absolute(o->arg_allow[i], allow[i]);

		if (r < 0)
			return r;
		args[n++] = (char *)"--allow";
		args[n++] = allow[i];
	}
	args[n] = NULL;
	return 0;
}

static int say_failed(const char *name, const char *bin, const char *why)
{
	fprintf(stderr, "notif-run: socket @%s: cannot start a private tracerd (%s): %s\n",
		name, bin, why);
	return -1;
}

int private_start(const struct run_options *o, char name[SOCKNAME_MAX + 1], char log[PATH_MAX])
{
	char bin[PATH_MAX], why[PATH_MAX + 64];
	char *args[MAX_ARGS];
	int pipefd[2], r, st;
	pid_t pid;

	fresh_name(name);
	r = private_tracerd_path(bin);
	if (r < 0)
		return say_failed(name, "tracerd", strerror(-r));
	r = o->arg_log ? absolute(o->arg_log, log) : default_log(log);
	if (r == 0)
		r = build_args(o, bin, name, log, args);
	if (r < 0)
		return say_failed(name, bin, r == -ENOENT ? "no log path (set --log, "
				  "XDG_STATE_HOME or HOME)" : strerror(-r));
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return say_failed(name, bin, strerror(errno));
	pid = fork();
	if (pid == 0) {
		(void)close(pipefd[0]);
		spawn(bin, args, pipefd[1], strcmp(log, "-") == 0);
	}
	(void)close(pipefd[1]);
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		(void)close(pipefd[0]);
		return say_failed(name, bin, "cannot fork it");
	}
	r = wait_ready(pipefd[0], why, sizeof(why));
	(void)close(pipefd[0]);
	return r ? 0 : say_failed(name, bin, why[0] ? why : "it exited");
}
