/* The private tracerd, socket-activated: notif-run binds and listens on
 * a fresh name, the program's hand-off connects (and waits in the
 * backlog), and only then is tracerd started with the socket passed
 * (LISTEN_FDS): --idle-exit 0 stops a tracerd at once when nothing is
 * attached and no connection waits, so the program's must wait first.
 * tracerd is double-forked into a session of its own (no child the
 * program could wait for, no terminal signal reaches it) and never under
 * the program's filter. It exits once the last supervised process is
 * gone, which may be long after notif-run: a build's daemons keep being
 * served. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../tracerd/statepath.h"
#include "private.h"

#define READY_MS 5000		/* the bound on the daemon's start, as autostart's */
#define MAX_ARGS (8 + 2 * RUN_ALLOW_MAX)
/* --idle-exit 0: exit as the last supervised process goes (tracerd
 * counts a program on its way in, from its socket's queue to its attach,
 * so it never stops under a hand-off). */
#define IDLE_EXIT "0"

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
	char stamp[32], name[64];
	time_t now = time(NULL);
	struct tm tm;

	(void)localtime_r(&now, &tm);
	(void)strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm);
	snprintf(name, sizeof(name), "notif-run-%s-%d.jsonl", stamp, (int)getpid());
	return state_path(log, PATH_MAX, name);
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
 * no child of the program's), the socket as fd 3, exec. Never returns. */
static __attribute__((noreturn)) void spawn(const char *bin, char **args, int lfd, int errfd,
					    bool log_stdout)
{
	char pid[16];
	pid_t p;
	int null;

	if (setsid() < 0)
		_exit(1);
	p = fork();
	if (p != 0)
		_exit(p < 0);
	/* above every fd we set, so no dup2 below overwrites them */
	lfd = fcntl(lfd, F_DUPFD, 10);
	errfd = fcntl(errfd, F_DUPFD, 10);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (lfd < 0 || errfd < 0 || null < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    (!log_stdout && dup2(null, STDOUT_FILENO) < 0) || dup2(errfd, STDERR_FILENO) < 0 ||
	    dup2(lfd, 3) < 0)
		_exit(1);
	(void)close_range(4, ~0U, 0);
	if (chdir("/") < 0)
		_exit(1);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	if (setenv("LISTEN_PID", pid, 1) < 0 || setenv("LISTEN_FDS", "1", 1) < 0)
		_exit(1);
	/* not the caller's service manager's, nor its library */
	(void)unsetenv("LISTEN_FDNAMES");
	(void)unsetenv("NOTIFY_SOCKET");
	(void)unsetenv("WATCHDOG_USEC");
	(void)unsetenv("WATCHDOG_PID");
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
			if (strstr(buf, "serving on ") || strstr(buf, "listening on "))
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
	snprintf(last, cap, "not serving after %d s", READY_MS / 1000);
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
	args[n++] = (char *)IDLE_EXIT;
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

int private_listen(const struct run_options *o, char name[SOCKNAME_MAX + 1],
		   char log[PATH_MAX])
{
	struct sockaddr_un addr;
	int fd, r = -EADDRINUSE;

	r = o->arg_log ? absolute(o->arg_log, log) : default_log(log);
	if (r < 0) {
		fresh_name(name);
		return say_failed(name, "tracerd", r == -ENOENT ? "no log path (set --log, "
				  "XDG_STATE_HOME or HOME)" : strerror(-r));
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	for (int tries = 0; fd >= 0 && tries < 8; tries++) {
		fresh_name(name);
		r = bind(fd, (struct sockaddr *)&addr, sockname_addr(name, &addr)) < 0 ? -errno : 0;
		if (r != -EADDRINUSE)
			break;
	}
	if (fd < 0 || r < 0 || listen(fd, SOMAXCONN) < 0) {
		r = fd < 0 || r == 0 ? errno : -r;
		if (fd >= 0)
			(void)close(fd);
		return say_failed(name, "tracerd", strerror(r));
	}
	return fd;
}

int private_spawn(const struct run_options *o, int lfd, char name[SOCKNAME_MAX + 1],
		  char log[PATH_MAX])
{
	char bin[PATH_MAX], why[PATH_MAX + 64];
	char *args[MAX_ARGS];
	int pipefd[2], r, st;
	pid_t pid;

	r = private_tracerd_path(bin);
	if (r < 0)
		return say_failed(name, "tracerd", strerror(-r));
	r = build_args(o, bin, name, log, args);
	if (r < 0)
		return say_failed(name, bin, strerror(-r));
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return say_failed(name, bin, strerror(errno));
	pid = fork();
	if (pid == 0) {
		(void)close(pipefd[0]);
		spawn(bin, args, lfd, pipefd[1], strcmp(log, "-") == 0);
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
