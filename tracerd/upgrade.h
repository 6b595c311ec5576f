/* Upgrades in place (SIGUSR2): tracerd execs the binary at the path it
 * was started from, passing its socket, its listeners and its in-flight
 * table as a service manager passes fds (LISTEN_PID is ours: exec keeps
 * the pid), so the new image adopts them exactly as after a restart. */
#ifndef TRACERD_UPGRADE_H
#define TRACERD_UPGRADE_H

/* At start, before the environment is trimmed: the path of our binary,
 * argv, and the service manager's variables to hand on. */
void upgrade_prepare(char **argv);

/* After the loop stopped for it: exec. Returns only on failure (said). */
int upgrade_exec(int socket_fd);

#endif
