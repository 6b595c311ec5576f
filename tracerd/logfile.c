/* Reading the audit log file back (logfile.c): a torn last line cut, a
 * needle looked for in the tail, the records counted. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdutil.h"
#include "logfile.h"
#include "rotate.h"

#define TS_PREFIX "{\"ts\":\""

/* Cut a torn last line (a crash mid-write of another program, or a full
 * disk) so that every line in the log parses. */
int logfile_cut_torn(int fd, size_t *torn)
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

bool logfile_is_record(const char *line, size_t len)
{
	static const char ev[] = ",\"event\":";
	const char *end = line + len, *q;

	if (len < sizeof(TS_PREFIX) || memcmp(line, TS_PREFIX, sizeof(TS_PREFIX) - 1) != 0)
		return false;	/* not a line of ours */
	q = memchr(line + sizeof(TS_PREFIX) - 1, '"', len - (sizeof(TS_PREFIX) - 1));
	if (!q)
		return false;
	q++;
	return !((size_t)(end - q) >= sizeof(ev) - 1 && memcmp(q, ev, sizeof(ev) - 1) == 0);
}

/* Where the line going on at at ends (past its '\n'), or -1 at the end
 * of the file. */
static off_t line_end(int fd, off_t at, char *buf, size_t cap)
{
	ssize_t n;
	char *nl;

	while ((n = pread(fd, buf, cap, at)) > 0) {
		nl = memchr(buf, '\n', (size_t)n);
		if (nl)
			return at + (nl - buf) + 1;
		at += n;
	}
	return -1;
}

/* Each read starts at a line's start; a line longer than the buffer is
 * a record when its start says so. A torn last line is not counted. */
unsigned long logfile_count_records(int fd)
{
	static char buf[64 * 1024];	/* at start, or under the audit lock */
	unsigned long count = 0;
	off_t at = 0;
	ssize_t n;

	while ((n = pread(fd, buf, sizeof(buf), at)) > 0) {
		size_t from = 0;
		char *nl;

		while ((nl = memchr(buf + from, '\n', (size_t)n - from))) {
			count += logfile_is_record(buf + from, (size_t)(nl - buf - from) + 1);
			from = (size_t)(nl - buf) + 1;
		}
		if (from == 0 && (size_t)n < sizeof(buf))
			break;
		if (from == 0) {
			count += logfile_is_record(buf, (size_t)n);
			at = line_end(fd, at + n, buf, sizeof(buf));
			if (at < 0)
				break;
			continue;
		}
		at += (off_t)from;
	}
	return count;
}

/* Is needle in the last want bytes before end of fd? */
bool logfile_tail_has(int fd, off_t end, size_t want, const char *needle, char *buf)
{
	off_t from = end > (off_t)want ? end - (off_t)want : 0;
	ssize_t got = fd >= 0 ? pread(fd, buf, (size_t)(end - from), from) : -1;

	return got > 0 && memmem(buf, (size_t)got, needle, strlen(needle)) != NULL;
}

/* The file before the last rotation, for the part of the window the
 * current one is too short for. */
bool logfile_rotated_has(const char *path, const char *needle, size_t want, char *buf)
{
	char name[PATH_MAX + 16];
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (rotate_name(path, 1, name, sizeof(name)) < 0)
		return false;
	fd = open(name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	return logfile_tail_has(fd, st.st_size, want, needle, buf);
}

