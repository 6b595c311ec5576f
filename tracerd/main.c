/* tracerd: set-up, then the answering threads, then a clean stop.
 * Exit codes: 0 clean stop, 1 runtime failure, 2 usage, 3 socket served. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "../common/compat.h"
#include "../common/sockname.h"
#include "activation.h"
#include "adopt.h"
#include "audit.h"
#include "canon.h"
#include "creds.h"
#include "detach.h"
#include "fdstore.h"
#include "fdutil.h"
#include "hooks.h"
#include "log.h"
#include "logcmd.h"
#include "loop.h"
#include "options.h"
#include "policycmd.h"
#include "program.h"
#include "rules.h"
#include "sdnotify.h"
#include "stats.h"
#include "statuscmd.h"
#include "syslogout.h"
#include "target.h"
#include "tidcache.h"
#include "tracerd.h"
#include "upgrade.h"

/* libnotif.so stays inert in a process that defines this. */
const char tracerd_marker[] __attribute__((visibility("default"))) = "tracerd";

struct daemon daemon_cfg;

/* Raise the soft fd limit to the hard one, then share it out so that
 * attached programs can never take the fds their own calls need: per
 * answering thread a call holds up to 8 (the kept /proc fds, the base,
 * the walk, the parent) and its eventfd is one more, the tid cache keeps
 * 2 a slot, handshakes one
 * each, and 16 are tracerd's own (log, epoll, socket, spare, ...). */
static void share_fds(struct options *o, unsigned *max_listeners, unsigned *max_handshakes)
{
	struct rlimit rl;
	unsigned long n = 1024, cache, pending, fixed, room;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
			n = rl.rlim_cur > 1UL << 24 ? 1UL << 24 : rl.rlim_cur;
	}
	room = n / 72;	/* threads added while all stall: an eighth of the fds */
	if (o->max_threads > room && o->max_threads > o->threads) {
		o->max_threads = room > o->threads ? (unsigned)room : o->threads;
		log_info("--max-threads lowered to %u by the fd limit %lu", o->max_threads, n);
	}
	cache = n / 16 > 512 ? 512 : n / 16 ? n / 16 : 1;
	pending = n / 8 > 256 ? 256 : n / 8 ? n / 8 : 1;
	fixed = 16 + 9UL * o->max_threads + 2 * cache + pending;
	tidcache_limit((unsigned)cache);
	*max_listeners = n > fixed + 1 ? (unsigned)(n - fixed) : 1;
	if (*max_listeners > fdstore_room())	/* every one is also stored */
		*max_listeners = fdstore_room() ? fdstore_room() : 1;
	*max_handshakes = (unsigned)pending;
}

/* The policy: --policy FILE, the default policy file, or the --allow
 * roots (/tmp without any), each directory known by its identity, taken
 * now and held: a symlink names the directory it points to at start. */
static int open_policy(const struct options *o)
{
	int r = rules_init(o->policy, o->allow, o->nallow);

	if (r == -ENOMEM)
		return log_error("out of memory loading the policy"), r;
	if (r < 0)
		return log_error("the policy cannot be loaded (above: file:line: what is wrong)"), r;
	return 0;
}

