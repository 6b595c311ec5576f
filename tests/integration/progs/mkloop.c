/* mkloop: mkdir in a loop until a stop file appears, each call's result
 * logged by the program itself, so a test can join what the program was
 * answered with what tracerd recorded (issue 19: reload under load).
 *
 *   mkloop DIR TAG STOPFILE [PAUSE_US]
 *
 * Call n is mkdir("DIR/TAG-n", 0755); one line per call on stdout,
 * "PATH 0" or "PATH ERRNONAME"; a directory made is removed at once
 * (rmdir is not supervised) so the loop leaves nothing behind. PAUSE_US
 * (default 1000) paces the loop so that the log of a 10 s run stays small.
 * The last line is "done N"; exit 0 when every call got an answer. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MKLOOP_MAX 1000000	/* a bound if the stop file never comes */

static const char *errname(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "E?";
}

int main(int argc, char **argv)
{
	char path[4096];
	unsigned long n;
	useconds_t pause_us;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: mkloop DIR TAG STOPFILE [PAUSE_US]\n");
		return 2;
	}
	pause_us = argc == 5 ? (useconds_t)strtoul(argv[4], NULL, 10) : 1000;
	for (n = 0; n < MKLOOP_MAX && access(argv[3], F_OK) != 0; n++) {
		snprintf(path, sizeof(path), "%s/%s-%lu", argv[1], argv[2], n);
		if (mkdir(path, 0755) == 0) {
			printf("%s 0\n", path);
			(void)rmdir(path);
		} else {
			printf("%s %s\n", path, errname(errno));
		}
		if (pause_us)
			usleep(pause_us);
	}
	printf("done %lu\n", n);
	return fflush(stdout) == 0 ? 0 : 1;
}
