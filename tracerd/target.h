/* Facts about the target thread, read through /proc/TID and
 * process_vm_readv, each trusted only after NOTIF_ID_VALID. */
#ifndef TRACERD_TARGET_H
#define TRACERD_TARGET_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "creds.h"

#define TARGET_MAX_PIDNS 33	/* the kernel nests pid namespaces 32 deep */

/* What tracerd learns of the target thread from /proc: its status
 * (target_status), exe (target_read_facts) and cwd (target_cwd). */
struct target_facts {
	pid_t tgid;		/* 0 until read */
	pid_t nstgid[TARGET_MAX_PIDNS], nspid[TARGET_MAX_PIDNS];	/* its ids in
				 * every pid namespace tracerd sees, tracerd's first */
	unsigned nslevels;	/* 0: unknown */
	mode_t umask;
	struct creds creds;	/* fsuid (uid_t)-1 until read */
	char comm[32];
	char exe[PATH_MAX];	/* "" when unknown */
	char cwd[PATH_MAX];	/* by target_cwd */
	bool have_cwd;
	bool ok;		/* exe and comm were read, and the read confirmed */
};

/* The path argument as read from the target's memory. */
struct target_path {
	char path[PATH_MAX];	/* NUL-terminated when ok */
	bool ok;
};

/* The largest status file read: 65 536 groups of up to 10 digits, and
 * the rest of the file. */
#define TARGET_STATUS_MAX (1024 * 1024)

/* One reader's buffers, grown as a status file needs and kept: the
 * status text and the groups a struct creds points into. */
struct target_buf {
	char *status;
	size_t status_cap;
	gid_t *groups;
	unsigned groups_cap;
	struct idmap uids, gids;	/* of a target in another user namespace */
};

void target_buf_free(struct target_buf *b);

/* The whole of a /proc file into b->status (NUL-terminated): one pread,
 * the buffer grown while it comes back full (groups can make a status
 * ~700 KB). Its length, -E2BIG beyond TARGET_STATUS_MAX, or -errno. */
ssize_t target_read_file(int fd, struct target_buf *b);

/* tracerd's own credentials, for the comparison with a target's (the
 * groups stay in b). */
int target_self_creds(struct creds *out, struct target_buf *b);

/* Is the notification still pending (so TID is still our thread)? */
bool target_valid(int listener, uint64_t id);

/* Copy the NUL-terminated path at addr of thread tid into out->path
 * (out->ok: it is whole). Returns 0, -EFAULT (a fault before the NUL),
 * -ENAMETOOLONG (no NUL within PATH_MAX), -ESRCH (gone) or -EPERM
 * (unreadable). */
int target_read_path(pid_t tid, uint64_t addr, struct target_path *out);

/* The verdict on what a read of the path returned: n bytes (or -errno)
 * read into buf of cap bytes. 0 when buf holds a NUL-terminated path. */
int target_path_check(const char *buf, ssize_t n, size_t cap);

/* Tgid, pid namespace ids, umask, comm and credentials (f->creds, its
 * groups kept in b) from an open /proc/TID/status, of any size and any
 * number of groups. 0, -EPROTO (a line missing), -E2BIG (beyond
 * TARGET_STATUS_MAX), -ENOMEM or the read's -errno. */
int target_status(int statusfd, struct target_facts *f, struct target_buf *b);

/* Is the target's user namespace (what its capabilities are relative to)
 * tracerd's own, self_ns (the "user:[INO]" its ns/user link reads; nsfs
 * inode numbers are unique among live namespaces, and tracerd's is
 * alive)? If not, cr->foreign_ns is set and its uid_map and gid_map are
 * read into b for creds_for_inode. 0 or -errno. */
int target_userns(int procfd, const char *self_ns, struct creds *cr, struct target_buf *b);

/* exe for the audit record (best effort: "" when unknown), and f->ok;
 * comm comes with the status, cwd from the resolution or target_cwd. */
void target_read_facts(int procfd, struct target_facts *f);

/* cwd for the record when the resolution did not use (and name) the cwd
 * fd: a relative mkdir's cwd is the very fd it was resolved from. Once:
 * nothing when f->have_cwd. */
void target_cwd(int procfd, struct target_facts *f);

#endif
