/* Socket activation (sd_listen_fds(3), written by hand): the listening
 * socket a service manager passed as fd 3 replaces binding one. */
#ifndef TRACERD_ACTIVATION_H
#define TRACERD_ACTIVATION_H

#include <stddef.h>
#include <sys/types.h>

#define ACTIVATION_FD 3	/* SD_LISTEN_FDS_START */

/* The variables' values: 0 when they are not for this process (LISTEN_PID
 * unset or another pid's: sd_listen_fds' rule), 1 when they pass it one
 * socket, -EINVAL (with why in err) when they are malformed or pass
 * another number of fds, or LISTEN_FDNAMES names another number. */
int activation_parse(const char *pid, const char *fds, const char *names, pid_t self,
		     char *err, size_t errlen);

/* fd must be an AF_UNIX SOCK_STREAM socket that is listening. 0, or
 * -ENOTSOCK, -EAFNOSUPPORT, -EPROTOTYPE, -EINVAL (not listening), -EBADF,
 * with why in err. */
int activation_check_fd(int fd, char *err, size_t errlen);

/* All of it, from the environment: 0 when not activated, else the
 * passed fd (CLOEXEC and O_NONBLOCK set), or -EINVAL/-errno with why in
 * err (a usage error: exit 2). LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES
 * are removed from the environment either way. */
int activation_take(char *err, size_t errlen);

#endif
