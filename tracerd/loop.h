/* The epoll set, the answering threads and the main thread's watch. */
#ifndef TRACERD_LOOP_H
#define TRACERD_LOOP_H

/* Start the answering threads on the listening socket (bound, listening
 * or not yet). 0 or -errno. */
int loop_start(int listen_fd, unsigned nthreads, unsigned max_threads,
	       unsigned max_listeners, unsigned max_handshakes);

/* The main thread's duty until SIGTERM/SIGINT: watch for stalled calls,
 * call back idle parked threads, expire handshakes, and the service
 * duties (READY=1 first, then WATCHDOG=1, STATUS=, SIGHUP and SIGUSR1:
 * service.c), each at its deadline (none: no wake-up). Then stop
 * (STOPPING=1): answer what is in flight (2 s at most), close
 * everything. Returns the exit code. */
#define LOOP_UPGRADE (-1)	/* SIGUSR2: stopped for a re-exec (upgrade.c) */
#define LOOP_IDLE (-2)		/* --idle-exit: no program attached for that long */
int loop_supervise(void);

/* --idle-exit: loop_supervise also stops (LOOP_IDLE) once no program has
 * been attached for that many seconds (counted from the last detach, or
 * from the start if none attaches; 0: at once), unless a handshake is in
 * progress. Negative: never (the default; an idle tracerd then makes no
 * wake-ups). Before loop_supervise. */
void loop_idle_exit(long seconds);

#endif
