/* creds FSUID FSGID GROUPS CAPS PATH: in this thread only, set the
 * supplementary groups (raw setgroups, comma list or "-" for none), fsgid,
 * fsuid and, with CAPS "none", drop every effective capability; then
 * mkdir(PATH, 0777). Prints "0" or the errno name (a root target that
 * changed its credentials; issue 3, "For root-run tracerd"). */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <unistd.h>

static int set_groups(char *list)
{
	gid_t g[64];
	size_t n = 0;

	if (strcmp(list, "-") != 0) {
		for (char *t = strtok(list, ","); t && n < 64; t = strtok(NULL, ","))
			g[n++] = (gid_t)strtoul(t, NULL, 10);
	}
	return (int)syscall(SYS_setgroups, n, g);
}

static int drop_caps(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	d[0].effective = 0;
	d[1].effective = 0;
	return (int)syscall(SYS_capset, &h, d);
}

int main(int argc, char **argv)
{
	const char *e;

	if (argc != 6) {
		fprintf(stderr, "usage: creds FSUID FSGID GROUPS CAPS PATH\n");
		return 2;
	}
	if (set_groups(argv[3]) < 0) {
		perror("setgroups");
		return 2;
	}
	setfsgid((gid_t)strtoul(argv[2], NULL, 10));
	setfsuid((uid_t)strtoul(argv[1], NULL, 10));
	if (strcmp(argv[4], "none") == 0 && drop_caps() < 0) {
		perror("capset");
		return 2;
	}
	if (syscall(SYS_mkdir, argv[5], 0777) == 0) {
		printf("0\n");
		return 0;
	}
	e = strerrorname_np(errno);
	printf("%s\n", e ? e : "E?");
	return 0;
}
