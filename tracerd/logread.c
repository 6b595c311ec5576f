/* Reading a log file line by line. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logread.h"

#define CHUNK (64 * 1024)

void logread_init(struct logread *r, int fd)
{
	char *buf = r->buf;
	size_t cap = r->cap;
	unsigned long dropped = r->dropped;

	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->buf = buf;	/* the buffer is kept from one file to the next */
	r->cap = cap;
	r->dropped = dropped;
}

/* Read once more at the end of the buffer: bytes read, 0 at the end. */
static ssize_t fill(struct logread *r)
{
	ssize_t k;

	if (r->off > 0) {
		memmove(r->buf, r->buf + r->off, r->len - r->off);
		r->len -= r->off;
		r->off = 0;
	}
	if (r->cap - r->len < CHUNK) {
		char *p = realloc(r->buf, r->len + 2 * CHUNK);

		if (!p)
			return -ENOMEM;
		r->buf = p;
		r->cap = r->len + 2 * CHUNK;
	}
	do
		k = read(r->fd, r->buf + r->len, r->cap - r->len);
	while (k < 0 && errno == EINTR);
	if (k < 0)
		return -errno;
	r->len += (size_t)k;
	r->pos += k;
	return k;
}

/* Within an overlong line: forget what came, up to its '\n'. */
static bool drop(struct logread *r)
{
	char *nl = r->len > r->off ? memchr(r->buf + r->off, '\n', r->len - r->off) : NULL;

	if (!nl) {
		r->off = r->len;
		return true;
	}
	r->off = (size_t)(nl - r->buf) + 1;
	r->dropping = false;
	r->dropped++;
	return false;
}

int logread_line(struct logread *r, const char **line, size_t *n)
{
	for (;;) {
		char *nl;
		ssize_t k;

		if (!r->dropping || !drop(r)) {
			nl = r->len > r->off ? memchr(r->buf + r->off, '\n', r->len - r->off)
					     : NULL;
			if (nl) {
				*line = r->buf + r->off;
				*n = (size_t)(nl - *line) + 1;
				r->off += *n;
				return 1;
			}
			if (r->len - r->off > LOGREAD_MAX) {
				r->dropping = true;
				r->off = r->len;
			}
		}
		k = r->fd >= 0 ? fill(r) : 0;
		if (k <= 0)
			return (int)k;
	}
}

bool logread_rest(struct logread *r, const char **line, size_t *n)
{
	if (r->dropping) {
		r->dropping = false;
		r->dropped++;
		r->off = r->len;
	}
	if (r->off == r->len)
		return false;
	*line = r->buf + r->off;
	*n = r->len - r->off;
	r->off = r->len;
	return true;
}

void logread_rewind(struct logread *r)
{
	(void)lseek(r->fd, 0, SEEK_SET);
	r->off = r->len = 0;
	r->pos = 0;
	r->dropping = false;
}

void logread_close(struct logread *r)
{
	if (r->fd >= 0)
		(void)close(r->fd);
	free(r->buf);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}
