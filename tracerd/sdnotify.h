/* The service manager's notification protocol ($NOTIFY_SOCKET), written
 * by hand as systemd's own self-contained example does (sd_notify(3),
 * sd_watchdog_enabled(3)): datagrams of NEWLINE-separated VAR=value
 * lines. Without $NOTIFY_SOCKET every send is a no-op, so tracerd run by
 * hand behaves the same. */
#ifndef TRACERD_SDNOTIFY_H
#define TRACERD_SDNOTIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#define SDNOTIFY_STATUS_MAX 256
#define SDNOTIFY_STATUS_GAP_MS 1000	/* at most one STATUS= a second */

/* $NOTIFY_SOCKET as an address: "/path" or "@abstract". 1 with the
 * address, 0 when v is NULL or empty (nobody listens), -EINVAL when it is
 * neither form, "@" alone or longer than sun_path holds. */
int sdnotify_addr(const char *v, struct sockaddr_un *ret_addr, socklen_t *ret_len);

/* $WATCHDOG_USEC / $WATCHDOG_PID: 1 with the interval in µs, 0 when no
 * watchdog is asked of this process (usec unset, or pid another
 * process's), -EINVAL when a value is not a positive decimal number. */
int sdnotify_watchdog_parse(const char *usec, const char *pid, pid_t self, uint64_t *ret_usec);

/* Read the environment once and open the datagram socket (CLOEXEC).
 * 0; -EINVAL for an unusable $NOTIFY_SOCKET (the protocol is off);
 * -ERANGE for an unusable $WATCHDOG_USEC/$WATCHDOG_PID (the watchdog is
 * off); another -errno when the socket cannot be made. The caller says
 * so and goes on. */
int sdnotify_init(void);
void sdnotify_close(void);

/* A service manager listens. */
bool sdnotify_enabled(void);
/* The watchdog interval in µs, 0 when none. */
uint64_t sdnotify_watchdog_usec(void);

/* Send one message: 1 sent, 0 nobody listens, -errno. */
int sdnotify_send(const char *msg);
/* The same with one fd attached (SCM_RIGHTS): FDSTORE=1. */
int sdnotify_send_fd(const char *msg, int fd);

/* "READY=1"; "STOPPING=1"; "WATCHDOG=1";
 * "RELOADING=1" with MONOTONIC_USEC= (what Type=notify-reload wants). */
int sdnotify_ready(void);
int sdnotify_stopping(void);
int sdnotify_watchdog(void);
int sdnotify_reloading(void);

/* STATUS= kept current at most once a second. Sends text when it differs
 * from the last one sent and SDNOTIFY_STATUS_GAP_MS have passed since;
 * returns when a change still unsent may go (ms), UINT64_MAX when there
 * is none. now_ms on any monotonic clock. */
uint64_t sdnotify_status(const char *text, uint64_t now_ms);

/* The rate limit alone, for tests: as sdnotify_status, with the state
 * given, *send set when text is to go now (the caller sends it). */
struct sdnotify_rate {
	char last[SDNOTIFY_STATUS_MAX];
	uint64_t last_ms;
	bool sent;
};
uint64_t sdnotify_rate(struct sdnotify_rate *s, const char *text, uint64_t now_ms, bool *send);

#endif
