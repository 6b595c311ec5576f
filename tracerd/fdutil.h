/* Ownership of fds and heap memory in tracerd: a variable marked
 * _cleanup_close_ or _cleanup_free_ is released when it goes out of
 * scope, and TAKE_FD/TAKE_PTR hand it on (systemd's fd-util.h,
 * bubblewrap's cleanup_fd/steal_pointer). */
#ifndef TRACERD_FDUTIL_H
#define TRACERD_FDUTIL_H

#include <stdlib.h>
#include <unistd.h>

static inline void fdutil_closep(const int *fd)
{
	if (*fd >= 0)
		(void)close(*fd);
}

static inline void fdutil_freep(void *p)
{
	free(*(void **)p);
}

static inline int fdutil_take_fd(int *fd)
{
	int r = *fd;

	*fd = -1;
	return r;
}

static inline void *fdutil_take_ptr(void *p)
{
	void *r = *(void **)p;

	*(void **)p = NULL;
	return r;
}

#define _cleanup_close_ __attribute__((cleanup(fdutil_closep)))
#define _cleanup_free_ __attribute__((cleanup(fdutil_freep)))
#define TAKE_FD(fd) fdutil_take_fd(&(fd))
#define TAKE_PTR(p) fdutil_take_ptr(&(p))

/* Replace the fd in *cur with fd, closing the old one. */
static inline void fdutil_replace(int *cur, int fd)
{
	if (*cur >= 0)
		(void)close(*cur);
	*cur = fd;
}

#endif
