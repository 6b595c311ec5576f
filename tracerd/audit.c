/* The audit log writer. Records and any truncation are serialized under one
 * lock, each record is one write(2) on an O_APPEND fd, and a record that
 * cannot be written is never silently dropped: the caller answers EPERM,
 * the line goes to stderr and a `lost-records` event follows later.
 *
 * Space for the records of creations is reserved ahead with
 * fallocate(FALLOC_FL_KEEP_SIZE): a creation first claims room for its
 * record, so the write after the directory exists cannot fail for space
 * on a full filesystem. The log is only ever a regular file, opened with
 * O_NOFOLLOW and O_NONBLOCK: a FIFO or a symlink put in its place by a
 * program of the same uid cannot wedge or redirect tracerd. */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "fdutil.h"
#include "log.h"
#include "stats.h"

#define RESERVE_CHUNK (1024 * 1024)	/* fallocate'd at a time */
#define RESERVE_LOW (256 * 1024)	/* top up below this much unclaimed room */

static pthread_mutex_t audit_lock = PTHREAD_MUTEX_INITIALIZER;
static int audit_fd = -1;
static char audit_path[PATH_MAX];
static unsigned long audit_lost;
static bool audit_gone;		/* deleted and not re-creatable: no writes */
static bool reserve_off;	/* stdout, or a filesystem without fallocate */
static off_t reserve_end;	/* the file has blocks up to here */
static off_t file_end;		/* where the next record goes */
static size_t claimed;		/* room promised to creations in flight */

/* mkdir -p for the log's parent, 0700. */
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

/* Cut a torn last line (a crash mid-write of another program, or a full
 * disk) so that every line in the log parses. */
static int cut_torn(int fd, size_t *torn)
{
	struct stat st;
	char buf[4096];
	off_t end, pos;

	*torn = 0;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size == 0)
		return 0;
	end = st.st_size;
	pos = end;
	while (pos > 0) {
		size_t want = pos < (off_t)sizeof(buf) ? (size_t)pos : sizeof(buf);
		ssize_t n = pread(fd, buf, want, pos - (off_t)want);

		if (n != (ssize_t)want)
			return n < 0 ? -errno : -EIO;
		for (ssize_t i = n - 1; i >= 0; i--) {
			if (buf[i] != '\n')
				continue;
			pos = pos - (off_t)want + i + 1;
			goto found;
		}
		pos -= (off_t)want;
	}
found:
	if (pos == end)
		return 0;
	if (ftruncate(fd, pos) < 0)
		return -errno;
	*torn = (size_t)(end - pos);
	return 0;
}

/* Only a regular file, never through a symlink, never blocking on open
 * (a FIFO would); -EINVAL for anything that is not a regular file. */
static int open_log(void)
{
	_cleanup_close_ int fd = open(audit_path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC |
						  O_NOCTTY | O_NOFOLLOW | O_NONBLOCK, 0600);
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return -EINVAL;
	return TAKE_FD(fd);
}

/* A new fd: the reservation starts again from its end. */
static void reserve_reset(void)
{
	off_t end = audit_fd > STDERR_FILENO ? lseek(audit_fd, 0, SEEK_END) : -1;

	reserve_off = end < 0;
	file_end = end < 0 ? 0 : end;
	reserve_end = file_end;
}

/* Keep at least need bytes of room beyond the claims: fallocate a chunk
 * more when less than RESERVE_LOW is left, or, on a filesystem too full
 * for a chunk, just what the claims need. Fails (-ENOSPC or the
 * filesystem's error) only when the room is not there. */
static int reserve_locked(size_t need)
{
	off_t left = reserve_end - file_end - (off_t)claimed, end;
	off_t want[2] = { (off_t)(claimed + need + RESERVE_CHUNK), (off_t)(claimed + need) };

	if (reserve_off || left >= (off_t)(need + RESERVE_LOW))
		return 0;
	end = lseek(audit_fd, 0, SEEK_END);	/* resync: others may append */
	if (end >= 0 && end != file_end) {
		file_end = end;
		left = reserve_end - file_end - (off_t)claimed;
	}
	for (int i = 0; i < 2 && want[i] > 0; i++) {
		if (fallocate(audit_fd, FALLOC_FL_KEEP_SIZE, file_end, want[i]) == 0) {
			if (file_end + want[i] > reserve_end)
				reserve_end = file_end + want[i];
			return 0;
		}
		if (errno == EOPNOTSUPP) {
			log_warn("the audit log's filesystem cannot reserve space (fallocate): "
				 "a full filesystem can lose records, ignoring");
			reserve_off = true;
			return 0;
		}
	}
	return left >= (off_t)need ? 0 : -errno;
}

void audit_unclaim(size_t n)
{
	pthread_mutex_lock(&audit_lock);
	claimed -= n < claimed ? n : claimed;
	pthread_mutex_unlock(&audit_lock);
}

int audit_claim(size_t n)
{
	int r;

	pthread_mutex_lock(&audit_lock);
	r = audit_gone ? -ENOENT : reserve_locked(n);
	if (r == 0)
		claimed += n;
	pthread_mutex_unlock(&audit_lock);
	return r;
}


int audit_open(const char *path, size_t *torn)
{
	_cleanup_close_ int fd = -1;
	int r;

	*torn = 0;
	if (strcmp(path, "-") == 0) {
		audit_fd = STDOUT_FILENO;
		reserve_reset();
		return 0;
	}
	if (strlen(path) >= sizeof(audit_path))
		return -ENAMETOOLONG;
	strcpy(audit_path, path);
	r = make_parents(audit_path);
	if (r < 0)
		return r;
	fd = open_log();
	if (fd < 0)
		return fd;
	r = cut_torn(fd, torn);
	if (r < 0)
		return r;
	audit_fd = TAKE_FD(fd);
	reserve_reset();
	(void)reserve_locked(0);
	return 0;
}

