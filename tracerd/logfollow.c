/* Following the log. A directory watch (inotify) wakes us when anything
 * in the log's directory changes, and a timeout rechecks anyway (the
 * directory may be gone or moved, or inotify unavailable). Each time:
 * read the open file to its end, then look at the path. When the path
 * names another file (renamed to .1 and a new one made, or deleted and
 * re-created), the old file is read to its end first: tracerd stops
 * writing to it before it makes the new one, so nothing is missed or
 * read twice. A file shorter than what was read was truncated: read it
 * again from its start. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdutil.h"
#include "logfollow.h"

#define WAKE_MS 1000		/* with a directory watch */
#define POLL_MS 200		/* without one, as tail -F polls */

static void drain(struct logread *r, const struct logfollow_sink *s)
{
	const char *line;
	size_t n;

	while (logread_line(r, &line, &n) > 0)
		s->line(s->ctx, line, n);
}

/* The file at path now, when it is not the one r reads: switch to it. */
static void recheck(const char *path, struct logread *r, const struct logfollow_sink *s)
{
	struct stat now, cur;
	const char *line;
	size_t n;
	int fd;

	if (stat(path, &now) < 0 || !S_ISREG(now.st_mode))
		return;		/* gone for now: keep the old file */
	if (r->fd >= 0 && fstat(r->fd, &cur) == 0 && cur.st_dev == now.st_dev &&
	    cur.st_ino == now.st_ino) {
		if (now.st_size < r->pos)
			logread_rewind(r);
		return;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return;
	drain(r, s);
	if (logread_rest(r, &line, &n))
		s->line(s->ctx, line, n);
	if (r->fd >= 0)
		(void)close(r->fd);
	logread_init(r, fd);
	drain(r, s);
}

/* A watch on the log's directory: the inotify fd, or -1. */
static int watch_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);

	if (fd >= 0 && (!dir || inotify_add_watch(fd, dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO |
						   IN_MOVED_FROM | IN_DELETE | IN_ATTRIB |
						   IN_CLOSE_WRITE) < 0)) {
		(void)close(fd);
		fd = -1;
	}
	free(dir);
	return fd;
}

/* SIGINT and SIGTERM as an fd: the loop ends on them, the summary of
 * skipped lines is still said. */
static int stop_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

int logfollow_run(const char *path, struct logread *r, const struct logfollow_sink *s)
{
	char ev[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	_cleanup_close_ int sig = stop_signals();
	_cleanup_close_ int ino = watch_dir(path);
	struct pollfd p[2] = { { .fd = sig, .events = POLLIN }, { .fd = ino, .events = POLLIN } };

	if (sig < 0)
		return sig;
	for (;;) {
		drain(r, s);
		recheck(path, r, s);
		s->flush(s->ctx);
		if (poll(p, 2, ino >= 0 ? WAKE_MS : POLL_MS) < 0 && errno != EINTR)
			return -errno;
		if (p[0].revents)
			return 0;
		while (ino >= 0 && read(ino, ev, sizeof(ev)) > 0)
			;	/* which event does not matter: everything is looked at */
	}
}
