/* Preloaded into tracerd by t-sec-daemon.sh: epoll_create1 takes 300 ms,
 * widening the window between binding the name and the end of set-up
 * (the epoll set, the threads' eventfds). A client that finds the name
 * listening must find tracerd whole. */
#include <dlfcn.h>
#include <sys/epoll.h>
#include <time.h>

int epoll_create1(int flags)
{
	int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "epoll_create1");
	struct timespec ts = { .tv_nsec = 300 * 1000000L };

	nanosleep(&ts, NULL);
	return real(flags);
}
