/* `tracerd status`, the daemon's side: copy, unlock, then format and
 * send. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../common/wire.h"
#include "audit.h"
#include "canon.h"
#include "fdutil.h"
#include "json.h"
#include "listener.h"
#include "policy.h"
#include "pool.h"
#include "procstat.h"
#include "rules.h"
#include "stats.h"
#include "statusd.h"
#include "tracerd.h"

#define BODY_CAP (192 * 1024)	/* fits a socket's send buffer: never blocks */
#define HEAD_CAP (2048 + 6 * 4096)	/* the policy file's name, escaped */
#define LIST_MAX 1024		/* programs listed at most */
#define OUTPUTS_MAX 16
#define SEND_MS 500		/* a client that does not read is dropped */

static uint64_t started_us, started_ms;

void statusd_start(void)
{
	struct timespec rt;

	clock_gettime(CLOCK_REALTIME, &rt);
	started_us = (uint64_t)rt.tv_sec * 1000000 + (uint64_t)rt.tv_nsec / 1000;
	started_ms = pool_now_ms();
}

struct threads {
	unsigned total, busy, parked, stalled;
};

/* The answering threads, copied under the pool lock. */
static void threads_now(struct threads *t)
{
	uint64_t now;

	pool_lock();
	now = pool_now_ms();
	*t = (struct threads){ .total = pool.n };
	for (unsigned i = 0; i < pool.n; i++) {
		const struct worker *w = &pool.w[i];

		t->busy += w->busy_since != 0;
		t->parked += w->parked != NULL;
		t->stalled += w->busy_since && now - w->busy_since >= STALL_MS;
	}
	pool_unlock();
}

static void ts_us(char *out, size_t cap, uint64_t us)
{
	time_t s = (time_t)(us / 1000000);
	struct tm tm;

	gmtime_r(&s, &tm);
	snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (unsigned)(us % 1000000));
}

struct text {
	char *buf;
	size_t len, cap;
	bool full;
};

/* One finished line into t; false when it did not fit (then t is full). */
static bool put_line(struct text *t, struct jbuf *j)
{
	int n = json_end(j);

	if (n < 0 || t->full) {
		t->full = true;
		return false;
	}
	t->len += (size_t)n;
	return true;
}

static void line_begin(struct text *t, struct jbuf *j)
{
	json_begin(j, t->buf + t->len, t->cap - t->len);
}

static bool is_root(const struct rule *u)
{
	return u->action != POLICY_DENY && u->dirfd >= 0 && !u->skipped;
}

/* Is rule i's directory a root an earlier rule already gave? (An allow
 * and an exe= audit on one directory are one root.) */
static bool root_before(const struct rules *r, unsigned i)
{
	for (unsigned k = 0; k < i; k++)
		if (is_root(&r->set->rules[k]) && ident_eq(&r->set->rules[k].dir, &r->set->rules[i].dir))
			return true;
	return false;
}

/* The allowed roots: the directories of the policy's allow and audit
 * rules in force, as their held fds name them now. How many. */
static unsigned roots_lines(struct text *t, const struct rules *r)
{
	char path[4096];
	struct jbuf j;
	unsigned n = 0;

	for (unsigned i = 0; i < r->set->n; i++) {
		const struct rule *u = &r->set->rules[i];

		if (!is_root(u) || root_before(r, i))
			continue;
		line_begin(t, &j);
		json_key_cstr(&j, "root", canon_fd_path(u->dirfd, path, sizeof(path)) == 0 ?
						  path : NULL);
		put_line(t, &j);
		n++;
	}
	return n;
}

/* One line per rule of the policy r, in file order, skipped ones too:
 * its name, action, directory (as loaded), errno (deny only), exe=. */