static int yama_scope(void)
{
	FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");
	int v = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%d", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

static int setup_self(void)
{
	static struct target_buf self_buf;	/* holds our groups for ever */
	struct seccomp_notif_sizes sizes;
	int r;

	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
		return log_error_errno(-errno, "seccomp user notification unavailable");
	daemon_cfg.notif_size = sizes.seccomp_notif > sizeof(struct seccomp_notif) ?
					sizes.seccomp_notif : sizeof(struct seccomp_notif);
	daemon_cfg.resp_size = sizes.seccomp_notif_resp > sizeof(struct seccomp_notif_resp) ?
				       sizes.seccomp_notif_resp : sizeof(struct seccomp_notif_resp);
	daemon_cfg.self_rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (daemon_cfg.self_rootfd < 0)
		return log_error_errno(-errno, "cannot open /");
	r = ident_at(daemon_cfg.self_rootfd, "", AT_EMPTY_PATH, &daemon_cfg.self_root);
	if (r < 0)
		return log_error_errno(r, "statx /");
	r = target_self_creds(&daemon_cfg.self_creds, &self_buf);
	if (r < 0)
		return log_error_errno(r, "cannot read /proc/self/status");
	r = (int)canon_readlink(AT_FDCWD, "/proc/self/ns/user", daemon_cfg.self_userns,
				sizeof(daemon_cfg.self_userns));
	if (r < 0)
		return log_error_errno(r, "cannot read /proc/self/ns/user");
	r = canon_init();
	if (r < 0)
		return log_error_errno(r, "cannot open /proc/self/fd");
	daemon_cfg.yama = yama_scope() >= 1;
	daemon_cfg.adopt = creds_can_adopt(&daemon_cfg.self_creds);
	return 0;
}

/* Bind (listen() comes once everything is set up: a client that sees
 * the name listening finds tracerd whole); -EADDRINUSE when it is taken. */
static int bind_name(const char *name)
{
	struct sockaddr_un addr;
	socklen_t len = sockname_addr(name, &addr);
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, len) < 0)
		return -errno;
	return TAKE_FD(fd);
}

/* Who holds the name: the kernel gives the listener's uid and pid to a
 * client (SO_PEERCRED). Nothing is sent to it. */
static void name_squatter(const char *name, const char *shown)
{
	struct sockaddr_un addr;
	socklen_t len = sockname_addr(name, &addr), cl = sizeof(struct ucred);
	struct ucred uc;
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, len) == 0 &&
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &cl) == 0 && uc.pid > 0)
		log_error("socket @%s is already served by uid %u (pid %d)", shown,
			  (unsigned)uc.uid, (int)uc.pid);
	else
		log_error("socket @%s is already served", shown);
}

/* The name the socket is bound to (passed by a service manager or ours),
 * for the messages: "@name" escaped for an abstract one, else its path. */
static void socket_name(int fd, char *shown, size_t cap)
{
	struct sockaddr_un addr;
	socklen_t len = sizeof(addr);
	char name[SOCKNAME_MAX + 1];
	size_t n;

	snprintf(shown, cap, "fd %d", fd);
	if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0 ||
	    len <= offsetof(struct sockaddr_un, sun_path))
		return;
	n = len - offsetof(struct sockaddr_un, sun_path);
	if (addr.sun_path[0] != '\0') {
		snprintf(shown, cap, "%.*s", (int)strnlen(addr.sun_path, n), addr.sun_path);
		return;
	}
	n = n - 1 < SOCKNAME_MAX ? n - 1 : SOCKNAME_MAX;
	memcpy(name, addr.sun_path + 1, n);
	name[n] = '\0';
	shown[0] = '@';
	sockname_escape(name, shown + 1, cap - 1);
}

/* $NOTIFY_SOCKET and the watchdog, read once; a bad value is said and
 * that part is off. */
static void setup_notify(void)
{
	int r = sdnotify_init();

	if (r == -EINVAL)
		log_warn("NOTIFY_SOCKET='%s' is not a socket address, ignoring",
			 getenv("NOTIFY_SOCKET"));
	else if (r == -ERANGE)
		log_warn("WATCHDOG_USEC='%s' WATCHDOG_PID='%s': not usable, no watchdog, ignoring",
			 getenv("WATCHDOG_USEC") ?: "", getenv("WATCHDOG_PID") ?: "");
	else if (r < 0)
		log_warn_errno(r, "cannot reach $NOTIFY_SOCKET, ignoring");
	(void)unsetenv("NOTIFY_SOCKET");
	(void)unsetenv("WATCHDOG_USEC");
	(void)unsetenv("WATCHDOG_PID");
}

