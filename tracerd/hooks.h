/* Test hooks: read once from the environment at start (so a test, or a
 * service's `systemctl --user set-environment`, can set them), each one
 * logged once on stderr when active. For tests only, no stability
 * promise: docs/ENVIRONMENT.md lists them. */
#ifndef TRACERD_HOOKS_H
#define TRACERD_HOOKS_H

#include <stdbool.h>
#include <stdint.h>

/* Where a call can be held, in the order a call passes them. */
enum hook_point {
	HOOK_BEFORE_KEEP,	/* received, not yet in the in-flight table: every call */
	HOOK_AFTER_RECV,	/* the path is not read yet: every call */
	HOOK_BEFORE_CREATE,
	HOOK_AFTER_CREATE,
	HOOK_AFTER_RECORD,
	HOOK_BEFORE_SEND,
};

/* Read TRACERD_TEST_* once; logs each active hook. 0, or -EINVAL (with a
 * message) for a value it cannot take. */
int hooks_init(void);

/* Hold the call here when a hook says so: TRACERD_TEST_DELAY_MS at
 * HOOK_AFTER_RECV for every call; TRACERD_TEST_STALL (a marker in the
 * path; NULL path: the path is not known yet) for TRACERD_TEST_STALL_MS at
 * TRACERD_TEST_STALL_AT. */
void hook_pause(enum hook_point p, const char *path);

/* TRACERD_TEST_NO_INFLIGHT: no in-flight table (the bench's A/B). */
bool hook_no_inflight(void);

/* TRACERD_TEST_NO_SYNC_WAKE_UP: leave listeners without SYNC_WAKE_UP. */
bool hook_no_sync_wake_up(void);

/* TRACERD_TEST_JOURNAL_SNDBUF: the journal socket's send buffer in bytes
 * (records then take the memfd path); 0 without the hook. */
unsigned hook_journal_sndbuf(void);

/* TRACERD_TEST_FREEZE_MAIN_AFTER_MS: when the main loop, started at
 * start_ms, is to stop for good (what a watchdog must notice while the
 * other threads go on); UINT64_MAX without the hook. */
uint64_t hook_freeze_main_at(uint64_t start_ms);
/* Stop the calling thread for good. */
_Noreturn void hook_freeze_main(void);

#endif
