/* Lines from a log file for `tracerd log` (logread.c), for reading it
 * through once and for following it as it grows: a line is handed out
 * only once its '\n' is there, the rest waits for more. */
#ifndef TRACERD_LOGREAD_H
#define TRACERD_LOGREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Longer than any line tracerd writes (AUDIT_LINE_MAX) by far: a longer
 * one is dropped whole, and counted. */
#define LOGREAD_MAX (1024 * 1024)

struct logread {
	int fd;			/* -1: none open */
	char *buf;
	size_t off, len, cap;	/* buf[off..len) not handed out yet */
	off_t pos;		/* bytes read from fd */
	bool dropping;		/* inside an overlong line */
	unsigned long dropped;	/* overlong lines dropped */
};

/* Start reading fd (owned from now on) from its start. */
void logread_init(struct logread *r, int fd);

/* The next whole line, '\n' included: 1; 0 when none is whole before the
 * end of the file as it is now; -errno from read(2) or -ENOMEM. */
int logread_line(struct logread *r, const char **line, size_t *n);

/* What is left after the last '\n' (a torn or unterminated last line):
 * true with it, then it is gone. */
bool logread_rest(struct logread *r, const char **line, size_t *n);

/* Back to the start of the file (it was truncated): what was buffered is
 * dropped. */
void logread_rewind(struct logread *r);

/* Close the fd and free the buffer. */
void logread_close(struct logread *r);

#endif
