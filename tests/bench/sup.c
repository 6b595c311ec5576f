/* bench-sup: start N copies of a command and, with -s floor|seed|facts|world,
 * supervise their mkdir calls itself (serve.c, facts.c); with -s none (the
 * product: add -P build/libnotif.so) it only launches and waits. One
 * thread, one epoll set: the listeners, a pidfd per child, the ready pipe
 * of the barrier; with one child, poll(2) on those fds instead (run_one).
 *
 * -b: a start barrier. Each child gets the read end of a "go" pipe as fd 3
 *     and the write end of a "ready" pipe as fd 4 (bench-loop -r 3 -w 4);
 *     when N bytes came, -M PID is measured and "go" is closed.
 * -o FMT: merge the tp result files (%i = child index) and print
 *     "tp N CALLS_PER_S P50_NS P99_NS ERRORS".
 * "%i" in the command's arguments is the child index too. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../common/wire.h"
#include "bench.h"
#include "serve.h"

enum tag { IT_LISTENER, IT_PIDFD, IT_READY };

struct item {
	enum tag tag;
	int fd;
	pid_t pid;
};

struct sup {
	struct serve srv;
	unsigned n, alive, ready;
	const char *preload, *outfmt, *log, *prefix;
	int barrier, measure, failed;
	char **cmd;
	int ep, go_r, go_w, ready_r, ready_w;
	struct item *items;
};

static void watch(struct sup *s, struct item *it)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = it };

	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, it->fd, &ev) < 0) {
		perror("bench-sup: epoll_ctl");
		exit(1);
	}
}

static void drop(struct sup *s, struct item *it)
{
	(void)epoll_ctl(s->ep, EPOLL_CTL_DEL, it->fd, NULL);
	close(it->fd);
	it->fd = -1;
}

/* In the child: the barrier fds in place, the filter and its listener
 * handed over (floor, seed) or the library named (product), then exec. */
static void child(struct sup *s, unsigned i, int sock)
{
	unsigned argc = 0;
	char **argv;
	int r;

	while (s->cmd[argc])
		argc++;
	argv = calloc(argc + 1, sizeof(*argv));
	for (unsigned a = 0; argv && a < argc; a++)
		argv[a] = bench_subst(s->cmd[a], i);
	if (s->barrier && (dup2(s->go_r, 3) < 0 || dup2(s->ready_w, 4) < 0))
		_exit(127);
	if (s->preload && setenv("LD_PRELOAD", s->preload, 1) < 0)
		_exit(127);
	if (sock >= 0) {
		r = serve_attach(sock);
		if (r < 0) {
			fprintf(stderr, "bench-sup: filter: %s\n", strerror(-r));
			_exit(127);
		}
	}
	if (argv)
		execvp(argv[0], argv);
	perror("bench-sup: exec");
	_exit(127);
}

static void take_listener(struct sup *s, unsigned i, int sock)
{
	struct wire_recv wr;
	char c;
	int r = wire_recv(sock, &c, 1, 0, &wr);

	if (r < 0 || wr.fd < 0) {
		fprintf(stderr, "bench-sup: child %u sent no listener\n", i);
		s->failed = 1;
		return;
	}
	r = serve_listener(&s->srv, wr.fd);
	if (r < 0) {
		fprintf(stderr, "bench-sup: SYNC_WAKE_UP: %s\n", strerror(-r));
		exit(1);
	}
	s->items[s->n + 1 + i] = (struct item){ .tag = IT_LISTENER, .fd = wr.fd };
	watch(s, &s->items[s->n + 1 + i]);
}

static void spawn(struct sup *s, unsigned i)
{
	int sv[2] = { -1, -1 };
	pid_t pid;
	int pfd;

	if (s->srv.kind != SERVE_NONE &&
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		perror("bench-sup: socketpair");
		exit(1);
	}
	pid = fork();
	if (pid < 0) {
		perror("bench-sup: fork");
		exit(1);
	}
	if (pid == 0)
		child(s, i, sv[1]);
	pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd < 0) {
		perror("bench-sup: pidfd_open");
		exit(1);
	}
	s->items[i] = (struct item){ .tag = IT_PIDFD, .fd = pfd, .pid = pid };
	watch(s, &s->items[i]);
	s->alive++;
	if (sv[0] >= 0) {
		close(sv[1]);
		take_listener(s, i, sv[0]);
		close(sv[0]);
	}
}

