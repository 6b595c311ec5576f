/* Reject events, bounded in total: what peers of any uid can make tracerd
 * write. Within an interval of REJECT_INTERVAL_MS, the first reject of a
 * key (peer uid and reason) is written at once; the others of that key are
 * counted and written as one event with the count when the interval ends.
 * At most REJECT_KEYS keys get events an interval, across every uid (a
 * root peer can present any uid): the rejects beyond them are summed into
 * one `reject-summary` event. So an interval writes at most
 * 2 * REJECT_KEYS + 1 events, whatever the flood.
 *
 * Its lock is taken alone (pool.c's lock order): the events are formatted
 * and written once it is released. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "pool.h"
#include "rejects.h"

#define REJECT_INTERVAL_MS 1000
#define REJECT_KEYS 8
#define REJECT_REASON 96
#define REJECT_UIDS 64		/* distinct uids a summary counts, at most */

struct key {
	uid_t uid;
	pid_t pid;		/* the last reject's */
	unsigned long more;	/* rejects after the first, not yet written */
	char reason[REJECT_REASON];
};

struct interval {
	uint64_t end;		/* ms; 0: none open */
	unsigned nkeys;
	struct key keys[REJECT_KEYS];
	unsigned long dropped;	/* rejects of no key */
	unsigned nuids;		/* distinct uids among them, up to REJECT_UIDS */
	uid_t uids[REJECT_UIDS];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct interval cur;

static int event(const char *kind, uid_t uid, pid_t pid, unsigned long count,
		 unsigned nuids, const char *reason)
{
	char buf[512];
	struct jbuf j;
	int n;

	audit_begin(&j, buf, sizeof(buf));
	json_key_cstr(&j, "event", kind);
	if (pid > 0)
		json_key_int(&j, "pid", pid);
	if (uid != REJECT_NO_UID)
		json_key_int(&j, "uid", (long long)uid);
	json_key_int(&j, "count", (long long)count);
	if (nuids)
		json_key_int(&j, "uids", nuids);
	json_key_cstr(&j, "reason", reason);
	n = json_end(&j);
	return n < 0 ? n : audit_write(buf, (size_t)n, 0);
}

static void drop_locked(uid_t uid)
{
	cur.dropped++;
	for (unsigned i = 0; i < cur.nuids; i++)
		if (cur.uids[i] == uid)
			return;
	if (cur.nuids < REJECT_UIDS)
		cur.uids[cur.nuids++] = uid;
}

/* The key's first reject of the interval: 1, to be written now; counted
 * into a key or the dropped: 0. Lock held. */
static int count_locked(uid_t uid, pid_t pid, const char *why)
{
	struct key *k;

	for (unsigned i = 0; i < cur.nkeys; i++) {
		k = &cur.keys[i];
		if (k->uid == uid && !strncmp(k->reason, why, sizeof(k->reason) - 1)) {
			k->more++;
			k->pid = pid;
			return 0;
		}
	}
	if (cur.nkeys == REJECT_KEYS) {
		drop_locked(uid);
		return 0;
	}
	k = &cur.keys[cur.nkeys++];
	*k = (struct key){ .uid = uid, .pid = pid };
	snprintf(k->reason, sizeof(k->reason), "%s", why);
	return 1;
}

void rejects_note(uid_t uid, pid_t pid, const char *why)
{
	uint64_t now = pool_now_ms(), end = 0;
	int first;

	(void)rejects_flush(now);
	pthread_mutex_lock(&lock);
	if (!cur.end)
		end = cur.end = now + REJECT_INTERVAL_MS;
	first = count_locked(uid, pid, why);
	pthread_mutex_unlock(&lock);
	if (end) {	/* the main thread flushes it at its end */
		pool_lock();
		pool_deadline(end);
		pool_unlock();
	}
	if (first)
		(void)event("reject", uid, pid, 1, 0, why);
}

uint64_t rejects_flush(uint64_t now)
{
	struct interval done;
	char why[128];

	pthread_mutex_lock(&lock);
	if (!cur.end || now < cur.end) {
		uint64_t next = cur.end ? cur.end : UINT64_MAX;

		pthread_mutex_unlock(&lock);
		return next;
	}
	done = cur;
	memset(&cur, 0, sizeof(cur));
	pthread_mutex_unlock(&lock);
	for (unsigned i = 0; i < done.nkeys; i++) {
		const struct key *k = &done.keys[i];

		if (k->more)
			(void)event("reject", k->uid, k->pid, k->more, 0, k->reason);
	}
	if (done.dropped) {
		snprintf(why, sizeof(why), "more rejects than %d kinds a second: %lu summed here",
			 REJECT_KEYS, done.dropped);
		(void)event("reject-summary", REJECT_NO_UID, 0, done.dropped, done.nuids, why);
	}
	return UINT64_MAX;
}
