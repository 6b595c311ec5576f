/* The audit log's copies: --log given more than once. The first --log is
 * the primary (audit.c: no record there, no success); each later one is
 * a copy, sent every line the primary took, before the answer too, but
 * best-effort: a stopped or rate-limited journald, a full disk under a
 * copy file, must never turn every mkdir into EPERM. A refusal is counted
 * for that copy (status shows it) and said once; when the copy takes a
 * line again, a `lost-records` event naming it goes to every output. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit_line.h"
#include "fdutil.h"
#include "journal.h"
#include "log.h"
#include "outputs.h"
#include "syslogout.h"

struct copy {
	enum output_kind kind;
	char spec[PATH_MAX];	/* as given */
	int fd;			/* a file or stdout; -1 for the sockets */
	atomic_ulong lost;	/* since start (status reads it unlocked) */
	unsigned long unsaid;	/* lost and not yet told by an event */
};

static struct copy copies[OUTPUTS_COPIES_MAX];
static atomic_uint ncopies;
static outputs_primary_fn *primary;

void outputs_set_primary(outputs_primary_fn *fn)
{
	primary = fn;
}

enum output_kind outputs_kind(const char *spec)
{
	if (strcmp(spec, "-") == 0)
		return OUTPUT_STDOUT;
	if (strcmp(spec, "journal") == 0)
		return OUTPUT_JOURNAL;
	if (strcmp(spec, "syslog") == 0)
		return OUTPUT_SYSLOG;
	return OUTPUT_FILE;
}

/* mkdir -p for a log's parent, 0700. */
static int make_parents(const char *path)
{
	char dir[PATH_MAX];
	size_t n = strnlen(path, sizeof(dir));

	if (n >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, path, n + 1);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

int outputs_open_file(const char *path)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r = make_parents(path);

	if (r < 0)
		return r;
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW |
				O_NONBLOCK, 0600);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return -EINVAL;
	return TAKE_FD(fd);
}

/* One write(2); a short one is cut back off (with O_APPEND the partial
 * bytes are the file's last ones). */
static int send_fd(int fd, const char *line, size_t len)
{
	struct stat st;
	ssize_t n = write(fd, line, len);

	if (n == (ssize_t)len)
		return 0;
	if (n < 0)
		return -errno;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= n)
		(void)!ftruncate(fd, st.st_size - n);
	return -ENOSPC;
}

int outputs_send(enum output_kind k, int fd, const char *line, size_t len)
{
	switch (k) {
	case OUTPUT_JOURNAL:
		return journal_send(line, len);
	case OUTPUT_SYSLOG:
		return syslogout_send(line, len);
	case OUTPUT_FILE:
	case OUTPUT_STDOUT:
		return fd < 0 ? -EBADF : send_fd(fd, line, len);
	}
	return -EINVAL;
}

int outputs_add(const char *spec)
{
	unsigned n = atomic_load(&ncopies);
	struct copy *c = &copies[n];

	if (n >= OUTPUTS_COPIES_MAX)
		return -E2BIG;
	if (strlen(spec) >= sizeof(c->spec))
		return -ENAMETOOLONG;
	c->kind = outputs_kind(spec);
	c->fd = c->kind == OUTPUT_STDOUT ? STDOUT_FILENO : -1;
	if (c->kind == OUTPUT_FILE) {
		c->fd = outputs_open_file(spec);
		if (c->fd < 0)
			return c->fd;
	}
	strcpy(c->spec, spec);
	atomic_store(&c->lost, 0);
	c->unsaid = 0;
	atomic_store(&ncopies, n + 1);	/* status sees it whole */
	return 0;
}

/* A refusal: counted, said at the first of a run. */
static void refused(struct copy *c, int r)
{
	if (!c->unsaid)
		log_warn_errno(r, "audit log copy '%s' refused a record; counting its losses "
			       "(answers are not changed), ignoring", c->spec);
	c->unsaid++;
	atomic_fetch_add_explicit(&c->lost, 1, memory_order_relaxed);
}

/* c works again: its losses told to every output, c first (if c still
 * refuses it, this line is lost too). 0 or -errno. */
static int tell_lost(struct copy *c)
{
	char buf[PATH_MAX * 6 + 256];
	struct audit_num nums[] = {
		{ .key = "count", .v = (long long)c->unsaid },
		{ .key = "output", .s = c->spec },
	};
	int n = audit_event_line(buf, sizeof(buf), "lost-records", 0, NULL, nums, 2), r;
	unsigned count = atomic_load(&ncopies);

	if (n < 0)
		return n;
	r = outputs_send(c->kind, c->fd, buf, (size_t)n);
	if (r < 0)
		return r;
	log_info("audit log copy '%s' works again; %lu records did not reach it", c->spec,
		 c->unsaid);
	c->unsaid = 0;
	if (primary)
		(void)primary(buf, (size_t)n);
	for (unsigned i = 0; i < count; i++) {
		if (&copies[i] != c && outputs_send(copies[i].kind, copies[i].fd, buf,
						    (size_t)n) < 0)
			refused(&copies[i], -EIO);
	}
	return 0;
}

void outputs_copy_locked(const char *line, size_t len)
{
	unsigned count = atomic_load(&ncopies);

	for (unsigned i = 0; i < count; i++) {
		struct copy *c = &copies[i];
		int r = c->unsaid ? tell_lost(c) : 0;

		if (r == 0)
			r = outputs_send(c->kind, c->fd, line, len);
		if (r < 0)
			refused(c, r);
	}
}

void outputs_reopen_locked(void)
{
	unsigned count = atomic_load(&ncopies);

	for (unsigned i = 0; i < count; i++) {
		struct copy *c = &copies[i];
		int fd;

		if (c->kind != OUTPUT_FILE)
			continue;
		fd = outputs_open_file(c->spec);
		if (fd < 0) {
			log_error_errno(fd, "cannot reopen the audit log copy '%s'; still writing "
					"to the file open before", c->spec);
			continue;
		}
		fdutil_replace(&c->fd, fd);
	}
}

unsigned outputs_list(const char **specs, unsigned long *lost, unsigned max)
{
	unsigned count = atomic_load(&ncopies), i;

	for (i = 0; i < count && i < max; i++) {
		specs[i] = copies[i].spec;
		lost[i] = atomic_load_explicit(&copies[i].lost, memory_order_relaxed);
	}
	return i;
}

void outputs_close(void)
{
	unsigned count = atomic_load(&ncopies);

	for (unsigned i = 0; i < count; i++) {
		if (copies[i].kind == OUTPUT_FILE && copies[i].fd >= 0)
			close(copies[i].fd);
		copies[i].fd = -1;
	}
	atomic_store(&ncopies, 0);
	journal_close();
	syslogout_close();
}