static void measure(struct sup *s, const char *what)
{
	if (s->measure > 0)
		printf("%s %u rss_kib %ld fds %ld\n", what, s->ready, bench_rss_kib(s->measure),
		       bench_fd_count(s->measure));
	fflush(stdout);
}

static void release(struct sup *s)
{
	if (s->go_w < 0)
		return;
	measure(s, "attached");
	close(s->go_w);
	s->go_w = -1;
}

static void reap(struct sup *s, struct item *it)
{
	int st = 0;

	if (waitpid(it->pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "bench-sup: child %d failed (status 0x%x)\n", (int)it->pid, st);
		s->failed = 1;
		release(s);	/* the others must not wait for it */
	}
	drop(s, it);
	s->alive--;
}

static void dispatch(struct sup *s, struct item *it, uint32_t events)
{
	char buf[4096];
	ssize_t n;
	int r;

	switch (it->tag) {
	case IT_LISTENER:
		if (events & EPOLLIN) {
			r = serve_one(&s->srv, it->fd);
			if (r < 0) {
				fprintf(stderr, "bench-sup: serve: %s\n", strerror(-r));
				serve_forget(&s->srv, it->fd);
				drop(s, it);
			}
		} else {
			serve_forget(&s->srv, it->fd);
			drop(s, it);	/* EPOLLHUP: every user is gone */
		}
		break;
	case IT_PIDFD:
		reap(s, it);
		break;
	case IT_READY:
		n = read(it->fd, buf, sizeof(buf));
		if (n <= 0) {
			drop(s, it);
			break;
		}
		s->ready += (unsigned)n;
		if (s->ready >= s->n)
			release(s);
		break;
	}
}

/* One program: wait with poll(2) on its fds, as tracerd's parked thread
 * does. SYNC_WAKE_UP wakes a thread in poll or RECV on the target's CPU;
 * a wake-up through epoll_wait loses that (measured: 7-8 us a call
 * against 17-22 us), and the floor must be the best a supervisor can do. */
static void run_one(struct sup *s)
{
	unsigned cap = 2 * s->n + 1;

	while (s->alive) {
		struct pollfd p[3];
		struct item *its[3];
		unsigned k = 0;
		int n;

		for (unsigned i = 0; i < cap && k < 3; i++) {
			if (s->items[i].fd < 0)
				continue;
			p[k] = (struct pollfd){ .fd = s->items[i].fd, .events = POLLIN };
			its[k++] = &s->items[i];
		}
		n = poll(p, k, -1);
		if (n < 0 && errno != EINTR) {
			perror("bench-sup: poll");
			exit(1);
		}
		for (unsigned j = 0; n > 0 && j < k; j++)
			if (p[j].revents && its[j]->fd >= 0)
				dispatch(s, its[j], (p[j].revents & POLLIN ? EPOLLIN : 0) |
						     (p[j].revents & (POLLHUP | POLLERR) ?
							      EPOLLHUP : 0));
	}
}

static void run(struct sup *s)
{
	struct epoll_event ev[64];

	if (s->n == 1)
		return run_one(s);
	while (s->alive) {
		int n = epoll_wait(s->ep, ev, 64, -1);

		if (n < 0 && errno != EINTR) {
			perror("bench-sup: epoll_wait");
			exit(1);
		}
		for (int i = 0; i < n; i++)
			if (((struct item *)ev[i].data.ptr)->fd >= 0)
				dispatch(s, ev[i].data.ptr, ev[i].events);
	}
}

/* The barrier's pipes, kept above fd 10 so that the dup2 onto 3 and 4 in
 * the children cannot overwrite one with the other. */
static void pipes(struct sup *s)
{
	int go[2], rd[2];

	if (pipe(go) < 0 || pipe(rd) < 0) {
		perror("bench-sup: pipe");
		exit(1);
	}
	s->go_r = fcntl(go[0], F_DUPFD_CLOEXEC, 10);
	s->go_w = fcntl(go[1], F_DUPFD_CLOEXEC, 10);
	s->ready_r = fcntl(rd[0], F_DUPFD_CLOEXEC, 10);
	s->ready_w = fcntl(rd[1], F_DUPFD_CLOEXEC, 10);
	close(go[0]);
	close(go[1]);
	close(rd[0]);
	close(rd[1]);
}

