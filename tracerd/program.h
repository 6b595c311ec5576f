/* The attach event of a program: its pid, attach id, exe and command line
 * (read from /proc as tracerd), so that a reader sees which program a
 * supervised run was. */
#ifndef TRACERD_PROGRAM_H
#define TRACERD_PROGRAM_H

#include <stdint.h>
#include <sys/types.h>

/* Write the attach event of attach id for the program whose thread tid
 * is (pid: the program's pid at attach). An exe or command line that
 * cannot be read is left out; each is cut at PROGRAM_FIELD_MAX bytes. */
#define PROGRAM_FIELD_MAX 1024
void program_attached(pid_t tid, pid_t pid, uint64_t id);

#endif
