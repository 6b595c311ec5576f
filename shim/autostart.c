/* Autostart: no tracerd serves the socket, so start the user's own one
 * (issue 17) and wait until it listens. Runs in the library's constructor
 * (before the filter exists: the daemon is never under it) and in
 * notif-run: stack buffers, one static message, no allocation, no stdio.
 *
 * The daemon is a grandchild made with raw clone(2) calls whose exit
 * signal is 0: the program gets no SIGCHLD, and the middle child, reaped
 * here before we return (__WCLONE: invisible to the program's wait), is
 * the only process it ever had. The middle child waits for the daemon
 * while we wait for the name, so that a daemon that cannot start is a
 * failure at once and a daemon that lost the race for the name (exit 3)
 * is not one. The daemon starts clean: own session, cwd /, default umask,
 * signals and mask, soft limits raised to the hard ones, stdin on
 * /dev/null, stdout and stderr appended to a file in the state dir, every
 * other fd closed, and an environment from scratch (spawn_env). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../common/sockname.h"
#include "autostart.h"
#include "procparse.h"

#ifndef __WCLONE
#define __WCLONE 0x80000000
#endif

struct line {
	char *buf;
	size_t cap, len;
};

/* Append s (bounded, always NUL-terminated). */
static void put(struct line *l, const char *s)
{
	size_t n = strnlen(s, l->cap);

	if (n > l->cap - 1 - l->len)
		n = l->cap - 1 - l->len;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
	l->buf[l->len] = '\0';
}

static void put_num(struct line *l, unsigned long v)
{
	char d[24], *p = d + sizeof(d) - 1;

	*p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	put(l, p);
}

static char msg[600];	/* the "autostart failed: ..." line of the last failure */

static int fail(struct handoff_err *e, int err, const char *a, const char *b, const char *c)
{
	struct line l = { .buf = msg, .cap = sizeof(msg) };

	put(&l, "autostart failed: ");
	put(&l, a);
	put(&l, b ? b : "");
	put(&l, c ? c : "");
	e->what = msg;
	e->err = err;
	e->status = 0;
	e->peer_version = 0;
	return -1;
}

/* Lines of a file through one stack buffer; a line longer than it is cut. */
struct lines {
	int fd;
	size_t len, pos;
	char buf[4096];
};

static const char *next_line(struct lines *r, size_t *ret_len)
{
	for (;;) {
		char *nl = memchr(r->buf + r->pos, '\n', r->len - r->pos);
		ssize_t n;

		if (nl) {
			const char *s = r->buf + r->pos;

			*nl = '\0';
			*ret_len = (size_t)(nl - s);
			r->pos = (size_t)(nl - r->buf) + 1;
			return s;
		}
		if (r->pos == 0 && r->len == sizeof(r->buf) - 1)
			r->len = 0;	/* too long: cut (the rest reads as a line) */
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->pos = 0;
		n = read(r->fd, r->buf + r->len, sizeof(r->buf) - 1 - r->len);
		if (n <= 0) {
			if (r->len == 0)
				return NULL;
			r->buf[r->len] = '\n';	/* a last line without its newline */
			n = 1;
		}
		r->len += (size_t)n;
	}
}

static int open_lines(struct lines *r, const char *path)
{
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	r->len = r->pos = 0;
	return r->fd;
}

/* The initial namespace maps every uid to itself, in one line. */
static int initial_userns(void)
{
	struct procparse_extent x;
	struct lines r;
	const char *s;
	size_t n;
	int initial = 1;	/* unreadable: assume the initial one */

	if (open_lines(&r, "/proc/self/uid_map") < 0)
		return 1;
	s = next_line(&r, &n);
	if (s) {
		(void)procparse_uid_map_line(s, n, &x);
		initial = x.first == 0 && x.lower == 0 && x.count == 4294967295UL &&
			  !next_line(&r, &n);
	}
	(void)close(r.fd);
	return initial;
}

