/* The lines of the audit log: the timestamp every line starts with, the
 * record of a call and the daemon events, each formatted into one buffer
 * for one write (audit.c writes them). Declared in audit.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit_line.h"
#include "call.h"
#include "policy.h"
#include "rules.h"
#include "target.h"

/* "YYYY-MM-DDTHH:MM:SS" changes once a second: each thread keeps the last
 * one it formatted and adds ".uuuuuuZ" by hand. Returns the length. */
static size_t timestamp(char out[88])
{
	static __thread time_t last_sec = -1;
	static __thread char last[80];
	static __thread size_t last_len;
	struct timespec ts;
	long us;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != last_sec) {
		struct tm tm;
		int n;

		gmtime_r(&ts.tv_sec, &tm);
		n = snprintf(last, sizeof(last), "%04d-%02d-%02dT%02d:%02d:%02d",
			     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			     tm.tm_min, tm.tm_sec);
		last_len = n > 0 && (size_t)n < sizeof(last) ? (size_t)n : 0;
		last_sec = ts.tv_sec;
	}
	memcpy(out, last, last_len);
	out[last_len] = '.';
	us = ts.tv_nsec / 1000;
	for (size_t i = last_len + 6; i > last_len; i--, us /= 10)
		out[i] = (char)('0' + us % 10);
	out[last_len + 7] = 'Z';
	return last_len + 8;
}

void audit_begin(struct jbuf *j, char *buf, size_t cap)
{
	char s[88];
	size_t n = timestamp(s);

	json_begin(j, buf, cap);
	json_key_str(j, "ts", s, n);
}

int audit_event_line(char *buf, size_t cap, const char *event, pid_t pid, const char *reason,
		     const struct audit_num *nums, size_t n)
{
	struct jbuf j;

	audit_begin(&j, buf, cap);
	json_key_cstr(&j, "event", event);
	if (pid > 0)
		json_key_int(&j, "pid", pid);
	for (size_t i = 0; i < n; i++) {
		if (nums[i].s)
			json_key_cstr(&j, nums[i].key, nums[i].s);
		else if (nums[i].boolean)
			json_key_bool(&j, nums[i].key, nums[i].v != 0);
		else
			json_key_int(&j, nums[i].key, nums[i].v);
	}
	if (reason)
		json_key_cstr(&j, "reason", reason);
	return json_end(&j);
}

size_t audit_record_bound(const struct audit_rec *r)
{
	const struct target_facts *t = r->target;
	size_t n = (r->path ? strlen(r->path) : 0) + (r->resolved ? strlen(r->resolved) : 0);

	if (t->ok)
		n += strlen(t->exe) + strlen(t->comm) + (r->cwd ? strlen(r->cwd) : 0);
	if (r->verdict->rule)	/* "rule": the policy file's path */
		n += strlen(r->verdict->policy->set->file);
	return 768 + 6 * n;	/* the keys and numbers, every byte escaped */
}

/* "syscall" and, for mkdirat, "dirfd". */
static void syscall_keys(struct jbuf *j, const struct call *c)
{
	json_key_cstr(j, "syscall", c->kind == SYSCALLS_OTHER ? "other" : syscalls_kind_name(c->kind));
	if (c->kind != SYSCALLS_MKDIRAT)
		return;
	if (c->dirfd == AT_FDCWD)
		json_key_cstr(j, "dirfd", "AT_FDCWD");
	else
		json_key_int(j, "dirfd", c->dirfd);
}

/* The policy version asked, and the rule that decided: "FILE:LINE"
 * ("--allow:I", "default:1" without a file); "action" for an audit rule,
 * whose creation a real policy would not have allowed. */
static void policy_keys(struct jbuf *j, const struct verdict *v)
{
	char name[PATH_MAX + 16];

	if (!v->policy)
		return;
	json_key_int(j, "policy_gen", (long long)v->policy->gen);
	if (!v->rule)
		return;
	snprintf(name, sizeof(name), "%s:%u", v->policy->set->file, v->rule->line);
	json_key_cstr(j, "rule", name);
	if (v->rule->action == POLICY_AUDIT)
		json_key_cstr(j, "action", "audit");
}

void audit_call_key(struct jbuf *j, uint64_t listener, uint64_t id)
{
	char n[24];

	json_key_int(j, "attach", (long long)listener);
	json_key_str(j, "notif", n, (size_t)snprintf(n, sizeof(n), "%" PRIu64, id));
}

int audit_record(const struct audit_rec *r, char *buf, size_t cap)
{
	const struct call *c = r->call;
	const struct target_facts *t = r->target;
	const struct verdict *v = r->verdict;
	struct jbuf j;
	char mode[4];

	audit_begin(&j, buf, cap);
	json_key_int(&j, "pid", t->tgid > 0 ? t->tgid : c->tid);
	json_key_int(&j, "tid", c->tid);
	if (t->creds.fsuid == (uid_t)-1)
		json_key_null(&j, "uid");
	else
		json_key_int(&j, "uid", t->creds.fsuid);
	json_key_cstr(&j, "exe", t->ok ? t->exe : NULL);
	json_key_cstr(&j, "comm", t->ok ? t->comm : NULL);
	json_key_cstr(&j, "cwd", t->ok ? r->cwd : NULL);
	syscall_keys(&j, c);
	json_key_cstr(&j, "path", r->path);
	json_key_cstr(&j, "resolved", r->resolved);
	for (int i = 3, m = (int)(c->mode & 07777); i >= 0; i--, m >>= 3)
		mode[i] = (char)('0' + (m & 7));
	json_key_str(&j, "mode", mode, 4);
	json_key_cstr(&j, "decision", decision_name(v->decision));
	json_key_cstr(&j, "errno", v->err ? strerrorname_np(v->err) : NULL);
	if (v->decision != DECISION_EMULATED)
		json_key_cstr(&j, "reason", v->reason ? v->reason : "unknown");
	policy_keys(&j, v);
	audit_call_key(&j, c->listener, c->id);
	if (c->recovered)
		json_key_bool(&j, "recovered", true);
	return json_end(&j);
}
