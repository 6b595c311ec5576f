/* Paths compared component by component, for the offline tools that
 * work on the log's resolved strings (suggest, what-if): never for a
 * decision of the daemon, which is made on identities. */
#ifndef TRACERD_POLICYPATH_H
#define TRACERD_POLICYPATH_H

#include <stdbool.h>
#include <stdio.h>

/* Is path dir itself or beneath it ("/tmp" holds "/tmp/a", not "/tmpa")? */
bool policypath_under(const char *dir, const char *path);
/* The number of components ("/" 0, "/a/b" 2). */
unsigned policypath_depth(const char *path);
/* path cut to its parent in place ("/a" -> "/", "/" stays). */
void policypath_parent(char *path);
/* a cut to the deepest directory that holds both a and b. */
void policypath_common(char *a, const char *b);
/* Can a rule of the file name it (no white space inside)? */
bool policypath_writable(const char *path);
/* path as a rule writes it: ~/x under home (when home is not "/"). */
void policypath_put(FILE *out, const char *path, const char *home);
/* path for a comment or a report line: bytes other than printable
 * ASCII as \xNN. */
void policypath_show(FILE *out, const char *path);

#endif