/* The path of the object that holds this code, from /proc/self/maps. */
static int self_object(char *out, size_t cap)
{
	uintptr_t me = (uintptr_t)&autostart_tracerd;
	struct procparse_map m;
	struct lines r;
	const char *s;
	size_t n;
	int found = -1;

	if (open_lines(&r, "/proc/self/maps") < 0)
		return -1;
	while (found < 0 && (s = next_line(&r, &n)) != NULL) {
		if (procparse_maps_line(s, n, &m) == 0 && me >= m.lo && me < m.hi &&
		    m.path_len < cap) {
			memcpy(out, m.path, m.path_len);
			out[m.path_len] = '\0';
			found = 0;
		}
	}
	(void)close(r.fd);
	return found;
}

/* A regular file we may execute. */
static int runnable(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EACCES;
	return faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) < 0 ? -errno : 0;
}

/* dir (len bytes of it) + tail into out, if runnable. */
static int try_at(const char *dir, size_t len, const char *tail, char *out, size_t cap)
{
	if (len + strlen(tail) + 1 > cap)
		return -1;
	memcpy(out, dir, len);
	memcpy(out + len, tail, strlen(tail) + 1);
	return runnable(out) == 0 ? 0 : -1;
}

/* The tracerd beside self: self's dir (a build tree, notif-run in bin/);
 * from lib*, its parent's bin/ and the parent itself (lib/, lib32/, a
 * build tree's lib32/); from lib/<multiarch>/, the same two levels up. */
static int beside(const char *self, char *out, size_t cap)
{
	const char *d = strrchr(self, '/'), *p1, *p2;
	size_t dl, l1;

	if (!d)
		return -1;
	dl = (size_t)(d - self);
	if (try_at(self, dl, "/tracerd", out, cap) == 0)
		return 0;
	for (p1 = d; p1 > self && p1[-1] != '/'; p1--)
		;
	l1 = p1 > self ? (size_t)(p1 - 1 - self) : 0;	/* the parent of dir */
	if (p1 > self && strncmp(p1, "lib", 3) == 0 &&
	    (try_at(self, l1, "/bin/tracerd", out, cap) == 0 || try_at(self, l1, "/tracerd", out, cap) == 0))
		return 0;
	for (p2 = p1 - 1; p2 > self && p2[-1] != '/'; p2--)
		;
	if (p1 > self && p2 > self && (size_t)(p1 - 1 - p2) == 3 && strncmp(p2, "lib", 3) == 0) {
		l1 = (size_t)(p2 - 1 - self);
		if (try_at(self, l1, "/bin/tracerd", out, cap) == 0 ||
		    try_at(self, l1, "/tracerd", out, cap) == 0)
			return 0;
	}
	return -1;
}

/* Which tracerd: TRACERD_BIN (relative: to our cwd), else beside self. */
static int which(const char *self_path, char *out, size_t cap, struct handoff_err *e)
{
	const char *bin = getenv("TRACERD_BIN");
	char self[1024];
	int r;

	if (bin && !bin[0])
		return fail(e, 0, "TRACERD_BIN is empty", NULL, NULL);
	if (bin) {
		struct line l = { .buf = out, .cap = cap };

		if (bin[0] != '/' && syscall(SYS_getcwd, out, cap - 1) > 0)
			put(&l, "/");
		put(&l, bin);
		r = runnable(out);
		return r < 0 ? fail(e, -r, "TRACERD_BIN '", bin, "'") : 0;
	}
	if (!self_path) {
		if (self_object(self, sizeof(self)) < 0)
			return fail(e, 0, "cannot find this library's path in /proc/self/maps; set "
				    "TRACERD_BIN", NULL, NULL);
		self_path = self;
	}
	if (beside(self_path, out, cap) < 0)
		return fail(e, 0, "no tracerd installed beside ", self_path, "; set TRACERD_BIN");
	return 0;
}

/* The daemon's argv and environment, made here and used in the child. */
struct spawn {
	char bin[1024];
	char idle[16];
	char sock[SOCKNAME_MAX + 2];	/* "@NAME": a NAME may start with @ */
	char *argv[8];
	char *envp[8];
	char env[4096];	/* the strings of envp */
	char errlog[1100];	/* its stdout and stderr */
	char statedir[1100];
};

/* HOME (and the user's name) of uid from /etc/passwd, read by hand (no
 * getpwuid: it allocates and may load NSS modules); else $HOME. */
