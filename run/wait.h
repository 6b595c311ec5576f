/* The parent of --summary and --private: it waits for the program. */
#ifndef NOTIF_RUN_WAIT_H
#define NOTIF_RUN_WAIT_H

#include <sys/types.h>

/* Prepare to wait for a child about to be forked: SIGINT and SIGQUIT
 * ignored (the terminal sends them to the whole process group: the
 * program decides), SIGTERM and SIGHUP passed on to the child; the
 * job-control signals keep their defaults, so Ctrl-Z and fg stop and
 * continue both. Call before fork; the child calls wait_child_reset. */
void wait_prepare(void);
void wait_child_reset(void);

/* Wait for child; its wait status, or -1. */
int wait_for(pid_t child);

/* The exit status for a wait status: the program's, or 128+N. */
int wait_exit_status(int status);

/* End as the child ended: exit with its status, or die of its signal
 * (without a core dump of ours). Never returns. */
__attribute__((noreturn)) void wait_end_like(int status);

#endif