static void rules_lines(struct text *t, const struct rules *r)
{
	char name[4096 + 16];
	struct jbuf j;

	for (unsigned i = 0; i < r->set->n; i++) {
		const struct rule *u = &r->set->rules[i];

		rules_name(r, u, name, sizeof(name));
		line_begin(t, &j);
		json_key_cstr(&j, "rule", name);
		json_key_cstr(&j, "action", policy_action_name(u->action));
		json_key_cstr(&j, "dir", u->path);
		json_key_cstr(&j, "errno", u->action == POLICY_DENY ? policy_errno_name(u->err) : NULL);
		json_key_cstr(&j, "exe", u->exe);
		json_key_bool(&j, "skipped", u->skipped);
		if (!put_line(t, &j))
			return;
	}
}

static unsigned outputs_lines(struct text *t)
{
	const char *specs[OUTPUTS_MAX];
	unsigned long lost[OUTPUTS_MAX];
	unsigned n = audit_outputs(specs, lost, OUTPUTS_MAX);
	struct jbuf j;

	for (unsigned i = 0; i < n; i++) {
		line_begin(t, &j);
		json_key_cstr(&j, "output", specs[i]);
		json_key_int(&j, "lost_records", (long long)lost[i]);
		put_line(t, &j);
	}
	return n;
}

/* Is pid still the process that attached at boot ms? (A pid reused since
 * started later.) */
static bool same_process(pid_t pid, uint64_t boot_ms)
{
	char path[48], buf[1024];
	unsigned long long ticks;
	long hz = sysconf(_SC_CLK_TCK);
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0 || hz <= 0 || procstat_starttime(buf, (size_t)n, &ticks) < 0)
		return false;
	return ticks / (unsigned long long)hz * 1000 +
		       ticks % (unsigned long long)hz * 1000 / (unsigned long long)hz <= boot_ms;
}

static bool program_line(struct text *t, const struct listener_info *p)
{
	char path[48], exe[4096], since[80];
	bool have = false;
	struct jbuf j;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)p->pid);
	if (same_process(p->pid, p->since_boot_ms))
		have = canon_readlink(AT_FDCWD, path, exe, sizeof(exe)) > 0;
	ts_us(since, sizeof(since), p->since_us);
	line_begin(t, &j);
	json_key_int(&j, "attach", (long long)p->id);
	json_key_int(&j, "pid", p->pid);
	json_key_cstr(&j, "exe", have ? exe : NULL);
	json_key_cstr(&j, "since", since);
	json_key_int(&j, "calls", (long long)p->answered);
	return put_line(t, &j);
}

/* The programs attached: copied, then each line; how many listed. */
static unsigned programs_lines(struct text *t, unsigned *total)
{
	_cleanup_free_ struct listener_info *l = calloc(LIST_MAX, sizeof(*l));
	unsigned n, listed = 0;

	*total = 0;
	if (!l)
		return 0;
	n = listener_snapshot(l, LIST_MAX, total);
	while (listed < n && program_line(t, &l[n - 1 - listed]))	/* oldest first */
		listed++;
	return listed;
}

/* The socket the request came on, as "@name" (abstract) or its path. */
static void socket_key(struct jbuf *j, int fd)
{
	struct sockaddr_un a;
	socklen_t len = sizeof(a);
	char name[sizeof(a.sun_path) + 1];
	size_t n;

	if (getsockname(fd, (struct sockaddr *)&a, &len) < 0 ||
	    len <= offsetof(struct sockaddr_un, sun_path)) {
		json_key_null(j, "socket");
		return;
	}
	n = len - offsetof(struct sockaddr_un, sun_path);
	if (a.sun_path[0] == '\0') {
		name[0] = '@';
		memcpy(name + 1, a.sun_path + 1, n - 1);
	} else {
		n = strnlen(a.sun_path, n);
		memcpy(name, a.sun_path, n);
	}
	json_key_str(j, "socket", name, n);
}

struct counts {
	unsigned nroots, noutputs, programs, listed;
};

