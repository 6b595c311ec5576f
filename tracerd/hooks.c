/* Test hooks, in one place: see hooks.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hooks.h"
#include "log.h"

static const char *const point_name[] = {
	[HOOK_BEFORE_KEEP] = "before-keep",
	[HOOK_AFTER_RECV] = "after-recv",
	[HOOK_BEFORE_CREATE] = "before-create",
	[HOOK_AFTER_CREATE] = "after-create",
	[HOOK_AFTER_RECORD] = "after-record",
	[HOOK_BEFORE_SEND] = "before-send",
};

static struct {
	unsigned delay_ms;
	const char *stall;	/* marker, or NULL */
	unsigned stall_ms;
	enum hook_point stall_at;
	bool no_sync_wake_up;
	bool no_inflight;
	bool freeze_main;
	unsigned freeze_main_ms;
	unsigned journal_sndbuf;
} hooks = { .stall_ms = 3000, .stall_at = HOOK_BEFORE_CREATE };

/* NAME's value as a number up to max (of unit): 1, 0 when unset, or
 * -EINVAL with a message. */
static int number_of(const char *name, unsigned *out, unsigned long max, const char *unit)
{
	const char *v = getenv(name);
	char *end;
	unsigned long n;

	if (!v)
		return 0;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || end == v || *end || n > max) {
		log_error("%s='%s': not a number of %s up to %lu", name, v, unit, max);
		return -EINVAL;
	}
	*out = (unsigned)n;
	log_warn("test hook %s=%lu is active (tests only)", name, n);
	return 1;
}

static int number(const char *name, unsigned *out)
{
	return number_of(name, out, 3600 * 1000, "milliseconds");
}

static int point(const char *name, enum hook_point *out)
{
	const char *v = getenv(name);

	if (!v)
		return 0;
	for (unsigned i = 0; i < sizeof(point_name) / sizeof(point_name[0]); i++) {
		if (!strcmp(v, point_name[i])) {
			*out = (enum hook_point)i;
			log_warn("test hook %s=%s is active (tests only)", name, v);
			return 1;
		}
	}
	log_error("%s='%s': not one of before-keep, after-recv, before-create, after-create, "
		  "after-record, before-send", name, v);
	return -EINVAL;
}

int hooks_init(void)
{
	const char *v = getenv("TRACERD_TEST_STALL");
	int r;

	if (number("TRACERD_TEST_DELAY_MS", &hooks.delay_ms) < 0 ||
	    number("TRACERD_TEST_STALL_MS", &hooks.stall_ms) < 0 ||
	    point("TRACERD_TEST_STALL_AT", &hooks.stall_at) < 0)
		return -EINVAL;
	r = number("TRACERD_TEST_FREEZE_MAIN_AFTER_MS", &hooks.freeze_main_ms);
	if (r < 0 || number_of("TRACERD_TEST_JOURNAL_SNDBUF", &hooks.journal_sndbuf, 1 << 24,
			       "bytes") < 0)
		return -EINVAL;
	hooks.freeze_main = r > 0;
	if (v && *v) {
		hooks.stall = v;
		log_warn("test hook TRACERD_TEST_STALL is active (tests only): calls whose "
			 "path has the marker are held %u ms at %s", hooks.stall_ms,
			 point_name[hooks.stall_at]);
	}
	hooks.no_inflight = getenv("TRACERD_TEST_NO_INFLIGHT") != NULL;
	if (hooks.no_inflight)
		log_warn("test hook TRACERD_TEST_NO_INFLIGHT is active (tests only): no in-flight "
			 "table");
	hooks.no_sync_wake_up = getenv("TRACERD_TEST_NO_SYNC_WAKE_UP") != NULL;
	if (hooks.no_sync_wake_up)
		log_warn("test hook TRACERD_TEST_NO_SYNC_WAKE_UP is active (tests only)");
	return 0;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void hook_pause(enum hook_point p, const char *path)
{
	if (p == HOOK_AFTER_RECV && hooks.delay_ms)
		sleep_ms(hooks.delay_ms);
	if (hooks.stall && p == hooks.stall_at &&
	    (p <= HOOK_AFTER_RECV || (path && strstr(path, hooks.stall))))
		sleep_ms(hooks.stall_ms);
}

bool hook_no_inflight(void)
{
	return hooks.no_inflight;
}

bool hook_no_sync_wake_up(void)
{
	return hooks.no_sync_wake_up;
}

uint64_t hook_freeze_main_at(uint64_t start_ms)
{
	return hooks.freeze_main ? start_ms + hooks.freeze_main_ms : UINT64_MAX;
}

void hook_freeze_main(void)
{
	log_warn("test hook TRACERD_TEST_FREEZE_MAIN_AFTER_MS: the main loop stops now");
	for (;;)
		sleep_ms(3600 * 1000);
}

unsigned hook_journal_sndbuf(void)
{
	return hooks.journal_sndbuf;
}
