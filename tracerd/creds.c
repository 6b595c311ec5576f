/* Per-thread credential switches with raw syscalls: the kernel keeps
 * credentials per thread, and glibc's setgroups/setresuid would change
 * every thread of tracerd. setfsuid/setfsgid are per thread already.
 *
 * CapEff in /proc/TID/status is relative to the target's user namespace:
 * root in `unshare -Ur` shows every capability, which the kernel honours
 * only on inodes whose owner and group map into that namespace. Such a
 * target's capabilities are therefore switched per directory, never
 * applied as tracerd's own. */
#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "creds.h"
#include "log.h"

#define CAP_BIT(c) (1ULL << (c))

/* What this thread acts as: the adopted target (NULL: itself), and
 * whether its capabilities belong to another namespace. */
static __thread const struct creds *adopted;
static __thread const struct creds *acting;
static __thread uint64_t acting_eff;	/* the effective set now */

bool creds_can_adopt(const struct creds *self)
{
	return self->fsuid == 0 &&
	       (self->cap_eff & (CAP_BIT(CAP_SETUID) | CAP_BIT(CAP_SETGID))) ==
		       (CAP_BIT(CAP_SETUID) | CAP_BIT(CAP_SETGID));
}

bool creds_equal(const struct creds *t, const struct creds *self)
{
	if (t->fsuid != self->fsuid || t->fsgid != self->fsgid || t->ngroups != self->ngroups ||
	    (t->ngroups && memcmp(t->groups, self->groups, t->ngroups * sizeof(gid_t))))
		return false;
	if (t->foreign_ns)
		return self->cap_eff == 0;
	return t->cap_eff == self->cap_eff;
}

static int set_effective(uint64_t eff)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	d[0].effective = (uint32_t)eff;
	d[1].effective = (uint32_t)(eff >> 32);
	if (syscall(SYS_capset, &h, d) < 0)
		return -errno;
	acting_eff = eff;
	return 0;
}

static int set_ids(uid_t fsuid, gid_t fsgid, const gid_t *groups, unsigned n)
{
	if (syscall(SYS_setgroups, (size_t)n, groups) < 0)
		return -errno;
	/* setfsuid/setfsgid return the previous value; check by asking again */
	(void)syscall(SYS_setfsgid, fsgid);
	(void)syscall(SYS_setfsuid, fsuid);
	if ((gid_t)syscall(SYS_setfsgid, (gid_t)-1) != fsgid ||
	    (uid_t)syscall(SYS_setfsuid, (uid_t)-1) != fsuid)
		return -EPERM;
	return 0;
}

int creds_adopt(const struct creds *t)
{
	int r = set_ids(t->fsuid, t->fsgid, t->groups, t->ngroups);

	if (r < 0)
		return r;
	/* another namespace's capabilities: none until an inode is known */
	adopted = t;
	acting = t->foreign_ns ? t : NULL;
	return set_effective(t->foreign_ns ? 0 : t->cap_eff);
}

static bool mapped(const struct idmap *m, uint32_t id)
{
	for (unsigned i = 0; i < m->n; i++)
		if (id - m->ext[i].lower < m->ext[i].count)
			return true;
	return false;
}

bool creds_per_inode(void)
{
	return acting && (acting->cap_eff & CREDS_DAC_CAPS);
}

int creds_for_inode(uid_t uid, gid_t gid)
{
	uint64_t want;

	if (!creds_per_inode())
		return 0;
	want = mapped(acting->uids, uid) && mapped(acting->gids, gid) ?
		acting->cap_eff & CREDS_DAC_CAPS : 0;
	return want == acting_eff ? 0 : set_effective(want);
}

int creds_for_dir(int fd)
{
	struct stat st;

	if (!creds_per_inode())
		return 0;
	if (fstat(fd, &st) < 0)
		return -errno;
	return creds_for_inode(st.st_uid, st.st_gid);
}

const struct creds *creds_suspend(const struct creds *self)
{
	const struct creds *t = adopted;

	if (t && self)
		creds_restore(self);
	return self ? t : NULL;
}

int creds_resume(const struct creds *t)
{
	return t ? creds_adopt(t) : 0;
}

void creds_restore(const struct creds *self)
{
	/* caps first: setgroups needs CAP_SETGID back */
	int r = set_effective(self->cap_eff);

	if (r == 0)
		r = set_ids(self->fsuid, self->fsgid, self->groups, self->ngroups);
	if (r == 0)
		r = set_effective(self->cap_eff);
	if (r < 0) {
		log_error_errno(r, "cannot restore tracerd's own credentials in a thread");
		abort();
	}
	adopted = acting = NULL;
}

int creds_parse_map(const char *s, struct idmap *m)
{
	m->n = 0;
	for (;;) {
		unsigned long first, lower, count;
		char *end;

		s += strspn(s, " \t\n");
		if (!*s)
			return 0;
		first = strtoul(s, &end, 10);
		if (end == s)
			return -EPROTO;
		lower = strtoul(s = end, &end, 10);
		if (end == s)
			return -EPROTO;
		count = strtoul(s = end, &end, 10);
		if (end == s || m->n == CREDS_MAX_EXTENTS || first > UINT32_MAX ||
		    lower > UINT32_MAX || count > UINT32_MAX)
			return -EPROTO;
		m->ext[m->n].lower = (uint32_t)lower;
		m->ext[m->n++].count = (uint32_t)count;
		s = end;
	}
}
