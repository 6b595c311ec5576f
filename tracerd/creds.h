/* Taking a target's filesystem credentials in one answering thread, so a
 * root tracerd creates as a root target that changed its fsuid, fsgid,
 * groups or effective capabilities would. */
#ifndef TRACERD_CREDS_H
#define TRACERD_CREDS_H

#include <stdbool.h>

#include "target.h"

/* Can this tracerd take other credentials (CAP_SETUID and CAP_SETGID)? */
bool creds_can_adopt(const struct creds *self);

/* Switch this thread to the target's fsuid, fsgid, groups and effective
 * capabilities (plus CAP_SYS_PTRACE, which grants no file access, so the
 * target's /proc links stay readable). 0 or -errno (then unchanged). */
int creds_adopt(const struct creds *target);

/* Back to tracerd's own credentials; aborts if that fails (a thread left
 * with a target's credentials must not go on). */
void creds_restore(const struct creds *self);

#endif
