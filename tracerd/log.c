/* stderr diagnostics, with a <N> level prefix only when stderr is the
 * journal ($JOURNAL_STREAM names it) or --level-prefix was given. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static int log_prefix;

void log_setup(int level_prefix)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long dev, ino;
	struct stat st;

	log_prefix = level_prefix;
	if (!log_prefix && js && sscanf(js, "%lu:%lu", &dev, &ino) == 2 &&
	    fstat(STDERR_FILENO, &st) == 0 && st.st_dev == dev && st.st_ino == ino)
		log_prefix = 1;
}

__attribute__((format(printf, 3, 0)))
static void vlog(int level, int r, const char *fmt, va_list ap)
{
	char buf[1024];
	int n = 0;

	if (log_prefix)
		n = snprintf(buf, sizeof(buf), "<%d>", level);
	n += snprintf(buf + n, sizeof(buf) - (size_t)n, "tracerd: ");
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	if (n >= (int)sizeof(buf) - 64)
		n = (int)sizeof(buf) - 64;
	if (r < 0)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, ": %s", strerror(-r));
	buf[n++] = '\n';
	(void)!write(STDERR_FILENO, buf, (size_t)n);
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, 0, fmt, ap);
	va_end(ap);
}

int log_errno(int level, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, r, fmt, ap);
	va_end(ap);
	return r;
}
