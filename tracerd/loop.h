/* The epoll set and the answering threads. */
#ifndef TRACERD_LOOP_H
#define TRACERD_LOOP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum item_kind {
	ITEM_LISTEN,	/* the listening socket */
	ITEM_CLIENT,	/* a connection doing its handshake */
	ITEM_LISTENER,	/* an attached seccomp listener */
};

/* epoll_data.ptr points at one of these (first member of each struct). */
struct item {
	enum item_kind kind;
	int fd;
};

struct worker;

struct listener {
	struct item it;
	uint64_t id;		/* unique, never reused */
	pid_t pid;
	unsigned inuse;		/* threads inside a call of it (pool lock) */
	bool dead;		/* detached; freed when inuse drops to 0 */
	struct worker *parker;	/* the thread parked on it, if any (pool lock) */
};

struct client {
	struct item it;
	pid_t pid;
	uid_t uid;
	uint64_t deadline_ms;
	bool expired;
	struct client *prev, *next;
};

/* Start the answering threads on the listening socket. 0 or -errno. */
int loop_start(int listen_fd, unsigned nthreads);

/* The main thread's duty until SIGTERM/SIGINT: watch for stalled threads,
 * expire handshakes. Then stop: answer what is in flight (2 s at most),
 * close everything. Returns the exit code. */
int loop_supervise(void);

/* client.c */
void client_accept(int listen_fd);
void client_ready(struct client *cl);
void client_expire(uint64_t now_ms);
void client_detach(struct listener *l);
void client_set_limits(unsigned max_listeners, unsigned max_handshakes);
void client_close_all(void);

/* The epoll events a listener is armed with (level-triggered by default;
 * TRACERD_TEST_ARMING=edge|oneshot for the benchmark's comparison). */
uint32_t loop_listener_events(void);

uint64_t loop_now_ms(void);
int loop_epoll_fd(void);
/* The pool lock protects clients, listener lifetimes and leadership. */
void loop_lock(void);
void loop_unlock(void);

#endif
