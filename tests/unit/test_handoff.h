/* Shared by the parts of the handoff unit test. */
#ifndef NOTIF_TEST_HANDOFF_H
#define NOTIF_TEST_HANDOFF_H

#include <stdint.h>
#include <sys/types.h>

#include "handoff.h"

/* The wrapped prctl (PR_SET_PTRACER only): what it was asked. */
struct fake_prctl {
	int calls;
	unsigned long arg;
	int ret_errno;		/* 0: succeed */
};
extern struct fake_prctl fake;

/* A fake tracerd's listening socket on name (setup binds it). */
struct handoff_fixture {
	char name[64];
	int srv, cli, acc;
	int listener;	/* stands in for the seccomp listener */
	struct handoff h;
};
extern struct handoff_fixture t;

int setup(void **state);
int teardown(void **state);
int64_t now_ms(void);

/* test_handoff_retry.c: its failures. */
int handoff_retry_run(void);

#endif
