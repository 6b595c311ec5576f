/* preinit PRE MAIN: mkdir(PRE) from a DT_PREINIT_ARRAY function, which
 * ld.so runs before the constructors of preloaded libraries (so before
 * libnotif.so installs its filter), then mkdir(MAIN) from main. Prints
 * "pre=R main=R", each R "0" or the errno name. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int pre_err = -1;	/* -1: the preinit function did not run */

static void pre(int argc, char **argv, char **envp)
{
	(void)envp;
	if (argc < 3)
		return;
	pre_err = mkdir(argv[1], 0755) < 0 ? errno : 0;
}

__attribute__((section(".preinit_array"), used))
static void (*const pre_entry)(int, char **, char **) = pre;

static const char *name(int e)
{
	const char *n;

	if (e < 0)
		return "not-run";
	if (e == 0)
		return "0";
	n = strerrorname_np(e);
	return n ? n : "E?";
}

int main(int argc, char **argv)
{
	int main_err;

	if (argc < 3) {
		fprintf(stderr, "usage: preinit PRE MAIN\n");
		return 2;
	}
	main_err = mkdir(argv[2], 0755) < 0 ? errno : 0;
	printf("pre=%s main=%s\n", name(pre_err), name(main_err));
	return 0;
}
