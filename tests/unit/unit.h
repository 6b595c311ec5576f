/* Helpers shared by the unit tests (header only: each test binary links
 * just its module's sources). */
#ifndef NOTIF_UNIT_H
#define NOTIF_UNIT_H

#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* The number of open fds of this process (valgrind's own are constant). */
static inline int unit_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own fd */
}

#define UNIT_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
