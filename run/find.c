/* The program, looked up as env(1) does: a missing program is 127, one
 * that exists but cannot be executed is 126. Looked up before the hand-off,
 * so that a typo costs no daemon and no attach. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "find.h"
#include "options.h"

#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"

/* 0 when path is an executable regular file, else -errno. */
static int usable(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -EACCES;
	return access(path, X_OK) < 0 ? -errno : 0;
}

static int copy(const char *path, char out[PATH_MAX])
{
	size_t n = strlen(path);

	if (n >= PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(out, path, n + 1);
	return 0;
}

int find_program(const char *name, char out[PATH_MAX])
{
	const char *dirs = getenv("PATH"), *p, *end;
	char cand[PATH_MAX];
	int r, seen = -ENOENT;

	if (!name[0])
		return -ENOENT;
	if (strchr(name, '/'))
		return (r = usable(name)) < 0 ? r : copy(name, out);
	if (!dirs)
		dirs = DEFAULT_PATH;
	for (p = dirs;; p = end + 1) {
		size_t dl;
		int n;

		end = strchrnul(p, ':');
		dl = (size_t)(end - p);
		/* an empty entry is the current directory, as in execvp */
		n = dl ? snprintf(cand, sizeof(cand), "%.*s/%s", (int)dl, p, name) :
			 snprintf(cand, sizeof(cand), "%s", name);
		if (n > 0 && (size_t)n < sizeof(cand)) {
			r = usable(cand);
			if (r == 0)
				return copy(cand, out);
			/* found but unusable is remembered; a later usable one wins */
			if (r != -ENOENT && r != -ENOTDIR)
				seen = r;
		}
		if (!*end)
			break;
	}
	return seen;
}

int find_exec(const char *path, char **argv)
{
	int err;

	execv(path, argv);
	err = errno;
	if (err == ENOEXEC) {
		size_t n = 0;

		while (argv[n])
			n++;
		char *sh[n + 2], script[PATH_MAX];

		snprintf(script, sizeof(script), "%s", path);
		sh[0] = (char *)"sh";
		sh[1] = script;
		memcpy(sh + 2, argv + 1, n * sizeof(*argv));	/* with the NULL */
		execv("/bin/sh", sh);
	}
	errno = err;
	return err == ENOENT ? RUN_EXIT_NOTFOUND : RUN_EXIT_NOEXEC;
}