/* SIGHUP/SIGUSR1 (logrotate's postrotate): the log path opened anew the
 * way audit_open does, the fd swapped under the lock, so every record
 * goes whole to either the old file or the new one. When the new one
 * cannot be opened, the old fd stays and we say so. */
int audit_reopen(void)
{
	_cleanup_close_ int fd = -1;
	size_t torn = 0;
	int r;

	if (audit_fd <= STDERR_FILENO)
		return 0;	/* stdout: nothing to reopen */
	r = make_parents(audit_path);
	fd = r < 0 ? r : open_log();
	if (fd < 0)
		return log_error_errno(fd, "cannot reopen the audit log '%s'%s; still writing to "
				       "the file open before", audit_path,
				       fd == -EINVAL ? " (not a regular file)" : "");
	r = cut_torn(fd, &torn);
	if (r < 0)
		return log_error_errno(r, "cannot reopen the audit log '%s'; still writing to the "
				       "file open before", audit_path);
	if (torn)
		log_warn("audit log %s: cut a torn last line of %zu bytes", audit_path, torn);
	pthread_mutex_lock(&audit_lock);
	fdutil_replace(&audit_fd, TAKE_FD(fd));
	audit_gone = false;
	reserve_reset();
	(void)reserve_locked(0);
	pthread_mutex_unlock(&audit_lock);
	log_info("reopened the audit log %s", audit_path);
	return 0;
}

void audit_close(void)
{
	if (audit_fd > STDERR_FILENO)
		close(audit_fd);
	audit_fd = -1;
}

/* Reopen a log that was deleted under us. While it cannot be re-created
 * (a FIFO or a symlink in its place), nothing is written: records to a
 * deleted file would be records nobody can read. Said once per change. */
static void reopen_if_gone(void)
{
	struct stat st;
	int fd;

	if (audit_fd <= STDERR_FILENO || fstat(audit_fd, &st) < 0 || st.st_nlink > 0)
		return;
	(void)make_parents(audit_path);
	fd = open_log();
	if (fd < 0) {
		if (!audit_gone)
			log_error("audit log %s was deleted and cannot be recreated: %s; calls "
				  "are refused until it can", audit_path,
				  fd == -EINVAL ? "not a regular file" : strerror(-fd));
		audit_gone = true;
		return;
	}
	fdutil_replace(&audit_fd, fd);
	audit_gone = false;
	reserve_reset();
	log_warn("audit log %s was deleted; recreated it", audit_path);
}

/* One write(2). A short write is cut back off so that no line is torn:
 * with O_APPEND the partial bytes are the file's last n bytes. */
static int write_locked(const char *line, size_t len)
{
	struct stat st;
	ssize_t n;

	if (audit_gone)
		return -ENOENT;
	n = write(audit_fd, line, len);
	if (n == (ssize_t)len) {
		file_end += n;
		return 0;
	}
	if (n < 0)
		return -errno;
	if (audit_fd > STDERR_FILENO && fstat(audit_fd, &st) == 0 && st.st_size >= n)
		(void)!ftruncate(audit_fd, st.st_size - n);
	reserve_reset();
	return -ENOSPC;
}

static int flush_lost_locked(void)
{
	char buf[256];
	struct jbuf j;
	int n, r;

	if (!audit_lost)
		return 0;
	audit_begin(&j, buf, sizeof(buf));
	json_key_cstr(&j, "event", "lost-records");
	json_key_int(&j, "count", (long long)audit_lost);
	n = json_end(&j);
	r = write_locked(buf, (size_t)n);
	if (r == 0)
		audit_lost = 0;
	return r;
}

int audit_write(const char *line, size_t len, size_t claim)
{
	int r;

	pthread_mutex_lock(&audit_lock);
	claimed -= claim < claimed ? claim : claimed;	/* the write uses it */
	reopen_if_gone();
	(void)reserve_locked(0);
	r = flush_lost_locked();
	if (r == 0)
		r = write_locked(line, len);
	if (r < 0) {
		audit_lost++;
		stats_add(&stats.lost_records, 1);
		fprintf(stderr, "audit-lost: %.*s", (int)len, line);
	}
	pthread_mutex_unlock(&audit_lock);
	return r;
}

bool audit_tail_contains(const char *needle, size_t window)
{
	size_t n = strlen(needle);
	bool found = false;
	char *buf = malloc(window);
	ssize_t got = -1;
	off_t from;

	if (!buf)
		return false;
	pthread_mutex_lock(&audit_lock);
	from = file_end > (off_t)window ? file_end - (off_t)window : 0;
	if (audit_fd >= 0)
		got = pread(audit_fd, buf, (size_t)(file_end - from), from);
	pthread_mutex_unlock(&audit_lock);
	if (got > 0)
		found = memmem(buf, (size_t)got, needle, n) != NULL;
	free(buf);
	return found;
}


int audit_event_with(const char *event, pid_t pid, const char *reason,
		     const struct audit_num *nums, size_t n)
{
	char buf[16 * 1024];	/* an attach event: exe and cmdline, escaped */
	int len = audit_event_line(buf, sizeof(buf), event, pid, reason, nums, n);

	return len < 0 ? len : audit_write(buf, (size_t)len, 0);
}

int audit_event_attach(const char *event, pid_t pid, uint64_t attach, const char *reason)
{
	struct audit_num num = { .key = "attach", .v = (long long)attach };

	return audit_event_with(event, pid, reason, &num, attach ? 1 : 0);
}

int audit_event(const char *event, pid_t pid, const char *reason)
{
	return audit_event_with(event, pid, reason, NULL, 0);
}