static struct activation act;	/* what a service manager passed us */

/* The primary's rotation, the syslog facility, then the copies (each a
 * file opened now, or a socket connected at its first line). */
static int setup_outputs(const struct options *o)
{
	int r;

	audit_rotation(o->log_max_size, o->log_keep, o->log_max_age);
	if (o->syslog_facility >= 0)
		syslogout_set_facility(o->syslog_facility);
	for (unsigned i = 1; i < o->nlogs; i++) {
		r = audit_add_output(o->logs[i]);
		if (r == -EINVAL)
			return log_error("cannot open the audit log copy '%s': not a regular file",
					 o->logs[i]), r;
		if (r < 0)
			return log_error_errno(r, "cannot open the audit log copy '%s'", o->logs[i]);
		log_info("audit log copy: %s", strcmp(o->logs[i], "-") == 0 ? "stdout" : o->logs[i]);
	}
	return 0;
}

static int setup_log(const struct options *o)
{
	char path[PATH_MAX], why[96];
	size_t torn = 0;
	struct audit_num nums[] = { { .key = "schema", .v = AUDIT_SCHEMA },
				    { .key = "adopted", .v = act.nlisteners } };
	int r;

	if (o->log) {
		snprintf(path, sizeof(path), "%s", o->log);
	} else if ((r = options_default_log(path, sizeof(path))) < 0) {
		return log_error_errno(r, "no default log path (set --log, XDG_STATE_HOME or HOME)");
	}
	r = setup_outputs(o);
	if (r < 0)
		return r;
	r = audit_open(path, &torn);
	if (r == -EINVAL)
		return log_error("cannot open the audit log '%s': not a regular file", path), -EINVAL;
	if (r == -ELOOP)
		return log_error("cannot open the audit log '%s': a symbolic link (not followed)",
				 path), -ELOOP;
	if (r < 0)
		return log_error_errno(r, "cannot open the audit log '%s'", path);
	log_info("audit log: %s", strcmp(path, "-") == 0 ? "stdout" : path);
	snprintf(why, sizeof(why), "cut a torn last line of %zu bytes", torn);
	r = audit_event_with("start", getpid(), torn ? why : NULL, nums,
			     fdstore_max() || act.nlisteners ? 2 : 1);
	return r < 0 ? -EIO : 0;
}

/* What tracerd is in from the start: not dumpable (a program of the same
 * uid must not ptrace it or reach its memory and fds through /proc), no
 * death by SIGPIPE or a file size limit (EFBIG instead), the test hooks
 * read, and what a service manager passed taken. 0, or the exit status. */
static int setup_process(const struct options *o, char *err, size_t errlen)
{
	(void)prctl(PR_SET_DUMPABLE, 0);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	if (hooks_init() < 0)
		return 2;
	if (activation_take(&act, err, errlen) < 0)
		return log_error("socket activation: %s", err), 2;
	if (act.ignored)
		log_warn("%u passed fds were neither our socket nor a seccomp listener named "
			 "listener-ID-PID: closed, ignoring", act.ignored);
	fdstore_init(o->fd_store_max);
	program_init(!o->no_cmdline);
	setup_notify();
	return setup_self() < 0 ? 1 : 0;
}

/* At stop: how many programs were attached, and how many of their
 * listeners the fd store keeps (all of them, with a store); why, when it
 * was no signal. */
static void stop_event(const char *reason)
{
	unsigned long n = atomic_load(&stats.attached);
	struct audit_num nums[] = {
		{ .key = "programs", .v = (long long)n },
		{ .key = "stored", .v = fdstore_max() ? (long long)n : 0 },
	};

	(void)audit_event_with("stop", getpid(), reason, nums, 2);
}

/* The options, --help, --version, the socket's name (and --detach: the
 * parent returns here). -1 to go on, else the exit status. */
