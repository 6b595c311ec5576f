/* The main loop's service duties (service.h). The watchdog is tied to the
 * main loop (the only thread that sends WATCHDOG=1) and to the handshake
 * thread (it must have answered the last poke), never to the answering
 * threads: a hung filesystem may hold every one of them legitimately, and
 * a restart would only replay the stalled call and stall again. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "audit.h"
#include "hooks.h"
#include "log.h"
#include "rules.h"
#include "sdnotify.h"
#include "service.h"
#include "stats.h"

static struct item beat_item = { .fd = -1 };
static atomic_ulong beats;	/* pokes the handshake thread answered */
static unsigned long beats_seen;
static uint64_t half_ms;	/* WATCHDOG=1 every half interval; 0: none */
static uint64_t next_ping = UINT64_MAX, freeze_at = UINT64_MAX;
static uint64_t status_at = UINT64_MAX;
static bool beat_warned;

/* On the handshake thread. */
static void on_beat(struct item *it, uint32_t events, struct worker *w)
{
	eventfd_t v;

	(void)events;
	(void)w;
	if (eventfd_read(it->fd, &v) == 0)
		atomic_fetch_add(&beats, 1);
}

int service_beat_init(void)
{
	beat_item.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	beat_item.on_event = on_beat;
	return beat_item.fd < 0 ? -errno : 0;
}

struct item *service_beat_item(void)
{
	return &beat_item;
}

static void poke(void)
{
	if (beat_item.fd >= 0)
		(void)eventfd_write(beat_item.fd, 1);
}

/* STATUS= when it changed, at most once a second (sdnotify.c). */
static void status(uint64_t now)
{
	char text[SDNOTIFY_STATUS_MAX];

	if (!sdnotify_enabled())
		return;
	stats_format(text, sizeof(text));
	status_at = sdnotify_status(text, now);
}

void service_ready(uint64_t now_ms)
{
	sigset_t abrt;
	uint64_t usec = sdnotify_watchdog_usec();

	sigemptyset(&abrt);
	sigaddset(&abrt, SIGABRT);
	pthread_sigmask(SIG_UNBLOCK, &abrt, NULL);
	freeze_at = hook_freeze_main_at(now_ms);
	if (usec) {
		half_ms = usec / 2000 ? usec / 2000 : 1;
		beats_seen = atomic_load(&beats);
		poke();
		next_ping = now_ms + half_ms;
	}
	(void)sdnotify_ready();
	status(now_ms);
}

/* WATCHDOG=1 only when the handshake thread answered the last poke. */
static void watchdog(uint64_t now)
{
	unsigned long b = atomic_load(&beats);

	if (b != beats_seen) {
		(void)sdnotify_watchdog();
		beats_seen = b;
		beat_warned = false;
	} else if (!beat_warned) {
		log_error("the handshake thread has not answered for %llu ms: no WATCHDOG=1",
			  (unsigned long long)half_ms);
		beat_warned = true;
	}
	poke();
	next_ping = now + half_ms;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

uint64_t service_tick(uint64_t now_ms)
{
	if (now_ms >= freeze_at)
		hook_freeze_main();
	if (now_ms >= next_ping)
		watchdog(now_ms);
	status(now_ms);
	return min_u64(min_u64(next_ping, freeze_at), status_at);
}

/* SIGHUP: the policy file read again, and a reload event either way
 * when there was a file to read. */
static void reload_policy(void)
{
	char why[512] = "";
	uint64_t gen = 0;
	unsigned n = 0;
	int r = rules_reload(&gen, &n, why, sizeof(why));
	struct audit_num ok[] = {
		{ .key = "ok", .v = 1, .boolean = true },
		{ .key = "policy_gen", .v = (long long)gen },
		{ .key = "rules", .v = n },
	}, bad[] = { { .key = "ok", .v = 0, .boolean = true } };

	if (r > 0) {
		log_info("policy reloaded: generation %llu, %u rules", (unsigned long long)gen, n);
		(void)audit_event_with("reload", 0, NULL, ok, 3);
	} else if (r < 0) {
		log_error("policy reload refused, the policy in force stays: %s", why);
		(void)audit_event_with("reload", 0, why, bad, 1);
	}
}

bool service_signal(int sig)
{
	switch (sig) {
	case SIGHUP:
		(void)sdnotify_reloading();
		(void)audit_reopen();
		reload_policy();
		(void)sdnotify_ready();
		return false;
	case SIGUSR1:
		(void)audit_reopen();
		return false;
	case SIGUSR2:	/* a re-exec: the new image says READY=1 */
		(void)sdnotify_reloading();
		return true;
	default:
		(void)sdnotify_stopping();
		return true;
	}
}
