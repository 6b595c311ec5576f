/* seed-demo: the parent. Parses the seed's options, makes the socket pair
 * the listener travels over, starts the target and the tracer, reaps them
 * and either kills the tracer when the target ends or (-K) waits for it. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "seed-demo.h"

static const char usage_text[] =
	"Usage: %s [options] DIR...\n"
	"The seed's seccomp user-notification experiments on the project's filter.\n"
	"A target process calls mkdir(DIR, 0700) for each DIR; a tracer process gets\n"
	"the listener over a socket pair, creates /tmp/... on the target's behalf and\n"
	"answers the real result (0 or the errno of its mkdir); other paths get EPERM.\n"
	"\n"
	"  -d SECONDS  the tracer waits SECONDS between acting and answering, checking\n"
	"              NOTIF_ID_VALID before and after: the target stays blocked, and a\n"
	"              SIGINT to it (its PID is printed) makes mkdir fail with EINTR\n"
	"  -s SIGNAL   with -d: the tracer itself sends SIGNAL (INT, KILL, ...) to the\n"
	"              target once, during its first delay\n"
	"  -r          the target's SIGINT handler uses SA_RESTART: an interrupted mkdir\n"
	"              comes back as a new notification\n"
	"  -k          install with SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: once the\n"
	"              tracer has received the call, only a fatal signal interrupts it\n"
	"  -f e|t      a second filter returns SECCOMP_RET_ERRNO(ENOTSUP) (e) or\n"
	"              SECCOMP_RET_TRACE (t) for mkdir: ERRNO wins over USER_NOTIF,\n"
	"              USER_NOTIF wins over TRACE\n"
	"  -K          don't kill the tracer when the target ends; the path " DEMO_BYE "\n"
	"              makes the tracer stop, and later mkdirs get ENOSYS\n"
	"  -h, --help  print this text\n";

const char *demo_errstr(int err, char *buf, unsigned len)
{
	const char *name = strerrorname_np(err);

	if (err == 0)
		snprintf(buf, len, "0");
	else
		snprintf(buf, len, "%s (%s)", name ? name : "?", strerror(err));
	return buf;
}

static void usage(FILE *f, const char *prog, const char *why)
{
	if (why)
		fprintf(f, "%s: %s\n", prog, why);
	fprintf(f, usage_text, prog);
}

/* "INT", "SIGINT" or a number. */
static int parse_signal(const char *s)
{
	char *end;
	long n;

	if (strncmp(s, "SIG", 3) == 0)
		s += 3;
	for (int i = 1; i < NSIG; i++) {
		const char *abbrev = sigabbrev_np(i);

		if (abbrev && strcmp(abbrev, s) == 0)
			return i;
	}
	n = strtol(s, &end, 10);
	return *s && !*end && n > 0 && n < NSIG ? (int)n : -1;
}

static int parse_delay(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	return *s && !*end && n >= 0 && n <= 3600 ? (int)n : -1;
}

/* Returns the index of the first path, or -1 after printing why. */
static int parse(int argc, char **argv, struct demo_opts *o)
{
	static const struct option longs[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "d:s:rkf:Kh", longs, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->delay = parse_delay(optarg);
			if (o->delay < 0)
				return usage(stderr, argv[0], "-d wants 0..3600 seconds"), -1;
			break;
		case 's':
			o->signal = parse_signal(optarg);
			if (o->signal < 0)
				return usage(stderr, argv[0], "-s wants a signal name or number"), -1;
			break;
		case 'r':
			o->restart = 1;
			break;
		case 'k':
			o->killable = 1;
			break;
		case 'f':
			if (strcmp(optarg, "e") == 0)
				o->second = SECCOMP_RET_ERRNO | ENOTSUP;
			else if (strcmp(optarg, "t") == 0)
				o->second = SECCOMP_RET_TRACE;
			else
				return usage(stderr, argv[0], "-f wants e or t"), -1;
			break;
		case 'K':
			o->keep_tracer = 1;
			break;
		case 'h':
			usage(stdout, argv[0], NULL);
			exit(0);
		default:
			return usage(stderr, argv[0], NULL), -1;
		}
	}
	if (o->signal && o->delay == 0)
		return usage(stderr, argv[0], "-s needs -d"), -1;
	if (optind >= argc)
		return usage(stderr, argv[0], "at least one directory is needed"), -1;
	return optind;
}

static void report(const char *who, int st)
{
	if (WIFEXITED(st))
		printf("Parent: %s has terminated (exit status %d)\n", who, WEXITSTATUS(st));
	else
		printf("Parent: %s has terminated (killed by SIG%s)\n", who,
		       sigabbrev_np(WTERMSIG(st)) ?: "?");
}

/* Reap both children in whatever order they end. Returns 1 when either
 * exited with a failure status, else 0. */
static int reap(pid_t target, pid_t tracer, const struct demo_opts *o)
{
	int st, failed = 0, tracer_alive = 1;

	for (int live = 2; live > 0;) {
		pid_t p = waitpid(-1, &st, 0);

		if (p < 0) {
			if (errno == EINTR)
				continue;
			perror("Parent: waitpid");
			return 1;
		}
		live--;
		failed |= WIFEXITED(st) && WEXITSTATUS(st) != 0;
		if (p == tracer) {
			report("tracer", st);
			tracer_alive = 0;
		} else if (p == target) {
			report("target process", st);
			if (!tracer_alive)
				continue;
			if (o->keep_tracer) {
				printf("Parent: waiting for the tracer\n");
			} else {
				printf("Parent: killing tracer\n");
				kill(tracer, SIGTERM);
			}
		}
	}
	return failed;
}

int main(int argc, char **argv)
{
	struct demo_opts o = { 0 };
	int sv[2], one = 1, first;
	pid_t target, tracer;

	setbuf(stdout, NULL);
	first = parse(argc, argv, &o);
	if (first < 0)
		return 2;
	/* SO_PASSCRED before anyone sends: the hello then carries the
	 * target's pid as the kernel saw it. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
	    setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0) {
		perror("Parent: socketpair");
		return 1;
	}
	target = fork();
	if (target == 0) {
		close(sv[1]);
		exit(demo_target(sv[0], argv + first, &o));
	}
	tracer = target < 0 ? -1 : fork();
	if (tracer == 0) {
		close(sv[0]);
		exit(demo_tracer(sv[1], &o));
	}
	if (tracer < 0) {
		perror("Parent: fork");
		return 1;
	}
	close(sv[0]);
	close(sv[1]);
	if (o.keep_tracer)
		printf("Parent: -K: the tracer is not killed when the target ends\n");
	return reap(target, tracer, &o);
}