static void home_of(uid_t uid, char *home, size_t hcap, char *user, size_t ucap)
{
	struct procparse_pw pw;
	struct lines r;
	const char *s, *h = getenv("HOME");
	size_t n;

	home[0] = user[0] = '\0';
	if (open_lines(&r, "/etc/passwd") >= 0) {
		while (!home[0] && (s = next_line(&r, &n)) != NULL) {
			if (procparse_passwd_line(s, n, &pw) < 0 || pw.uid != (unsigned long)uid)
				continue;
			if (pw.home_len < hcap && pw.home_len > 0 && pw.home[0] == '/') {
				memcpy(home, pw.home, pw.home_len);
				home[pw.home_len] = '\0';
			}
			if (pw.user_len < ucap) {
				memcpy(user, pw.user, pw.user_len);
				user[pw.user_len] = '\0';
			}
		}
		(void)close(r.fd);
	}
	if (!home[0] && h && h[0] == '/' && strlen(h) < hcap)
		memcpy(home, h, strlen(h) + 1);
}

/* One "KEY=value" into sp->env and envp; skipped when it does not fit. */
static void env_add(struct spawn *sp, size_t *used, int *n, const char *k, const char *v)
{
	struct line l = { .buf = sp->env + *used, .cap = sizeof(sp->env) - *used };

	if (strlen(k) + strlen(v) + 2 > l.cap || *n >= 7)
		return;
	put(&l, k);
	put(&l, "=");
	put(&l, v);
	sp->envp[(*n)++] = l.buf;
	*used += l.len + 1;
}

/* HOME, USER, LOGNAME from the user's entry, PATH fixed, the program's
 * LANG (only that): nothing else of the program's, no LD_*, no NOTIF_*.
 * XDG_* are left to their defaults (under HOME). */
static int spawn_env(struct spawn *sp, struct handoff_err *e)
{
	char home[1024], user[256];
	const char *lang = getenv("LANG");
	size_t used = 0;
	int n = 0;
	struct line l = { .buf = sp->statedir, .cap = sizeof(sp->statedir) };

	home_of(geteuid(), home, sizeof(home), user, sizeof(user));
	if (!home[0])
		return fail(e, 0, "no home directory for this user (not in /etc/passwd, and no "
			    "HOME)", NULL, NULL);
	env_add(sp, &used, &n, "HOME", home);
	if (user[0]) {
		env_add(sp, &used, &n, "USER", user);
		env_add(sp, &used, &n, "LOGNAME", user);
	}
	env_add(sp, &used, &n, "PATH", "/usr/local/bin:/usr/bin:/bin");
	if (lang && procparse_printable(lang, strlen(lang)) && strlen(lang) < 64)
		env_add(sp, &used, &n, "LANG", lang);
	sp->envp[n] = NULL;
	put(&l, home);
	put(&l, "/.local/state/tracerd");
	l = (struct line){ .buf = sp->errlog, .cap = sizeof(sp->errlog) };
	put(&l, sp->statedir);
	put(&l, "/autostart.log");
	return 0;
}

/* NOTIF_AUTOSTART_IDLE: seconds, 0 to 31536000 (tracerd's range). */
static int spawn_args(struct spawn *sp, const char *name, struct handoff_err *e)
{
	const char *v = getenv("NOTIF_AUTOSTART_IDLE");
	size_t n = v ? strlen(v) : 0;
	unsigned long secs;

	if (!v || !v[0])
		v = AUTOSTART_IDLE_DEFAULT;
	else if (procparse_idle(v, n, &secs) < 0)
		return fail(e, 0, "NOTIF_AUTOSTART_IDLE must be seconds from 0 to 31536000, not '",
			    procparse_printable(v, n) && n < 64 ? v : "?", "'");
	memcpy(sp->idle, v, strlen(v) + 1);
	n = strnlen(name, SOCKNAME_MAX);
	sp->sock[0] = '@';
	memcpy(sp->sock + 1, name, n);
	sp->sock[n + 1] = '\0';
	sp->argv[0] = sp->bin;
	sp->argv[1] = (char *)"--socket";
	sp->argv[2] = sp->sock;
	sp->argv[3] = (char *)"--idle-exit";
	sp->argv[4] = sp->idle;
	sp->argv[5] = NULL;
	return 0;
}

