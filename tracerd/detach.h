/* tracerd --detach: the command returns once the daemon listens. */
#ifndef TRACERD_DETACH_H
#define TRACERD_DETACH_H

/* Fork (before any thread exists). In the parent: wait until the child
 * says it listens (0) or exits (its exit status; 128+N for a signal), and
 * return 1 with that in *ret_status. In the child (a session of its own,
 * stdio as given): 0. -errno when the fork fails. */
int detach_fork(int *ret_status);

/* The child listens: the parent may return 0 now. */
void detach_ready(void);

#endif
