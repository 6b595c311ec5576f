/* The options of `tracerd log` (logcmd_opts.c). */
#ifndef TRACERD_LOGCMD_OPTS_H
#define TRACERD_LOGCMD_OPTS_H

#include <stdbool.h>
#include <stddef.h>

#include "logfilter.h"

struct logcmd_opts {
	struct logfilter f;
	bool json, summary, follow, help;
	char **files;		/* argv's FILE operands */
	int nfiles;
};

/* Parse argv (argv[0] is "log") with now_us for the relative TIMEs. 0, or
 * -EINVAL with a message for the user in err; -ENOMEM. */
int logcmd_opts_parse(int argc, char **argv, long long now_us, struct logcmd_opts *o,
		      char *err, size_t errlen);

/* NAME as an errno name glibc knows (any case): its canonical spelling,
 * or NULL. */
const char *logcmd_errno_name(const char *name);

extern const char logcmd_usage[];

#endif
