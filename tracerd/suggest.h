/* tracerd policy suggest: a policy, in the file's syntax, that would
 * have allowed every call the logs show created. */
#ifndef TRACERD_SUGGEST_H
#define TRACERD_SUGGEST_H

#include <stdbool.h>
#include <stdio.h>

/* The policy for the calls of logs[0..n-1] to out (deny lines too with
 * keep_denials); home is the daemon user's home as it is now (realpath),
 * or NULL. 0, or -errno with *bad the log that could not be read. */
int suggest_run(FILE *out, char *const *logs, unsigned n, bool keep_denials, const char *home,
		unsigned *bad);

#endif
