/* Facts about the target thread, read through /proc/TID and
 * process_vm_readv, each trusted only after NOTIF_ID_VALID. */
#ifndef TRACERD_TARGET_H
#define TRACERD_TARGET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "call.h"
#include "creds.h"

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

/* Copy the NUL-terminated path at c->path_ptr into c->path. Returns 0,
 * -EFAULT (a fault before the NUL), -ENAMETOOLONG (no NUL within
 * PATH_MAX), -ESRCH (gone) or -EPERM (unreadable). */
int target_read_path(struct call *c);

/* The verdict on what a read of the path returned: n bytes (or -errno)
 * read into buf of cap bytes. 0 when buf holds a NUL-terminated path. */
int target_path_check(const char *buf, ssize_t n, size_t cap);

/* Tgid, umask and credentials from an open /proc/TID/status, of any size
 * and any number of groups (kept in b). 0, -EPROTO (a line missing),
 * -E2BIG (beyond TARGET_STATUS_MAX), -ENOMEM or the read's -errno. */
int target_status(int statusfd, struct call *c, struct creds *out, struct target_buf *b);

/* Is the target's user namespace (what its capabilities are relative to)
 * tracerd's own, self_ns (the "user:[INO]" its ns/user link reads; nsfs
 * inode numbers are unique among live namespaces, and tracerd's is
 * alive)? If not, cr->foreign_ns is set and its uid_map and gid_map are
 * read into b for creds_for_inode. 0 or -errno. */
int target_userns(int procfd, const char *self_ns, struct creds *cr, struct target_buf *b);

/* exe for the audit record (best effort: "" when unknown); comm comes
 * with the status, cwd from the resolution or target_cwd. */
void target_facts(int procfd, struct call *c);

/* cwd for the record when the resolution did not use (and name) the cwd
 * fd: a relative mkdir's cwd is the very fd it was resolved from. */
void target_cwd(int procfd, struct call *c);

#endif