static int parse(int argc, char **argv, struct options *o, char *name, char *shown, size_t cap)
{
	char err[256];
	const char *bad;
	int st = 0, r;

	if (options_parse(argc, argv, o, err, sizeof(err)) < 0) {
		fprintf(stderr, "tracerd: %s\nTry 'tracerd --help'.\n", err);
		return 2;
	}
	if (o->help || o->version) {
		fputs(o->help ? options_usage : "tracerd " TRACERD_VERSION "\n", stdout);
		return 0;
	}
	bad = sockname_invalid(o->socket, o->socket_given);
	if (bad) {
		sockname_escape(o->socket, shown, cap);
		fprintf(stderr, "tracerd: %s: '%s'\n", bad, shown);
		return 2;
	}
	(void)sockname_get(o->socket, geteuid(), name);
	sockname_escape(name, shown, cap);
	log_setup(o->level_prefix);
	r = o->detach ? detach_fork(&st) : 0;
	if (r < 0)
		return log_error_errno(r, "--detach: cannot fork"), 1;
	if (r > 0)
		return st;	/* the parent: the daemon listens, or its status */
	options_drop_detach(o, argc, argv);
	upgrade_prepare(argv);
	return -1;
}

/* After the loop: the stop event, the log closed; the exit status. */
static int finish(int r, long idle_exit)
{
	char why[64];

	if (r == LOOP_IDLE) {
		snprintf(why, sizeof(why), "idle: no program attached for %ld s", idle_exit);
		stop_event(why);
		r = 0;
	} else {
		stop_event(NULL);
	}
	audit_close();
	/* the policy stays: a parked thread may still take it for a call that
	 * came in at the last moment, and exit frees everything */
	return r;
}

int main(int argc, char **argv)
{
	char err[256], name[SOCKNAME_MAX + 1], shown[4 * SOCKNAME_MAX + 1];
	char where[4 * SOCKNAME_MAX + 2];
	unsigned max_listeners, max_handshakes;
	struct options o;
	int fd, r;

	if (argc > 1 && strcmp(argv[1], "status") == 0)
		return statuscmd_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "log") == 0)
		return logcmd_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "policy") == 0)
		return policycmd_main(argc - 1, argv + 1);
	r = parse(argc, argv, &o, name, shown, sizeof(shown));
	if (r >= 0)
		return r;
	if (open_policy(&o) < 0)
		return 2;
	r = setup_process(&o, err, sizeof(err));
	if (r)
		return r;
	share_fds(&o, &max_listeners, &max_handshakes);
	fd = act.socket >= 0 ? act.socket : bind_name(name);
	if (fd == -EADDRINUSE) {
		name_squatter(name, shown);
		return 3;
	}
	if (fd < 0)
		return log_error_errno(fd, "cannot listen on @%s", shown), 1;
	socket_name(fd, where, sizeof(where));	/* passed or bound, as it is */
	if (setup_log(&o) < 0)
		return 1;
	adopt_tables(&act, o.max_threads);
	loop_idle_exit(o.idle_exit);
	r = loop_start(fd, o.threads, o.max_threads, max_listeners, max_handshakes);
	if (r < 0)
		return log_error_errno(r, "cannot start the answering threads"), 1;
	/* a passed socket listens already: clients wait in its backlog */
	if (act.socket < 0 && listen(fd, SOMAXCONN) < 0)
		return log_error_errno(-errno, "cannot listen on %s", where), 1;
	r = (int)adopt_listeners(&act);
	log_info("%s on %s", act.socket >= 0 ? "socket-activated, serving" : "listening", where);
	detach_ready();
	if (r > 0)
		log_info("adopted %d programs supervised before the restart", r);
	activation_free(&act);
	adopt_calls();
	r = loop_supervise();
	if (r == LOOP_UPGRADE)
		return upgrade_exec(fd), 1;
	return finish(r, o.idle_exit);
}