struct report {	/* child -> program, one write each */
	char tag;	/* 'e': exec failed (errno); 'x': the daemon ended (wait status) */
	int32_t v;
};

static void tell(int fd, char tag, int v)
{
	struct report m = { .tag = tag, .v = v };

	(void)!write(fd, &m, sizeof(m));
}

/* mkdir -p of the state dir (0700), then its log file; else /dev/null. */
static int errlog_open(struct spawn *sp)
{
	char *p = sp->statedir;
	int fd;

	for (char *q = strchr(p + 1, '/'); ; q = strchr(q + 1, '/')) {
		if (q)
			*q = '\0';
		(void)mkdir(p, 0700);
		if (!q)
			break;
		*q = '/';
	}
	fd = open(sp->errlog, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NOCTTY, 0600);
	return fd >= 0 ? fd : open("/dev/null", O_WRONLY | O_NOCTTY);
}

/* The daemon's process, from its clone to exec: clean, then exec. */
static __attribute__((noreturn)) void daemon_child(struct spawn *sp, int rep)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	struct rlimit rl;
	sigset_t none;
	int fd;

	for (int sig = 1; sig < NSIG; sig++)
		(void)sigaction(sig, &dfl, NULL);	/* SIGKILL, SIGSTOP, glibc's: EINVAL */
	(void)setsid();
	(void)umask(022);
	(void)!chdir("/");
	for (int res = 0; res < RLIM_NLIMITS; res++)
		if (res != RLIMIT_STACK && res != RLIMIT_CORE && getrlimit(res, &rl) == 0 &&
		    rl.rlim_cur != rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			(void)setrlimit(res, &rl);
		}
	rep = fcntl(rep, F_DUPFD_CLOEXEC, 3);
	fd = open("/dev/null", O_RDONLY | O_NOCTTY);
	if (fd >= 0 && fd != 0)
		(void)dup2(fd, 0);
	fd = errlog_open(sp);
	if (fd >= 0) {
		(void)dup2(fd, 1);
		(void)dup2(fd, 2);
	}
	if (rep > 3)
		rep = dup3(rep, 3, O_CLOEXEC) < 0 ? rep : 3;
	if (syscall(SYS_close_range, rep < 0 ? 3 : rep + 1, ~0U, 0) < 0)
		for (fd = rep < 0 ? 3 : rep + 1; fd < 65536; fd++)
			(void)close(fd);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	execve(sp->bin, sp->argv, sp->envp);
	tell(rep, 'e', errno);
	_exit(127);
}

/* The middle process: start the daemon, then wait until the program is
 * done waiting (ctl's EOF) or the daemon ends first (its status, said). */
static __attribute__((noreturn)) void middle(struct spawn *sp, int ctl, int rep)
{
	struct pollfd p = { .fd = ctl, .events = POLLIN };
	long pid = syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);
	int st;

	if (pid == 0)
		daemon_child(sp, rep);
	if (pid < 0) {
		tell(rep, 'e', errno);
		_exit(1);
	}
	for (;;) {
		if (poll(&p, 1, 20) > 0)
			_exit(0);	/* the program is done: the daemon is on its own */
		if (waitpid((pid_t)pid, &st, WNOHANG) == pid) {
			tell(rep, 'x', st);
			_exit(0);
		}
	}
}

static int64_t now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Does a socket listen on @name? Read from /proc/net/unix (flags 00010000:
 * listening), so that waiting never connects (a connection tracerd sees
 * close before its hello would be a reject event). 1, 0, or -1 when the
 * file cannot be read. */
static int listening(const char *name)
{
	struct procparse_unix u;
	struct lines r;
	const char *s;
	size_t n = strlen(name), len;
	int found = 0;

	if (open_lines(&r, "/proc/net/unix") < 0)
		return -1;
	while (!found && (s = next_line(&r, &len)) != NULL)
		found = procparse_unix_line(s, len, &u) == 0 && u.listening && u.name_len == n &&
			memcmp(u.name, name, n) == 0;
	(void)close(r.fd);
	return found;
}

