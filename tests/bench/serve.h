/* The supervisors written in the bench, one notification at a time:
 * - floor: process_vm_readv (one read up to the page boundary, more only
 *   without a NUL), NOTIF_ID_VALID, the policy (a string prefix), mkdir
 *   when allowed, one write(2) of a log line, SEND; SYNC_WAKE_UP set on
 *   the listener. The least a real supervisor with an audit log does.
 * - seed: the same, but the path comes from open/lseek/read/close of
 *   /proc/PID/mem per call (as the seed does) and without SYNC_WAKE_UP.
 * - facts: the floor plus what the core issue's rules force a correct
 *   supervisor to learn about the target per call (facts.c): its status
 *   (umask, ids, capabilities, comm), exe and cwd, read on kept /proc fds,
 *   and the mkdir done under the target's umask. No path resolution and no
 *   ancestry check: still a floor, not the product.
 * - world: the facts floor plus the target's world, which a supervisor
 *   resolving paths and judging capabilities must also learn per call
 *   (nothing cheap tells when chroot, setns or unshare changed it): after
 *   the status, statx of /proc/TID/root compared with our own root (dev,
 *   ino, mount id), and for a target with capabilities (CapEff != 0) the
 *   readlink of /proc/TID/ns/user compared with ours; another world: EPERM
 *   (the bench never chroots nor unshares). */
#ifndef NOTIF_BENCH_SERVE_H
#define NOTIF_BENCH_SERVE_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>
#include <linux/seccomp.h>

enum serve_kind {
	SERVE_NONE = 0,
	SERVE_FLOOR,
	SERVE_SEED,
	SERVE_FACTS,
	SERVE_WORLD,
};

/* Kept fds of one target thread: direct-mapped by tid, reopened when the
 * slot holds another tid (or another listener's). */
#define FACTS_SLOTS 64
#define FACTS_GROUPS 32

struct facts_slot {
	pid_t tid;		/* 0: free */
	int lfd;		/* the listener it came through */
	int procfd;		/* O_PATH of /proc/TID */
	int statusfd;		/* /proc/TID/status */
};

/* What the rules need about the calling thread, read per call. */
struct facts {
	mode_t umask;
	uid_t uid[4];		/* real, effective, saved, fs */
	gid_t gid[4];
	gid_t groups[FACTS_GROUPS];
	unsigned ngroups;
	unsigned long long capeff;
	char comm[64];
	char exe[PATH_MAX];
	char cwd[PATH_MAX];
};

/* SERVE_WORLD: our own world, taken once at start. */
struct world {
	dev_t dev;		/* our root directory: device, inode, mount id */
	ino_t ino;
	unsigned long long mnt_id;
	char userns[64];	/* readlink of /proc/self/ns/user */
};

struct serve {
	enum serve_kind kind;
	int logfd;
	const char *prefix;	/* the allowed directory */
	size_t prefix_len;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	size_t req_size, resp_size;
	unsigned long calls;
	/* SERVE_FACTS and SERVE_WORLD */
	mode_t umask;		/* ours, as last set */
	struct facts facts;
	struct facts_slot slot[FACTS_SLOTS];
	struct world world;	/* SERVE_WORLD only */
};

/* The supervisors that read the target's facts (facts.c). */
static inline int serve_reads_facts(const struct serve *s)
{
	return s->kind == SERVE_FACTS || s->kind == SERVE_WORLD;
}

/* Open the log (O_APPEND) and size the buffers. 0 or -errno. */
int serve_init(struct serve *s, enum serve_kind kind, const char *log, const char *prefix);

/* In the child: our filter (shim/filter.c) with NEW_LISTENER and
 * WAIT_KILLABLE_RECV, the listener sent over sock. 0 or -errno. */
int serve_attach(int sock);

/* In the supervisor: per-listener set-up (SYNC_WAKE_UP for the floor). */
int serve_listener(struct serve *s, int lfd);

/* One RECV ... SEND. 0 (also when the target went away) or -errno. */
int serve_one(struct serve *s, int lfd);

/* The listener lfd hung up: close the fds kept for its threads. */
void serve_forget(struct serve *s, int lfd);

/* facts.c: 0 or -errno (SERVE_WORLD: our root or user namespace unreadable) */
int facts_init(struct serve *s);
/* Fill s->facts for thread tid (status, exe, cwd; SERVE_WORLD: the root
 * and, when capable, the user namespace checked after the status). 0 or
 * -errno, -EPERM when the target's world is not ours. */
int facts_read(struct serve *s, int lfd, pid_t tid);
void facts_forget(struct serve *s, int lfd);
/* mkdir under the target's umask; the errno (0 on success). */
int facts_mkdir(struct serve *s, const char *path, mode_t mode);
/* The record line with the facts: one write(2). */
void facts_log(struct serve *s, pid_t pid, const char *path, const char *what, int err);

#endif
