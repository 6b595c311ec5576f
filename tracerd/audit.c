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
 * program of the same uid cannot wedge or redirect tracerd.
 *
 * Built-in rotation happens here too, under the same lock, between two
 * records: when the next line would take the file past --log-max-size,
 * a new file (room reserved for every claim in flight) takes the log's
 * name, the old one becomes .1, and the new one starts with a `rotate`
 * event saying how many records the old one holds. The primary output
 * may also be the journal or syslog (no file: no claims, no rotation);
 * the copies (outputs.c) get every line the primary took. */
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
#include "logfile.h"
#include "outputs.h"
#include "rotate.h"
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
static enum output_kind audit_kind;	/* the primary's */
static atomic_ulong audit_lost_total;	/* the primary's lost records since start */
static struct {
	long long max_size;	/* 0: no rotation */
	unsigned keep, max_age;
	off_t head_end;		/* the rotate event at the file's start ends here */
	unsigned long records;	/* call records in the file */
	off_t retry_at;		/* after a failed rotation: not before this size */
} rot = { .keep = 5 };

static int primary_locked(const char *line, size_t len);

/* Only a regular file, never through a symlink, never blocking on open
 * (a FIFO would); -EINVAL for anything that is not a regular file. */
static int open_log(void)
{
	return outputs_open_file(audit_path);
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


void audit_rotation(long long max_size, unsigned keep, unsigned max_age_days)
{
	rot.max_size = max_size;
	rot.keep = keep ? keep : 1;
	rot.max_age = max_age_days;
}

/* fd is the log from now on: the reservation starts again from its end,
 * its records counted for the next rotate event. */
static void take_fd(int fd)
{
	if (audit_fd > STDERR_FILENO)
		close(audit_fd);
	audit_fd = fd;
	audit_gone = false;
	reserve_reset();
	rot.head_end = 0;
	rot.records = logfile_count_records(fd);
	rot.retry_at = 0;
}

int audit_open(const char *path, size_t *torn)
{
	_cleanup_close_ int fd = -1;
	int r;

	*torn = 0;
	audit_kind = outputs_kind(path);
	if (strlen(path) >= sizeof(audit_path))
		return -ENAMETOOLONG;
	strcpy(audit_path, path);
	if (audit_kind != OUTPUT_FILE) {
		audit_fd = audit_kind == OUTPUT_STDOUT ? STDOUT_FILENO : -1;
		reserve_reset();
		return 0;
	}
	fd = open_log();
	if (fd < 0)
		return fd;
	r = logfile_cut_torn(fd, torn);
	if (r < 0)
		return r;
	take_fd(TAKE_FD(fd));
	(void)reserve_locked(0);
	rotate_prune(audit_path, rot.max_age);
	return 0;
}

int audit_add_output(const char *spec)
{
	outputs_set_primary(primary_locked);
	return outputs_add(spec);
}

static bool same_file(int a, int b)
{
	struct stat x, y;

	return a >= 0 && b >= 0 && fstat(a, &x) == 0 && fstat(b, &y) == 0 &&
	       x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/* SIGHUP/SIGUSR1 (logrotate's postrotate): the log path opened anew the
 * way audit_open does, the fd swapped under the lock, so every record
 * goes whole to either the old file or the new one. The torn last line is
 * looked for under the lock too, and only in another file than the one
 * written to: a record of ours being appended there is not torn, and
 * cutting it (it was, at a SIGHUP that moved nothing, under load) would
 * lose it and every record appended until the cut. When the new file
 * cannot be opened, the old fd stays and we say so. File copies too. */
int audit_reopen(void)
{
	_cleanup_close_ int fd = -1;
	size_t torn = 0;
	int r = 0;

	pthread_mutex_lock(&audit_lock);
	outputs_reopen_locked();
	pthread_mutex_unlock(&audit_lock);
	if (audit_kind != OUTPUT_FILE)
		return 0;	/* stdout, a socket: nothing to reopen */
	fd = open_log();
	if (fd < 0)
		return log_error_errno(fd, "cannot reopen the audit log '%s'%s; still writing to "
				       "the file open before", audit_path,
				       fd == -EINVAL ? " (not a regular file)" : "");
	pthread_mutex_lock(&audit_lock);
	if (!same_file(fd, audit_fd)) {
		r = logfile_cut_torn(fd, &torn);
		if (r == 0) {
			take_fd(TAKE_FD(fd));
			(void)reserve_locked(0);
		}
	}
	pthread_mutex_unlock(&audit_lock);
	if (r < 0)
		return log_error_errno(r, "cannot reopen the audit log '%s'; still writing to the "
				       "file open before", audit_path);
	if (torn)
		log_warn("audit log %s: cut a torn last line of %zu bytes", audit_path, torn);
	log_info("reopened the audit log %s", audit_path);
	return 0;
}

void audit_close(void)
{
	if (audit_fd > STDERR_FILENO)
		close(audit_fd);
	audit_fd = -1;
	outputs_close();
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
	fd = open_log();
	if (fd < 0) {
		if (!audit_gone)
			log_error("audit log %s was deleted and cannot be recreated: %s; calls "
				  "are refused until it can", audit_path,
				  fd == -EINVAL ? "not a regular file" : strerror(-fd));
		audit_gone = true;
		return;
	}
	take_fd(fd);
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

/* The room reserved beyond the old file's end is freed (a hole punched
 * past its size: its size stays, whoever appended). */
static void give_back_room(void)
{
	struct stat st;

	if (!reserve_off && fstat(audit_fd, &st) == 0 && reserve_end > st.st_size)
		(void)fallocate(audit_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, st.st_size,
				reserve_end - st.st_size);
}

/* The new file with its rotate event, in the log's place; the old one's
 * room beyond its end given back. 0 or -errno (then nothing changed but
 * a later retry point: the old file takes the records meanwhile). */
static int rotate_locked(size_t len)
{
	char tmp[PATH_MAX + 16], buf[256];
	struct audit_num nums[] = {
		{ .key = "records", .v = (long long)rot.records },
		{ .key = "schema", .v = AUDIT_SCHEMA },	/* a file read alone says it too */
	};
	off_t room = reserve_off ? 0 : (off_t)(claimed + len + sizeof(buf));
	int n = audit_event_line(buf, sizeof(buf), "rotate", 0, NULL, nums, 2), r;
	_cleanup_close_ int fd = rotate_new_file(audit_path, room, tmp, sizeof(tmp));

	if (fd < 0 || n < 0)
		return fd < 0 ? fd : n;
	r = write(fd, buf, (size_t)n) == n ? rotate_shift(audit_path, tmp, rot.keep) : -ENOSPC;
	if (r < 0) {
		(void)unlink(tmp);
		return r;
	}
	give_back_room();
	take_fd(TAKE_FD(fd));
	reserve_end = room > file_end ? room : file_end;
	rot.head_end = file_end;
	rotate_prune(audit_path, rot.max_age);
	return 0;
}

/* Rotate before a line that would take the file past the size (never a
 * file holding nothing but its rotate event: a line bigger than the size
 * goes in whole). A failure is said once and tried again later. */
static void maybe_rotate_locked(size_t len)
{
	int r;

	if (!rot.max_size || audit_kind != OUTPUT_FILE || audit_gone ||
	    file_end <= rot.head_end || file_end + (off_t)len <= rot.max_size ||
	    file_end < rot.retry_at)
		return;
	r = rotate_locked(len);
	if (r == 0)
		return;
	if (!rot.retry_at)
		log_warn_errno(r, "cannot rotate the audit log '%s'; it grows past "
			       "--log-max-size meanwhile, ignoring", audit_path);
	rot.retry_at = file_end + rot.max_size / 16 + 1;
}

/* A line to the primary, with the lock held: rotated first when due,
 * counted when it is a record. 0 or -errno. */
static int primary_locked(const char *line, size_t len)
{
	int r;

	if (audit_kind == OUTPUT_JOURNAL || audit_kind == OUTPUT_SYSLOG)
		return outputs_send(audit_kind, -1, line, len);
	maybe_rotate_locked(len);
	r = write_locked(line, len);
	if (r == 0 && logfile_is_record(line, len))
		rot.records++;
	return r;
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
	r = primary_locked(buf, (size_t)n);
	if (r == 0) {
		audit_lost = 0;
		outputs_copy_locked(buf, (size_t)n);
	}
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
		r = primary_locked(line, len);
	if (r < 0) {
		audit_lost++;
		atomic_fetch_add_explicit(&audit_lost_total, 1, memory_order_relaxed);
		stats_add(&stats.lost_records, 1);
		fprintf(stderr, "audit-lost: %.*s", (int)len, line);
	} else {
		outputs_copy_locked(line, len);
	}
	pthread_mutex_unlock(&audit_lock);
	return r;
}

/* After a rotation the record may be in .1: the window spans both. Under
 * the lock, so that no rotation comes between the two reads (recovery,
 * once at start, is the caller). */
bool audit_tail_contains(const char *needle, size_t window)
{
	bool found = false;
	char *buf = malloc(window);

	if (!buf)
		return false;
	pthread_mutex_lock(&audit_lock);
	if (audit_kind == OUTPUT_FILE) {
		found = logfile_tail_has(audit_fd, file_end, window, needle, buf);
		if (!found && file_end < (off_t)window)
			found = logfile_rotated_has(audit_path, needle, window - (size_t)file_end, buf);
	}
	pthread_mutex_unlock(&audit_lock);
	free(buf);
	return found;
}

unsigned audit_outputs(const char **specs, unsigned long *lost, unsigned max)
{
	if (!max)
		return 0;
	specs[0] = audit_path;
	lost[0] = atomic_load_explicit(&audit_lost_total, memory_order_relaxed);
	return 1 + outputs_list(specs + 1, lost + 1, max - 1);
}
