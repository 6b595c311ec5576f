/* The attach event of a program: its pid, attach id, exe, command line,
 * cwd and fsuid (read from /proc as tracerd), so that a reader sees which
 * program a supervised run was. */
#ifndef TRACERD_PROGRAM_H
#define TRACERD_PROGRAM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* cmdline false (--no-cmdline): attach events leave the command line out,
 * as it can hold secrets. Before the first attach. */
void program_init(bool cmdline);

/* Write the attach event of attach id for the program whose thread tid
 * is (pid: the program's pid at attach). A field that cannot be read is
 * left out; the command line is cut at PROGPARSE_CMDLINE_MAX bytes, with
 * "cmdline_cut":true. */
void program_attached(pid_t tid, pid_t pid, uint64_t id);

#endif
