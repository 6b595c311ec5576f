/* What test_audit_file.c and test_audit_rotate.c share: a temp dir with
 * the log's path in it, removed after each test; a file read into one
 * buffer; the fd audit.c holds for a path (it is internal); and one
 * member of a JSON line checked to the letter. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "audit.h"
#include "jsoncheck.h"
#include "test_audit_fixture.h"

struct audit_fixture fx;

int fixture_setup(const char *tmpl, const char *log)
{
	snprintf(fx.dir, sizeof(fx.dir), "%s", tmpl);
	if (!mkdtemp(fx.dir))
		return -1;
	snprintf(fx.path, sizeof(fx.path), "%s/%s", fx.dir, log);
	return 0;
}

int fixture_teardown(void)
{
	char cmd[128];

	audit_close();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx.dir);
	return system(cmd) == 0 ? 0 : -1;
}

bool fixture_read(const char *p)
{
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, fx.content, sizeof(fx.content) - 1);
	assert_true(n >= 0);
	fx.content_len = (size_t)n;
	fx.content[n] = '\0';
	close(fd);
	return true;
}

/* Found through /proc/self/fd: the tests see no more of audit.c's fds. */
int fixture_fd_of(const char *p)
{
	char link[PATH_MAX], proc[32];

	for (int fd = 3; fd < 1024; fd++) {
		ssize_t n;

		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		n = readlink(proc, link, sizeof(link) - 1);
		if (n < 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, p) == 0)
			return fd;
	}
	fail_msg("no fd for %s", p);
	return -1;
}

void fixture_member(const char *l, size_t n, const char *key, int type, const char *want)
{
	struct jc_str v;

	assert_int_equal(jc_member(l, n, key, &v), type);
	assert_int_equal(v.len, strlen(want));
	assert_memory_equal(v.buf, want, v.len);
}
