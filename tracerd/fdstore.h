/* The service manager's fd store (FDSTORE=1, sd_pid_notify_with_fds(3),
 * written by hand): every attached listener is kept there under a name
 * that says its id and its program's pid, so that a restarted tracerd
 * adopts it instead of the program losing supervision. */
#ifndef TRACERD_FDSTORE_H
#define TRACERD_FDSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Stored fds a restart may find that are not listeners (the in-flight
 * table), and room for listeners systemd has not dropped yet (it drops
 * one when POLLHUP says its programs are gone, after our detach). */
#define FDSTORE_RESERVE 16

#define FDSTORE_NAME_MAX 64	/* "listener-" id "-" pid, NUL */

/* --fd-store-max N (FileDescriptorStoreMax=), else $FDSTORE (systemd
 * 254 and later set it), else 0: no store. */
void fdstore_init(unsigned max);
unsigned fdstore_max(void);

/* How many listeners may be attached so that the store never overflows
 * (systemd 252 closes an fd pushed beyond its max with only a warning):
 * max - FDSTORE_RESERVE; UINT32_MAX without a store. */
unsigned fdstore_room(void);

/* Push a listener: 1 stored, 0 no store, -errno. */
int fdstore_push_listener(int fd, uint64_t id, pid_t pid);

/* Any fd under a name of its own (the in-flight table), and the removal
 * of every fd of a name: only for names no other fd has. 1, 0 (no store),
 * -errno. */
int fdstore_push(int fd, const char *name);
int fdstore_remove(const char *name);

/* "listener-ID-PID" (FDNAME: printable ASCII, no ':'): format, parse.
 * Parse: 0, or -EINVAL when name is not exactly that with ID >= 1 and
 * 1 <= PID <= INT32_MAX, decimal without sign or leading zeros. */
int fdstore_listener_name(char *buf, size_t cap, uint64_t id, pid_t pid);
int fdstore_parse_listener(const char *name, uint64_t *ret_id, pid_t *ret_pid);

#endif
