/* notif-run [OPTIONS] [--] PROGRAM [ARG]...: the library's hand-off done
 * before exec, so PROGRAM and everything below it is supervised from its
 * first instruction (static binaries, DT_PREINIT_ARRAY, IFUNC resolvers),
 * with no LD_PRELOAD and no preload cost per exec. The order: find the
 * program (127, 126), a private tracerd when asked, the hand-off (126, or
 * a warning with --on-error open), exec. With --summary or --private a
 * parent stays to wait, count and end as the program ended. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/sockname.h"
#include "../shim/filter.h"
#include "../shim/handoff.h"
#include "attach.h"
#include "find.h"
#include "options.h"
#include "private.h"
#include "summary.h"
#include "wait.h"

struct run {
	struct run_options o;
	char path[PATH_MAX];		/* the program, found */
	char name[SOCKNAME_MAX + 1];	/* the socket */
	char log[PATH_MAX];		/* the private tracerd's log, or "" */
	int lfd;			/* the private tracerd's socket, or -1 */
};

#define CONNECT_MS 5000	/* the bound on the program's connect to a private socket */

/* Hand over, then exec; in the process that becomes the program. Never
 * returns; info (when not NULL) gets the outcome before the exec. */
static __attribute__((noreturn)) void attach_and_exec(const struct run *r, int infofd)
{
	struct attach_info info;
	int status, err;

	info.result = attach_self(r->name, !r->o.arg_private, r->o.arg_on_error_open, &info);
	if (infofd >= 0) {
		(void)!write(infofd, &info, sizeof(info));
		(void)close(infofd);
	}
	if (info.result == ATTACH_FAILED)
		_exit(RUN_EXIT_NOEXEC);
	status = find_exec(r->path, r->o.argv);
	err = errno;
	fprintf(stderr, "notif-run: %s: %s\n", r->o.argv[0], strerror(err));
	_exit(status);
}

