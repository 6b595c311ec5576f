/* The built-in rotation's file work. The new file is made whole first (a
 * hidden sibling, its room reserved), and only then does the chain shift
 * and the new file take the log's name: a full disk leaves the log as it
 * is (audit.c keeps writing to it) instead of a log without room for the
 * records of creations already claimed. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/falloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fdutil.h"
#include "rotate.h"

#define SHIFT_MAX 100000	/* a bound on the chain walked (keep is at most 1000) */

int rotate_name(const char *path, unsigned n, char *out, size_t cap)
{
	int k = snprintf(out, cap, "%s.%u", path, n);

	return k < 0 || (size_t)k >= cap ? -ENAMETOOLONG : 0;
}

/* ".NAME.new" next to path. */
static int tmp_name(const char *path, char *out, size_t cap)
{
	const char *slash = strrchr(path, '/');
	int dir = slash ? (int)(slash - path + 1) : 0;
	int k = snprintf(out, cap, "%.*s.%s.new", dir, path, path + dir);

	return k < 0 || (size_t)k >= cap ? -ENAMETOOLONG : 0;
}

int rotate_new_file(const char *path, off_t room, char *tmp, size_t cap)
{
	_cleanup_close_ int fd = -1;
	int r = tmp_name(path, tmp, cap);

	if (r < 0)
		return r;
	(void)unlink(tmp);	/* left by a crash mid-rotation */
	fd = open(tmp, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW,
		  0600);
	if (fd < 0)
		return -errno;
	if (room > 0 && fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, room) < 0 &&
	    errno != EOPNOTSUPP) {
		r = -errno;
		(void)unlink(tmp);
		return r;
	}
	return TAKE_FD(fd);
}

static bool exists(const char *path, unsigned n)
{
	char name[PATH_MAX + 16];
	struct stat st;

	return rotate_name(path, n, name, sizeof(name)) == 0 && lstat(name, &st) == 0;
}

/* path.from to path.to (a missing one is no error). */
static void move(const char *path, unsigned from, unsigned to)
{
	char a[PATH_MAX + 16], b[PATH_MAX + 16];

	if (rotate_name(path, from, a, sizeof(a)) == 0 && rotate_name(path, to, b, sizeof(b)) == 0)
		(void)rename(a, b);
}

int rotate_shift(const char *path, const char *tmp, unsigned keep)
{
	char name[PATH_MAX + 16];
	unsigned top = 0;

	while (top < SHIFT_MAX && exists(path, top + 1))
		top++;	/* path.1 .. path.top are there */
	for (unsigned i = top; i >= keep && i > 0; i--)
		if (rotate_name(path, i, name, sizeof(name)) == 0)
			(void)unlink(name);	/* beyond keep, this one included */
	for (unsigned i = top < keep ? top : keep - 1; i > 0; i--)
		move(path, i, i + 1);
	if (rotate_name(path, 1, name, sizeof(name)) < 0)
		return -ENAMETOOLONG;
	if (rename(path, name) < 0 && errno != ENOENT)
		return -errno;	/* moved away meanwhile: no error */
	return rename(tmp, path) < 0 ? -errno : 0;
}

void rotate_prune(const char *path, unsigned days)
{
	time_t before = time(NULL) - (time_t)days * 86400;
	char name[PATH_MAX + 16];
	struct stat st;

	if (!days)
		return;
	for (unsigned i = 1; i <= SHIFT_MAX; i++) {
		if (rotate_name(path, i, name, sizeof(name)) < 0 || lstat(name, &st) < 0)
			return;
		if (S_ISREG(st.st_mode) && st.st_mtime < before)
			(void)unlink(name);
	}
}
