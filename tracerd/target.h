/* Facts about the target thread, read through /proc/TID and
 * process_vm_readv, each trusted only after NOTIF_ID_VALID. */
#ifndef TRACERD_TARGET_H
#define TRACERD_TARGET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "call.h"

#define TARGET_MAX_GROUPS 64

struct creds {
	uid_t fsuid;
	gid_t fsgid;
	unsigned ngroups;
	gid_t groups[TARGET_MAX_GROUPS];	/* sorted */
	uint64_t cap_eff;
	bool groups_overflow;
};

/* tracerd's own credentials, for the comparison with a target's. */
int target_self_creds(struct creds *out);

/* Is the notification still pending (so TID is still our thread)? */
bool target_valid(int listener, uint64_t id);

/* Copy the NUL-terminated path at c->path_ptr into c->path. Returns 0,
 * -EFAULT (a fault before the NUL), -ENAMETOOLONG (no NUL within
 * PATH_MAX), -ESRCH (gone) or -EPERM (unreadable). */
int target_read_path(struct call *c);

/* The verdict on what a read of the path returned: n bytes (or -errno)
 * read into buf of cap bytes. 0 when buf holds a NUL-terminated path. */
int target_path_check(const char *buf, ssize_t n, size_t cap);

/* Tgid, umask and credentials from an open /proc/TID/status. */
int target_status(int statusfd, struct call *c, struct creds *out);

/* exe and cwd for the audit record (best effort: "" when unknown); comm
 * comes with the status. */
void target_facts(int procfd, struct call *c);

bool creds_equal(const struct creds *a, const struct creds *b);

#endif