static void merge(const struct sup *s)
{
	static struct tp_result r, sum;
	double rate = 0;

	for (unsigned i = 0; i < s->n; i++) {
		char *path = bench_subst(s->outfmt, i);
		FILE *f = path ? fopen(path, "re") : NULL;

		if (!f || fread(&r, sizeof(r), 1, f) != 1 || !r.elapsed_ns) {
			fprintf(stderr, "bench-sup: no result in %s\n", path ? path : "?");
			exit(1);
		}
		fclose(f);
		free(path);
		sum.calls += r.calls;
		sum.errors += r.errors;
		rate += (double)r.calls * 1e9 / (double)r.elapsed_ns;
		for (unsigned b = 0; b < HIST_BUCKETS; b++)
			sum.hist[b] += r.hist[b];
	}
	printf("tp %u %.0f %.0f %.0f %llu\n", s->n, rate, hist_quantile(sum.hist, 0.50),
	       hist_quantile(sum.hist, 0.99), (unsigned long long)sum.errors);
}

static void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: bench-sup [-s none|floor|seed|facts|world] [-N N] [-l LOG] [-A DIR] [-P LIB] [-b]\n"
		"                 [-M PID|self] [-o FMT] -- CMD [ARG...]\n");
	exit(code);
}

static void parse(int argc, char **argv, struct sup *s)
{
	const char *kind = "none";
	int c;

	while ((c = getopt(argc, argv, "+s:N:l:A:P:bM:o:h")) != -1) {
		switch (c) {
		case 's':
			kind = optarg;
			break;
		case 'N':
			s->n = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'l':
			s->log = optarg;
			break;
		case 'A':
			s->prefix = optarg;
			break;
		case 'P':
			s->preload = optarg;
			break;
		case 'b':
			s->barrier = 1;
			break;
		case 'M':
			s->measure = strcmp(optarg, "self") ? atoi(optarg) : (int)getpid();
			break;
		case 'o':
			s->outfmt = optarg;
			break;
		case 'h':
			usage(0);
			break;
		default:
			usage(2);
		}
	}
	s->srv.kind = !strcmp(kind, "floor") ? SERVE_FLOOR :
		      !strcmp(kind, "seed") ? SERVE_SEED :
		      !strcmp(kind, "facts") ? SERVE_FACTS :
		      !strcmp(kind, "world") ? SERVE_WORLD : SERVE_NONE;
	if (optind >= argc || !s->n || (s->srv.kind == SERVE_NONE && strcmp(kind, "none")) ||
	    (s->srv.kind != SERVE_NONE && (!s->log || !s->prefix)))
		usage(2);
	s->cmd = argv + optind;
}

/* What serve_init failed at, told by what it left: opening the log is its
 * last step (logfd -1 then; its memset left 0), before it the world floor's
 * own root and user namespace (facts_init), after the notification sizes
 * and the buffers. */
static const char *setup_step(const struct serve *srv, const char *log)
{
	if (srv->logfd < 0)
		return log;
	if (!srv->req || !srv->resp)
		return "seccomp notification sizes and buffers";
	return "-s world: our own root or user namespace (statx of /, readlink of "
	       "/proc/self/ns/user)";
}

int main(int argc, char **argv)
{
	struct sup s = { .n = 1, .go_r = -1, .go_w = -1, .ready_r = -1, .ready_w = -1 };
	int r;

	parse(argc, argv, &s);
	if (s.srv.kind != SERVE_NONE) {
		r = serve_init(&s.srv, s.srv.kind, s.log, s.prefix);
		if (r < 0) {
			fprintf(stderr, "bench-sup: %s: %s\n", setup_step(&s.srv, s.log),
				strerror(-r));
			return 1;
		}
	}
	s.items = calloc(2 * s.n + 1, sizeof(*s.items));
	s.ep = epoll_create1(EPOLL_CLOEXEC);
	if (!s.items || s.ep < 0) {
		perror("bench-sup: set-up");
		free(s.items);
		return 1;
	}
	for (unsigned i = 0; i < 2 * s.n + 1; i++)
		s.items[i].fd = -1;	/* not in use yet */
	if (s.barrier) {
		pipes(&s);
		s.items[s.n] = (struct item){ .tag = IT_READY, .fd = s.ready_r };
		watch(&s, &s.items[s.n]);
	}
	measure(&s, "baseline");
	for (unsigned i = 0; i < s.n; i++)
		spawn(&s, i);
	if (s.barrier) {
		close(s.go_r);
		close(s.ready_w);
	} else {
		s.go_w = -1;
	}
	run(&s);
	if (s.outfmt && !s.failed)
		merge(&s);
	return s.failed;
}
