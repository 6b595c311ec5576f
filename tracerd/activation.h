/* Socket activation (sd_listen_fds(3), written by hand): the listening
 * socket a service manager passed as fd 3 replaces binding one. */
#ifndef TRACERD_ACTIVATION_H
#define TRACERD_ACTIVATION_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ACTIVATION_FD 3	/* SD_LISTEN_FDS_START */

#define ACTIVATION_FDS_MAX 65536

/* The variables' values: 0 when they are not for this process (LISTEN_PID
 * unset or another pid's: sd_listen_fds' rule), else the number of fds
 * they pass, or -EINVAL (with why in err) when they are malformed, pass
 * none, or LISTEN_FDNAMES names another number (it is needed for more
 * than one fd). */
int activation_parse(const char *pid, const char *fds, const char *names, pid_t self,
		     char *err, size_t errlen);

/* fd must be an AF_UNIX SOCK_STREAM socket that is listening. 0, or
 * -ENOTSOCK, -EAFNOSUPPORT, -EPROTOTYPE, -EINVAL (not listening), -EBADF,
 * with why in err. */
int activation_check_fd(int fd, char *err, size_t errlen);

/* A listener the fd store kept across a restart. */
struct adopted {
	int fd;
	uint64_t id;		/* its id before the restart */
	pid_t pid;		/* its program's, at attach */
};

/* What was passed: the listening socket (-1: none; bind one), the stored
 * listeners to adopt, the in-flight tables of the tracerds before (named
 * inflight-GEN; checked when opened), and how many stored fds were of no use (closed: a
 * name we do not know, or a listener name on another kind of fd). */
#define ACTIVATION_TABLES 4	/* in-flight tables kept: one, two across a crash */

struct activation {
	int socket;
	struct adopted *listeners;
	unsigned nlisteners;
	int tables[ACTIVATION_TABLES];	/* in-flight tables (memfds) */
	unsigned ntables;
	unsigned ignored;
};

/* All of it, from the environment: 0 (a is filled; nothing passed: a
 * socket of -1 and no listeners), or -EINVAL/-errno with why in err (a
 * usage error: exit 2): a passed fd alone that is no listening socket, or
 * two listening sockets. Every fd kept is CLOEXEC, the socket O_NONBLOCK.
 * LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES are removed either way. */
int activation_take(struct activation *a, char *err, size_t errlen);
void activation_free(struct activation *a);

#endif
