/* Preloaded before libnotif.so by t-restart-client.sh: libnotif's
 * prctl(PR_SET_NO_NEW_PRIVS), which comes after its connect and before its
 * filter and hello, waits at a gate. With NOTIF_GATE=PATH it creates
 * PATH.in (the program is connected) and waits until PATH exists (10 s at
 * most), so a test can stop tracerd under a handshake in progress. */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

int prctl(int option, ...)
{
	int (*real)(int, ...) = (int (*)(int, ...))dlsym(RTLD_NEXT, "prctl");
	const char *gate = getenv("NOTIF_GATE");
	unsigned long a[4];
	va_list ap;

	va_start(ap, option);
	for (int i = 0; i < 4; i++)
		a[i] = va_arg(ap, unsigned long);
	va_end(ap);
	if (option == PR_SET_NO_NEW_PRIVS && gate) {
		struct timespec ts = { .tv_nsec = 2 * 1000000L };
		char in[4096];
		int fd;

		snprintf(in, sizeof(in), "%s.in", gate);
		fd = open(in, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd >= 0)
			close(fd);
		for (int i = 0; i < 5000 && access(gate, F_OK) != 0; i++)
			nanosleep(&ts, NULL);
	}
	return real(option, a[0], a[1], a[2], a[3]);
}
