/* Where a call's time goes, stage by stage (issue 20): compiled only into
 * the instrumented daemon $(B)/stages/tracerd (-DTRACERD_STAGES), which
 * tests/bench/stages.sh runs. In every other build each mark is nothing:
 * no code, no data, no clock read.
 *
 * STAGE_START() at the top of a call starts its clock; STAGE_MARK(S)
 * charges the time since the previous mark (or the start) to stage S, so
 * the stages of a call always add up to its whole time in tracerd, from
 * RECV's return to SEND's; STAGE_END(C) adds the call to class C's totals
 * (created, refused, other). The marks of a call go into per-thread
 * counters, the totals into shared ones with relaxed atomic adds, printed
 * on stderr when tracerd exits (tests/bench/stagesdump.c). */
#ifndef TRACERD_STAGES_H
#define TRACERD_STAGES_H

#ifdef TRACERD_STAGES
#include <stdint.h>
#include <string.h>
#include <time.h>

enum stage {
	STAGE_FACTS,	/* /proc status, exe, cwd, userns; NOTIF_ID_VALID */
	STAGE_PATH,	/* the path from the target's memory */
	STAGE_RESOLVE,	/* resolve_parent: the real parent, as the target */
	STAGE_ANCESTRY,	/* within(): the nearest rule on the parent's ancestry */
	STAGE_POLICY,	/* policy_decide() and the answer's choice */
	STAGE_PROBE,	/* the kernel's errno: probe (EEXIST) and prediction */
	STAGE_CREATE,	/* the mkdir on the judged parent, as the target */
	STAGE_RECORD,	/* room claimed, the record formatted and written */
	STAGE_ANSWER,	/* NOTIF_SEND */
	STAGE_OTHER,	/* the in-flight slot, the policy's reference, hooks */
	STAGE_N
};

enum stage_class { STAGE_CREATED, STAGE_REFUSED, STAGE_ELSE, STAGE_CLASSES };

struct stage_totals {
	uint64_t calls;
	uint64_t ns[STAGE_N];
};

extern struct stage_totals stage_totals[STAGE_CLASSES];
extern __thread uint64_t stage_last, stage_call[STAGE_N];

static inline uint64_t stage_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline void stage_start(void)
{
	memset(stage_call, 0, sizeof(stage_call));
	stage_last = stage_now();
}

static inline void stage_mark(enum stage s)
{
	uint64_t t = stage_now();

	stage_call[s] += t - stage_last;
	stage_last = t;
}

static inline void stage_end(enum stage_class c)
{
	__atomic_add_fetch(&stage_totals[c].calls, 1, __ATOMIC_RELAXED);
	for (int s = 0; s < STAGE_N; s++)
		__atomic_add_fetch(&stage_totals[c].ns[s], stage_call[s], __ATOMIC_RELAXED);
}

#define STAGE_START() stage_start()
#define STAGE_MARK(s) stage_mark(s)
#define STAGE_END(c) stage_end(c)
#else
#define STAGE_START() do { } while (0)
#define STAGE_MARK(s) do { } while (0)
#define STAGE_END(c) do { } while (0)
#endif

#endif
