/* Finding the program to run, before anything else is set up. */
#ifndef NOTIF_RUN_FIND_H
#define NOTIF_RUN_FIND_H

#include <limits.h>

/* NAME as execvp would find it: a name with a '/' as it is, any other in
 * $PATH (unset: /usr/local/bin:/usr/bin:/bin). Writes the path to exec
 * into out. 0, -ENOENT (not found anywhere: exit 127), -EACCES or another
 * -errno (found, but not an executable regular file: exit 126). */
int find_program(const char *name, char out[PATH_MAX]);

/* Exec path with argv (argv[0] kept), and a file without a valid
 * executable format through /bin/sh (as execvp does). Returns only on
 * failure: the exit status to give (126, 127 for ENOENT) with errno set. */
int find_exec(const char *path, char **argv);

#endif