/* The block of --summary, from the log this run's tracerd writes. */
static void summarize(const struct run *r, const struct attach_info *info, pid_t child)
{
	struct summary *s;
	char log[PATH_MAX];
	int e;

	if (info->result != ATTACH_OK) {
		fputs("notif-run: summary: the program was not supervised by this run's "
		      "tracerd: nothing to count\n", stderr);
		return;
	}
	if (r->log[0])
		snprintf(log, sizeof(log), "%s", r->log);
	else if (summary_find_log(info->server_pid, log) < 0) {
		fputs("notif-run: summary: cannot tell where tracerd writes its log\n", stderr);
		return;
	}
	if (strcmp(log, "-") == 0 || info->id == 0) {
		fprintf(stderr, "notif-run: summary: %s\n", info->id ? "the log is tracerd's "
			"stdout: nothing to count" : "tracerd does not speak protocol 2 (no "
			"attach id): nothing to count");
		return;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return;
	s->id = info->id;
	s->pid = child;
	e = summary_read(log, s);
	if (e < 0)
		fprintf(stderr, "notif-run: summary: cannot read %s: %s\n", log, strerror(-e));
	else
		summary_print(stderr, s, log);
	free(s);
}

/* Once the program's hand-off waits on the private socket (or it failed
 * before: its report is there), start tracerd on it. 0, or -1 with the
 * program killed before its exec (the line printed). */
static int start_private(struct run *r, int infofd, pid_t child)
{
	struct pollfd p[2] = { { .fd = r->lfd, .events = POLLIN },
			       { .fd = infofd, .events = POLLIN } };
	int n = poll(p, 2, CONNECT_MS), ok = 0;

	if (n > 0 && (p[0].revents & POLLIN))
		ok = private_spawn(&r->o, r->lfd, r->name, r->log) == 0;
	else if (n > 0)
		ok = 1;	/* the child reports without having connected */
	(void)close(r->lfd);
	if (ok)
		return 0;
	if (n == 0)
		fputs("notif-run: the program did not connect within 5 s\n", stderr);
	(void)kill(child, SIGKILL);
	(void)waitpid(child, NULL, 0);
	return -1;
}

/* --summary, --private: the child hands over and execs, we wait. */
static int fork_and_wait(struct run *r)
{
	struct attach_info info = { .result = ATTACH_FAILED };
	int fds[2], status;
	pid_t child;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return perror("notif-run: pipe"), RUN_EXIT_USAGE;
	(void)fflush(NULL);
	wait_prepare();
	child = fork();
	if (child < 0)
		return perror("notif-run: fork"), RUN_EXIT_USAGE;
	if (child == 0) {
		wait_child_reset();
		(void)close(fds[0]);
		if (r->lfd >= 0)
			(void)close(r->lfd);
		attach_and_exec(r, fds[1]);
	}
	(void)close(fds[1]);
	if (r->lfd >= 0 && start_private(r, fds[0], child) < 0)
		return RUN_EXIT_NOEXEC;
	if (read(fds[0], &info, sizeof(info)) != (ssize_t)sizeof(info))
		info.result = ATTACH_FAILED;
	(void)close(fds[0]);
	status = wait_for(child);
	if (status < 0)
		return perror("notif-run: waitpid"), RUN_EXIT_USAGE;
	if (r->o.arg_summary)
		summarize(r, &info, child);
	wait_end_like(status);
}

/* Not under two supervisors: a private tracerd cannot take the calls of a
 * process an ancestor's filter already sends elsewhere. 0 to go on
 * (supervised by the ancestor's, --on-error open), or the exit status. */
static int covered_already(const struct run *r)
{
	struct handoff_err e = { .what = "already supervised (an ancestor's filter): "
					 "--private, --allow and --log cannot apply" };

	handoff_say("notif-run", "?", &e, r->o.arg_on_error_open,
		    r->o.arg_on_error_open ? "; running the program under it" : NULL);
	return r->o.arg_on_error_open ? 0 : RUN_EXIT_NOEXEC;
}

/* The socket: a private tracerd's, or --socket, $TRACERD_SOCKET,
 * tracerd-<euid>. 0 to go on, or the exit status. */
static int pick_socket(struct run *r, bool *unsupervised)
{
	const char *v = r->o.arg_socket ? r->o.arg_socket : getenv("TRACERD_SOCKET");

	*unsupervised = false;
	r->lfd = -1;
	if (r->o.arg_private) {
		if (filter_covered())
			return covered_already(r);
		r->lfd = private_listen(&r->o, r->name, r->log);
		if (r->lfd >= 0)
			return 0;
		if (!r->o.arg_on_error_open)
			return RUN_EXIT_NOEXEC;
		fputs("notif-run: warning: running the program unsupervised\n", stderr);
		*unsupervised = true;
		return 0;
	}
	if (sockname_get(v, geteuid(), r->name) < 0) {
		fprintf(stderr, "notif-run: %s must be 1-107 bytes\n",
			r->o.arg_socket ? "--socket" : "TRACERD_SOCKET");
		return r->o.arg_socket ? RUN_EXIT_USAGE : RUN_EXIT_NOEXEC;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct run r;
	char err[256];
	bool unsupervised;
	int e;

	e = options_parse(argc, argv, &r.o, err, sizeof(err));
	if (e != 0) {
		if (e > 0)
			return fflush(stdout) == 0 ? 0 : RUN_EXIT_USAGE;
		fprintf(stderr, "notif-run: %s\nTry 'notif-run --help'.\n", err);
		return RUN_EXIT_USAGE;
	}
	e = find_program(r.o.argv[0], r.path);
	if (e < 0) {
		fprintf(stderr, "notif-run: %s: %s\n", r.o.argv[0], strerror(-e));
		return e == -ENOENT ? RUN_EXIT_NOTFOUND : RUN_EXIT_NOEXEC;
	}
	e = pick_socket(&r, &unsupervised);
	if (e != 0)
		return e;
	if (unsupervised || (r.o.arg_private && filter_covered())) {
		e = find_exec(r.path, r.o.argv);
		fprintf(stderr, "notif-run: %s: %s\n", r.o.argv[0], strerror(errno));
		return e;
	}
	if (r.o.arg_summary || r.o.arg_private)
		return fork_and_wait(&r);
	attach_and_exec(&r, -1);
}
