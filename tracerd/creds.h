/* A thread's filesystem credentials, and taking a target's in one
 * answering thread, so a root tracerd creates as a root target that
 * changed its fsuid, fsgid, groups or effective capabilities would, and
 * never with more power than the kernel would grant the target. */
#ifndef TRACERD_CREDS_H
#define TRACERD_CREDS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define CREDS_MAX_EXTENTS 340	/* the kernel's limit on uid_map lines */

/* A user namespace's uid_map or gid_map as tracerd reads it: the ids of
 * tracerd's namespace (lower) that map into the target's. */
struct idmap {
	unsigned n;
	struct {
		uint32_t lower, count;
	} ext[CREDS_MAX_EXTENTS];
};

struct creds {
	uid_t fsuid;
	gid_t fsgid;
	unsigned ngroups;
	gid_t *groups;		/* sorted; the storage belongs to the reader */
	uint64_t cap_eff;	/* relative to the task's own user namespace */
	bool foreign_ns;	/* that namespace is not tracerd's */
	const struct idmap *uids, *gids;	/* its maps, when foreign_ns */
};

/* The capabilities that decide a walk and a mkdir: search and write on
 * directories whatever their modes. */
#define CREDS_DAC_CAPS ((1ULL << 1) | (1ULL << 2))	/* DAC_OVERRIDE, DAC_READ_SEARCH */

/* Can this tracerd take other credentials (CAP_SETUID and CAP_SETGID)? */
bool creds_can_adopt(const struct creds *self);

/* Would tracerd, acting as itself, have exactly the target's power? The
 * same ids and groups, and the same capabilities; a target's capabilities
 * in another user namespace are ignored when tracerd has none (acting as
 * itself is then never more than the target may). */
bool creds_equal(const struct creds *target, const struct creds *self);

/* Switch this thread to the target's fsuid, fsgid, groups and effective
 * capabilities. A capability of another user namespace is held only
 * while creds_for_inode() says the inode maps into it. 0 or -errno. */
int creds_adopt(const struct creds *target);

/* Before acting on a directory owned by uid:gid: the adopted target's
 * capabilities if its user namespace has power over it, else none, as
 * the kernel's capable_wrt_inode_uidgid decides. A no-op when the
 * thread is not acting as a target of another namespace. 0 or -errno. */
int creds_for_inode(uid_t uid, gid_t gid);

/* Does this thread need creds_for_inode() before each directory? */
bool creds_per_inode(void);

/* creds_for_inode() with the owner of the directory fd. */
int creds_for_dir(int fd);

/* For a moment as tracerd (reading the target's /proc, judging the
 * ancestry): back to self when a target was adopted; returns that
 * target's credentials (NULL: none, nothing changed). */
const struct creds *creds_suspend(const struct creds *self);

/* Act as t again after creds_suspend (NULL: nothing to do). 0 or -errno. */
int creds_resume(const struct creds *t);

/* Back to tracerd's own credentials; aborts if that fails (a thread left
 * with a target's credentials must not go on). */
void creds_restore(const struct creds *self);

/* Parse a uid_map/gid_map text into m. 0 or -EPROTO. */
int creds_parse_map(const char *text, struct idmap *m);

#endif