static int header(char *buf, size_t cap, int fd, const struct counts *c, const struct rules *r)
{
	struct threads th;
	char started[80];
	struct jbuf j;

	threads_now(&th);
	ts_us(started, sizeof(started), started_us);
	json_begin(&j, buf, cap);
	json_key_cstr(&j, "tracerd", "status");
	json_key_int(&j, "pid", getpid());
	json_key_cstr(&j, "version", TRACERD_VERSION);
	json_key_cstr(&j, "started", started);
	json_key_int(&j, "uptime_ms", (long long)(pool_now_ms() - started_ms));
	socket_key(&j, fd);
	json_key_int(&j, "threads", th.total);
	json_key_int(&j, "busy", th.busy);
	json_key_int(&j, "parked", th.parked);
	json_key_int(&j, "stalled", th.stalled);
	json_key_int(&j, "programs", c->programs);
	json_key_int(&j, "listed", c->listed);
	json_key_int(&j, "emulated", (long long)atomic_load(&stats.decided[DECISION_EMULATED]));
	json_key_int(&j, "denied", (long long)atomic_load(&stats.decided[DECISION_DENIED]));
	json_key_int(&j, "error", (long long)atomic_load(&stats.decided[DECISION_ERROR]));
	json_key_int(&j, "lost", (long long)atomic_load(&stats.lost));
	json_key_int(&j, "lost_records", (long long)atomic_load(&stats.lost_records));
	json_key_int(&j, "roots", c->nroots);
	json_key_int(&j, "outputs", c->noutputs);
	json_key_int(&j, "policy_gen", (long long)r->gen);
	json_key_cstr(&j, "policy", r->source);
	json_key_int(&j, "rules", r->set->n);
	return json_end(&j);
}

/* All of iov to the non-blocking fd, SEND_MS at most. 0 or -errno. */
static int send_all(int fd, struct iovec *iov, int n)
{
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = (size_t)n };
	uint64_t end = pool_now_ms() + SEND_MS;

	while (m.msg_iovlen > 0) {
		ssize_t w = sendmsg(fd, &m, MSG_NOSIGNAL);
		struct pollfd p = { .fd = fd, .events = POLLOUT };

		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		for (; w > 0 && m.msg_iovlen > 0; m.msg_iov++, m.msg_iovlen--) {
			if ((size_t)w < m.msg_iov->iov_len) {
				m.msg_iov->iov_base = (char *)m.msg_iov->iov_base + w;
				m.msg_iov->iov_len -= (size_t)w;
				break;
			}
			w -= (ssize_t)m.msg_iov->iov_len;
		}
		if (m.msg_iovlen > 0 && (pool_now_ms() >= end || poll(&p, 1, SEND_MS) <= 0))
			return -ETIMEDOUT;
	}
	return 0;
}

int statusd_answer(int fd)
{
	_cleanup_free_ char *body = malloc(BODY_CAP), *head = malloc(HEAD_CAP);
	uint8_t ack[WIRE_ACK_MAX];
	struct text t = { .buf = body, .cap = BODY_CAP };
	struct counts c = { 0 };
	int hn, sndbuf = 2 * BODY_CAP;
	struct iovec iov[3];
	struct rules *r;

	if (!body || !head)
		return -ENOMEM;
	r = rules_get();	/* a reference, no lock: calls and reloads go on */
	c.nroots = roots_lines(&t, r);
	c.noutputs = outputs_lines(&t);
	rules_lines(&t, r);
	c.listed = programs_lines(&t, &c.programs);
	hn = header(head, HEAD_CAP, fd, &c, r);
	rules_put(r);
	if (hn < 0)
		return hn;
	(void)wire_ack_encode_v(ack, WIRE_VERSION_STATUS, WIRE_OK, (uint64_t)hn + t.len);
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	iov[0] = (struct iovec){ ack, WIRE_ACK_V2_SIZE };
	iov[1] = (struct iovec){ head, (size_t)hn };
	iov[2] = (struct iovec){ body, t.len };
	return send_all(fd, iov, 3);
}
