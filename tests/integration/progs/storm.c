/* storm: client storms against tracerd's abstract socket @NAME.
 *
 *   storm churn NAME SECONDS   connect and close at once, as fast as it can,
 *                              for SECONDS; prints
 *                              "connects=N errors=E per_s=R"
 *   storm silent NAME N SECS   open N connections that never speak; prints
 *                              "open=N" once all are connected, then waits
 *                              (at most SECS) until tracerd closed each one
 *                              and prints
 *                              "closed=C min_ms=m max_ms=M acked=A": how
 *                              many tracerd closed, the shortest and the
 *                              longest any stayed open (connect to EOF),
 *                              and how many got an ack byte before the EOF.
 * Exit status 0, or 1 when a socket could not be made. */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_un addr;
static socklen_t addrlen;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void set_name(const char *name)
{
	size_t n = strnlen(name, sizeof(addr.sun_path) - 1);

	addr.sun_family = AF_UNIX;
	addr.sun_path[0] = '\0';
	memcpy(addr.sun_path + 1, name, n);
	addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

static int dial(void)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, addrlen) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

static int churn(double seconds)
{
	double t0 = now_ms(), end = t0 + seconds * 1e3, t;
	long n = 0, errors = 0;

	while ((t = now_ms()) < end) {
		int fd = dial();

		if (fd == -EMFILE || fd == -ENFILE)
			return 1;
		if (fd < 0)
			errors++;
		else
			close(fd);
		n++;
	}
	printf("connects=%ld errors=%ld per_s=%.0f\n", n, errors, (double)n * 1e3 / (t - t0));
	return 0;
}

struct closing {
	int closed, acked;
	double min_ms, max_ms;
};

/* Wait until tracerd closed every connection (EOF), SECS at most. */
static void await_close(struct pollfd *p, const double *opened, int n, double secs,
			struct closing *c)
{
	double end = now_ms() + secs * 1e3;
	int left = n;

	while (left > 0 && now_ms() < end) {
		if (poll(p, (nfds_t)n, 100) <= 0)
			continue;
		for (int i = 0; i < n; i++) {
			char buf[64];
			ssize_t r;
			double ms;

			if (p[i].fd < 0 || !p[i].revents)
				continue;
			while ((r = recv(p[i].fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
				c->acked++;
			if (r < 0 && errno == EAGAIN)
				continue;
			ms = now_ms() - opened[i];
			if (ms > c->max_ms)
				c->max_ms = ms;
			if (c->closed == 0 || ms < c->min_ms)
				c->min_ms = ms;
			close(p[i].fd);
			p[i].fd = -1;
			c->closed++;
			left--;
		}
	}
}

static int silent(int n, double secs)
{
	struct pollfd *p = calloc((size_t)n, sizeof(*p));
	double *opened = calloc((size_t)n, sizeof(*opened));
	struct closing c = { 0 };

	if (!p || !opened)
		return 1;
	for (int i = 0; i < n; i++) {
		p[i].fd = dial();
		if (p[i].fd < 0) {
			fprintf(stderr, "storm: connection %d: %s\n", i, strerror(-p[i].fd));
			return 1;
		}
		p[i].events = POLLIN;
		opened[i] = now_ms();
	}
	printf("open=%d\n", n);
	fflush(stdout);
	await_close(p, opened, n, secs, &c);
	printf("closed=%d min_ms=%.0f max_ms=%.0f acked=%d\n", c.closed, c.min_ms, c.max_ms,
	       c.acked);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4)
		set_name(argv[2]);
	if (argc == 4 && strcmp(argv[1], "churn") == 0)
		return churn(atof(argv[3]));
	if (argc == 5 && strcmp(argv[1], "silent") == 0)
		return silent(atoi(argv[3]), atof(argv[4]));
	fprintf(stderr, "usage: storm churn NAME SECONDS | storm silent NAME N SECS\n");
	return 2;
}
