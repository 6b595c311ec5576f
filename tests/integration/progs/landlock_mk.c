/* landlock_mk PATH: restrict itself with Landlock (a ruleset that handles
 * LANDLOCK_ACCESS_FS_MAKE_DIR and allows it nowhere), then mkdir(PATH).
 * Prints "0" or the errno name; prints "nolandlock" and exits 3 when
 * landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION) fails,
 * "setup ERRNO" and exits 4 when the restriction cannot be applied. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#endif
#ifndef __NR_landlock_restrict_self
#define __NR_landlock_restrict_self 446
#endif
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif
#ifndef LANDLOCK_ACCESS_FS_MAKE_DIR
#define LANDLOCK_ACCESS_FS_MAKE_DIR (1ULL << 7)
#endif

/* the ABI 1 layout (enough for handled_access_fs) */
struct ll_ruleset_attr {
	uint64_t handled_access_fs;
};

static const char *ename(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "E?";
}

int main(int argc, char **argv)
{
	struct ll_ruleset_attr attr = { .handled_access_fs = LANDLOCK_ACCESS_FS_MAKE_DIR };
	long abi, fd;

	if (argc < 2) {
		fprintf(stderr, "usage: landlock_mk PATH\n");
		return 2;
	}
	abi = syscall(__NR_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0) {
		printf("nolandlock\n");
		return 3;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		printf("setup %s\n", ename(errno));
		return 4;
	}
	fd = syscall(__NR_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0) {
		printf("setup %s\n", ename(errno));
		return 4;
	}
	if (syscall(__NR_landlock_restrict_self, (int)fd, 0) < 0) {
		printf("setup %s\n", ename(errno));
		return 4;
	}
	close((int)fd);
	if (mkdir(argv[1], 0755) < 0)
		printf("%s\n", ename(errno));
	else
		printf("0\n");
	return 0;
}
