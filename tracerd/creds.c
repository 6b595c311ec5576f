/* Per-thread credential switches with raw syscalls: the kernel keeps
 * credentials per thread, and glibc's setgroups/setresuid would change
 * every thread of tracerd. setfsuid/setfsgid are per thread already. */
#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "creds.h"
#include "log.h"

#define CAP_BIT(c) (1ULL << (c))

bool creds_can_adopt(const struct creds *self)
{
	return self->fsuid == 0 &&
	       (self->cap_eff & (CAP_BIT(CAP_SETUID) | CAP_BIT(CAP_SETGID))) ==
		       (CAP_BIT(CAP_SETUID) | CAP_BIT(CAP_SETGID));
}

static int set_effective(uint64_t eff)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	d[0].effective = (uint32_t)eff;
	d[1].effective = (uint32_t)(eff >> 32);
	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
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
	int r;

	if (t->groups_overflow)
		return -E2BIG;
	r = set_ids(t->fsuid, t->fsgid, t->groups, t->ngroups);
	if (r == 0)
		r = set_effective(t->cap_eff | CAP_BIT(CAP_SYS_PTRACE));
	return r;
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
}
