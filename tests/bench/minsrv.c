/* bench-minsrv NAME: the server side of the start floor (minshim.c).
 * Accepts on the abstract socket @NAME, one client at a time: receives the
 * listener, sets SYNC_WAKE_UP on it (as any supervisor would), closes it
 * and sends a 1-byte ack. SIGTERM or SIGINT: exit 0 (blocked but for
 * ppoll, so a signal cannot slip in before a blocking accept). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../../common/compat.h"
#include "../../common/sockname.h"
#include "../../common/wire.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* One client: its listener in, the ack out. */
static void serve(int c)
{
	struct wire_recv wr;
	char buf[16];

	if (wire_recv(c, buf, sizeof(buf), 0, &wr) < 0 || wr.fd < 0) {
		fprintf(stderr, "bench-minsrv: a client sent no listener\n");
		return;
	}
	if (ioctl(wr.fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) < 0)
		perror("bench-minsrv: SYNC_WAKE_UP");
	close(wr.fd);
	(void)!write(c, "A", 1);
}

/* Wait for a client or a signal; the accepted fd, or -1 to stop. */
static int next_client(int s, const sigset_t *waitmask)
{
	struct pollfd p = { .fd = s, .events = POLLIN };

	while (!stop) {
		int c;

		if (ppoll(&p, 1, NULL, waitmask) < 0) {
			if (errno == EINTR)
				continue;
			perror("bench-minsrv: ppoll");
			return -1;
		}
		c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
		if (c >= 0)
			return c;
		if (errno != EINTR && errno != ECONNABORTED) {
			perror("bench-minsrv: accept");
			return -1;
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct sockaddr_un addr;
	sigset_t block, waitmask;
	socklen_t alen;
	int s, c;

	if (argc != 2 || !argv[1][0] || strlen(argv[1]) > SOCKNAME_MAX) {
		fprintf(stderr, "usage: bench-minsrv NAME\n");
		return 2;
	}
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	if (sigprocmask(SIG_BLOCK, &block, &waitmask) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
		return 1;
	alen = sockname_addr(argv[1], &addr);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&addr, alen) < 0 || listen(s, 128) < 0) {
		perror("bench-minsrv: @NAME");
		return 1;
	}
	while ((c = next_client(s, &waitmask)) >= 0) {
		serve(c);
		close(c);
	}
	return stop ? 0 : 1;
}