/* Wait for the name, the daemon's reports on rep, the deadline. */
static int wait_served(const char *name, const struct spawn *sp, int rep, struct handoff_err *e)
{
	int64_t deadline = now_ms() + AUTOSTART_TIMEOUT_MS;
	struct pollfd p = { .fd = rep, .events = POLLIN };
	struct report m;
	char num[16];
	struct line l = { .buf = num, .cap = sizeof(num) };
	int pause = 1;

	for (;;) {
		if (listening(name) == 1)
			return 0;
		if (now_ms() >= deadline)
			return fail(e, 0, "tracerd did not listen within 5 s (its messages: ",
				    sp->errlog, ")");
		if (poll(&p, 1, pause) <= 0 || (p.revents & POLLIN) == 0) {
			pause = pause < 16 ? pause * 2 : 16;	/* 1, 2, 4 ... 16 ms */
			continue;
		}
		if (read(rep, &m, sizeof(m)) != (ssize_t)sizeof(m)) {
			p.fd = -1;	/* EOF: nothing more to hear */
			continue;
		}
		if (m.tag == 'e')
			return fail(e, m.v, "cannot run ", sp->bin, NULL);
		if (WIFEXITED(m.v) && WEXITSTATUS(m.v) == 3)
			continue;	/* another autostart won the name: it will listen */
		put_num(&l, WIFEXITED(m.v) ? (unsigned long)WEXITSTATUS(m.v) :
			   128 + (unsigned long)WTERMSIG(m.v));
		(void)fail(e, 0, sp->bin, " exited with status ", num);
		l = (struct line){ .buf = msg, .cap = sizeof(msg), .len = strlen(msg) };
		put(&l, " (its messages: ");
		put(&l, sp->errlog);
		put(&l, ")");
		return -1;
	}
}

/* Spawn and wait, with every signal blocked (the children start with
 * them blocked: no handler of the program runs in them, and a Ctrl-C
 * cannot kill the daemon before it is in its own session). */
static int spawn_wait(const char *name, struct spawn *sp, struct handoff_err *e)
{
	int ctl[2], rep[2], r, st;
	sigset_t all, old;
	long mid;

	if (pipe2(ctl, O_CLOEXEC) < 0)
		return fail(e, errno, "cannot create a pipe", NULL, NULL);
	if (pipe2(rep, O_CLOEXEC) < 0) {
		r = errno;
		(void)close(ctl[0]);
		(void)close(ctl[1]);
		return fail(e, r, "cannot create a pipe", NULL, NULL);
	}
	sigfillset(&all);
	(void)sigprocmask(SIG_SETMASK, &all, &old);
	mid = syscall(SYS_clone, 0, 0, NULL, NULL, 0);	/* exit signal 0: no SIGCHLD */
	if (mid == 0) {
		(void)close(ctl[1]);
		(void)close(rep[0]);
		middle(sp, ctl[0], rep[1]);
	}
	r = errno;
	(void)close(ctl[0]);
	(void)close(rep[1]);
	if (mid < 0)
		r = fail(e, r, "cannot start a process", NULL, NULL);
	else
		r = wait_served(name, sp, rep[0], e);
	(void)close(ctl[1]);	/* the middle process goes */
	(void)close(rep[0]);
	while (mid > 0 && waitpid((pid_t)mid, &st, __WCLONE) < 0 && errno == EINTR)
		;
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}

int autostart_enabled(void)
{
	const char *v = getenv("NOTIF_AUTOSTART");

	return !(v && strcmp(v, "0") == 0);
}

int autostart_tracerd(const char *name, const char *self_path, struct handoff_err *e)
{
	struct spawn sp;
	int saved = errno, r;

	if (!initial_userns())
		r = fail(e, 0, "in a user namespace other than the initial one (a tracerd started "
			 "here would live in it)", NULL, NULL);
	else if (which(self_path, sp.bin, sizeof(sp.bin), e) < 0 || spawn_args(&sp, name, e) < 0 ||
		 spawn_env(&sp, e) < 0)
		r = -1;
	else
		r = spawn_wait(name, &sp, e);
	errno = saved;
	return r;
}
