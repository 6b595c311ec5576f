/* `tracerd status`: connect, check that the server is of our uid, send
 * the status hello, read the ack and the text, print. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "../common/sockname.h"
#include "../common/wire.h"
#include "fdutil.h"
#include "statuscmd.h"
#include "statusprint.h"
#include "statusread.h"

#define EXIT_NONE 3
#define WAIT_S 10	/* under socket activation the request starts tracerd */

static const char usage[] =
	"Usage: tracerd status [--socket NAME] [--json]\n"
	"Ask the tracerd serving the socket how it is.\n"
	"  --socket NAME  abstract socket name (default: $TRACERD_SOCKET, else tracerd-<euid>)\n"
	"  --json         one JSON object (keys: tracerd(1))\n"
	"Exit status: 0 a tracerd answered, 3 none serves the socket, 1 other errors.\n";

struct ask {
	const char *who;	/* the command, first word of every message */
	char name[SOCKNAME_MAX + 1];
	char shown[4 * SOCKNAME_MAX + 2];
};

/* The options into *json and *sockp: -1 to go on, else the exit status. */
static int parse(int argc, char **argv, int *json, const char **sockp)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *sock = NULL;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 's')
			sock = optarg;
		else if (c == 'j')
			*json = 1;
		else if (c == 'h')
			return fputs(usage, stdout), 0;
		else
			return fprintf(stderr, "tracerd status: unknown option or missing value: '%s'\n%s",
				       argv[optind - 1], usage), 1;
	}
	if (optind < argc)
		return fprintf(stderr, "tracerd status: unexpected argument '%s'\n", argv[optind]), 1;
	*sockp = sock;
	return -1;
}

/* The socket's name from --socket sock (NULL: $TRACERD_SOCKET, else
 * tracerd-EUID) into *a. 0, or 1 after saying why. */
static int name(struct ask *a, const char *sock)
{
	const char *bad = sockname_invalid(sock ? sock : getenv("TRACERD_SOCKET"), sock != NULL);

	if (bad)
		return fprintf(stderr, "%s: %s\n", a->who, bad), 1;
	(void)sockname_get(sock ? sock : getenv("TRACERD_SOCKET"), geteuid(), a->name);
	a->shown[0] = '@';
	sockname_escape(a->name, a->shown + 1, sizeof(a->shown) - 1);
	return 0;
}

/* Connected to a server of our own uid: the fd, or an exit status - 100. */
static int dial(const struct ask *a)
{
	struct sockaddr_un addr;
	socklen_t len = sockname_addr(a->name, &addr), cl = sizeof(struct ucred);
	struct timeval tv = { .tv_sec = WAIT_S };
	struct ucred uc;
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
		return fprintf(stderr, "%s: socket: %m\n", a->who), 1 - 100;
	if (connect(fd, (struct sockaddr *)&addr, len) < 0) {
		if (errno == ECONNREFUSED || errno == ENOENT)
			return fprintf(stderr, "%s: no tracerd serves %s\n", a->who, a->shown),
			       EXIT_NONE - 100;
		return fprintf(stderr, "%s: cannot connect to %s: %m\n", a->who, a->shown),
		       1 - 100;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &cl) < 0 || uc.uid != geteuid())
		return fprintf(stderr, "%s: %s is served by uid %u (pid %d), not by your "
			       "uid %u: a tracerd answers only its own user\n", a->who, a->shown,
			       (unsigned)uc.uid, (int)uc.pid, (unsigned)geteuid()), 1 - 100;
	return TAKE_FD(fd);
}

/* Exactly n bytes, or fewer at EOF; -errno on an error. */
static ssize_t read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = recv(fd, (char *)buf + got, n - got, MSG_WAITALL);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* The ack: 0 with *len the text's, or the exit status after saying why. */
static int read_ack(int fd, const struct ask *a, uint64_t *len)
{
	uint8_t buf[WIRE_ACK_MAX];
	struct wire_ack ack;
	ssize_t n = read_full(fd, buf, WIRE_ACK_SIZE);

	if (n == 0)
		return fprintf(stderr, "%s: %s closed the connection without an "
			       "answer\n", a->who, a->shown), 1;
	if (n != WIRE_ACK_SIZE || wire_ack_decode(buf, WIRE_ACK_SIZE, &ack) == 0) {
		if (n == WIRE_ACK_SIZE && ack.status == WIRE_EVERSION && ack.version < WIRE_VERSION_STATUS)
			return fprintf(stderr, "%s: tracerd too old (it speaks up to "
				       "version %u)\n", a->who, ack.version), 1;
		if (n == WIRE_ACK_SIZE)
			return fprintf(stderr, "%s: tracerd refused: %s\n", a->who,
				       wire_status_str(ack.status)), 1;
		return fprintf(stderr, "%s: no answer from %s: %s\n", a->who, a->shown,
			       n < 0 ? strerror((int)-n) : "cut short"), 1;
	}
	n = read_full(fd, buf + WIRE_ACK_SIZE, WIRE_ACK_V2_SIZE - WIRE_ACK_SIZE);
	if (n != WIRE_ACK_V2_SIZE - WIRE_ACK_SIZE || wire_ack_decode(buf, WIRE_ACK_V2_SIZE, &ack) < 0 ||
	    ack.version != WIRE_VERSION_STATUS || ack.status != WIRE_OK || ack.id > WIRE_STATUS_TEXT_MAX)
		return fprintf(stderr, "%s: %s answered something that is not a status\n", a->who,
			       a->shown), 1;
	*len = ack.id;
	return 0;
}

/* Read the text of len bytes and parse it into *v. 0 or 1 after saying
 * why. */
static int take(int fd, const struct ask *a, uint64_t len, struct status_view *v)
{
	_cleanup_free_ char *text = malloc(len);
	char err[128];
	ssize_t n;

	if (!text)
		return fprintf(stderr, "%s: out of memory\n", a->who), 1;
	n = read_full(fd, text, len);
	if (n != (ssize_t)len)
		return fprintf(stderr, "%s: the answer of %s was cut short\n", a->who, a->shown), 1;
	if (statusread_parse(text, len, v, err, sizeof(err)) < 0)
		return fprintf(stderr, "%s: %s\n", a->who, err), 1;
	return 0;
}

int statuscmd_fetch(const char *who, const char *sock, struct status_view *v)
{
	struct ask a = { .who = who };
	uint8_t hello[WIRE_HELLO_SIZE];
	uint64_t len = 0;
	_cleanup_close_ int fd = -1;
	int r;

	memset(v, 0, sizeof(*v));
	r = name(&a, sock);
	if (r)
		return r;
	fd = dial(&a);
	if (fd < 0)
		return fd + 100;
	wire_hello_encode_status(hello, getpid());
	r = wire_send(fd, hello, sizeof(hello), -1);
	if (r < 0)
		return fprintf(stderr, "%s: cannot ask %s: %s\n", who, a.shown, strerror(-r)), 1;
	r = read_ack(fd, &a, &len);
	if (r == 0)
		r = take(fd, &a, len, v);
	if (r)
		statusread_free(v);
	return r;
}

int statuscmd_main(int argc, char **argv)
{
	struct status_view v;
	const char *sock = NULL;
	int json = 0, r = parse(argc, argv, &json, &sock);

	if (r >= 0)
		return r;
	r = statuscmd_fetch("tracerd status", sock, &v);
	if (r)
		return r;
	if (json)
		statusprint_json(stdout, &v);
	else
		statusprint_text(stdout, &v);
	statusread_free(&v);
	return fflush(stdout) == 0 ? 0 : 1;
}
