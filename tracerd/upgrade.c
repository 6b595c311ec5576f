/* The hand-over of an upgrade. The fds go to 3, 4, ... in the order of
 * LISTEN_FDNAMES: the socket ("tracerd.socket"), each live listener
 * ("listener-ID-PID"), the in-flight table ("inflight-GEN"); the calls
 * still in progress (a hung filesystem) are in the table's slots and are
 * finished by the new image, like a crash's. The version of the hand-over
 * is the names' and the table's (its header says its version): a new
 * image that does not know them ignores those fds and says so. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "canon.h"
#include "fdstore.h"
#include "inflight.h"
#include "listener.h"
#include "log.h"
#include "upgrade.h"

static char exe[PATH_MAX];
static char **args;
static char *manager[3];	/* NOTIFY_SOCKET=, WATCHDOG_USEC=, WATCHDOG_PID= */

void upgrade_prepare(char **argv)
{
	static const char *const vars[] = { "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID" };

	args = argv;
	if (canon_readlink(AT_FDCWD, "/proc/self/exe", exe, sizeof(exe)) < 0)
		exe[0] = '\0';
	for (unsigned i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);
		size_t n = strlen(vars[i]) + (v ? strlen(v) : 0) + 2;

		manager[i] = v ? malloc(n) : NULL;
		if (manager[i])
			snprintf(manager[i], n, "%s=%s", vars[i], v);
	}
}

/* fds[0..n) to 3..3+n, inheritable: each first copied above the range, so
 * that no move overwrites an fd still to be moved. */
static int place(int *fds, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, (int)(3 + n));
		if (fds[i] < 0)
			return -errno;
	}
	for (unsigned i = 0; i < n; i++)
		if (dup2(fds[i], (int)(3 + i)) < 0)
			return -errno;
	return 0;
}

static int set_env(unsigned n, const char *names)
{
	char v[32];

	snprintf(v, sizeof(v), "%d", (int)getpid());
	if (setenv("LISTEN_PID", v, 1) < 0)
		return -errno;
	snprintf(v, sizeof(v), "%u", n);
	if (setenv("LISTEN_FDS", v, 1) < 0 || setenv("LISTEN_FDNAMES", names, 1) < 0)
		return -errno;
	for (unsigned i = 0; i < 3; i++)
		if (manager[i] && putenv(manager[i]) != 0)
			return -errno;
	return 0;
}

int upgrade_exec(int socket_fd)
{
	unsigned max = listener_count() + 2, n = 0;
	int *fds = calloc(max, sizeof(*fds));
	char *names = calloc(max, FDSTORE_NAME_MAX + 1);
	int r = fds && names ? 0 : -ENOMEM;

	if (r == 0 && (!exe[0] || access(exe, X_OK) < 0))
		r = -ENOEXEC;
	if (r == 0) {
		fds[n++] = socket_fd;
		strcpy(names, "tracerd.socket");
		n += listener_hand_over(fds + n, names, max - 2);
		if (inflight_cur.hdr) {
			fds[n++] = inflight_cur.fd;
			strcat(strcat(names, ":"), inflight_cur.name);
		}
		/* the listeners only: not the socket, nor the in-flight table */
		struct audit_num progs = { .key = "programs",
					   .v = (long long)(n - 1 - (inflight_cur.hdr ? 1 : 0)) };

		(void)audit_event_with("stop", getpid(), "upgrade: tracerd runs its binary again",
				       &progs, 1);
		r = place(fds, n);
	}
	if (r == 0)
		r = set_env(n, names);
	if (r == 0) {
		execv(exe, args);
		r = -errno;
	}
	log_error_errno(r, "cannot upgrade in place (exec '%s')", exe);
	free(fds);
	free(names);
	return r;
}
