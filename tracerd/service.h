/* The main thread's duties to a service manager: READY=1 once serving,
 * STATUS= kept current, WATCHDOG=1 while the main loop and the handshake
 * thread are alive, the reload and reopen signals, STOPPING=1. Without
 * $NOTIFY_SOCKET only the signals do anything, and an idle tracerd still
 * makes no wake-ups: there is a deadline only for a watchdog that was
 * asked for, a STATUS= change held back, or a test hook. */
#ifndef TRACERD_SERVICE_H
#define TRACERD_SERVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "item.h"

/* The handshake thread's heartbeat: an eventfd the main thread pokes
 * before each WATCHDOG=1 and the handshake thread answers, so that
 * WATCHDOG=1 says the handshake path is alive too. Add the item to the
 * handshake thread's epoll set (EPOLLIN). 0 or -errno. */
int service_beat_init(void);
struct item *service_beat_item(void);

/* From the main thread once the threads run: unblock SIGABRT here (the
 * manager's watchdog signal must kill, not wait), arm the watchdog and
 * the test hook's freeze, send READY=1 and the first STATUS=. */
void service_ready(uint64_t now_ms);

/* What is due at now_ms (WATCHDOG=1, STATUS=, the freeze hook); returns
 * the time of the next duty, UINT64_MAX for none. */
uint64_t service_tick(uint64_t now_ms);

/* A signal from the main loop's signalfd: SIGHUP reloads what can be
 * reloaded (RELOADING=1, the log reopened, READY=1), SIGUSR1 reopens the
 * log. Returns true when the signal means stop (SIGTERM, SIGINT): then
 * STOPPING=1 has been sent; or a re-exec (SIGUSR2): RELOADING=1. */
bool service_signal(int sig);

#endif
