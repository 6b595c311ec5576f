/* The instrumented daemon's counters (tracerd/stages.h), linked only into
 * $(B)/stages/tracerd, and their dump on stderr when tracerd exits: one
 * line per class and stage, "stage CLASS STAGE CALLS TOTAL_NS", which
 * tests/bench/stages.sh turns into the table. A destructor, so that no
 * line of tracerd's own stop path has to know about it. */
#include <stdio.h>

#include "../../tracerd/stages.h"

struct stage_totals stage_totals[STAGE_CLASSES];
__thread uint64_t stage_last, stage_call[STAGE_N];

static const char *const stage_name[STAGE_N] = {
	[STAGE_FACTS] = "facts",	[STAGE_PATH] = "path",
	[STAGE_RESOLVE] = "resolve",	[STAGE_ANCESTRY] = "ancestry",
	[STAGE_POLICY] = "policy",	[STAGE_PROBE] = "probe",
	[STAGE_CREATE] = "create",	[STAGE_RECORD] = "record",
	[STAGE_ANSWER] = "answer",	[STAGE_OTHER] = "other",
};

static const char *const class_name[STAGE_CLASSES] = {
	[STAGE_CREATED] = "created", [STAGE_REFUSED] = "refused", [STAGE_ELSE] = "else",
};

__attribute__((destructor)) static void stages_dump(void)
{
	for (int c = 0; c < STAGE_CLASSES; c++)
		for (int s = 0; s < STAGE_N; s++)
			fprintf(stderr, "stage %s %s %llu %llu\n", class_name[c], stage_name[s],
				(unsigned long long)stage_totals[c].calls,
				(unsigned long long)stage_totals[c].ns[s]);
}
