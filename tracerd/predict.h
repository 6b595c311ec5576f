/* Which errno the kernel would answer a mkdir that got past its lookup,
 * before the filesystem is asked: for a call the policy refuses, so the
 * target hears the kernel's own EACCES, EROFS or EPERM where it would
 * have, and tracerd's EPERM only where the kernel would have gone on. */
#ifndef TRACERD_PREDICT_H
#define TRACERD_PREDICT_H

/* Run with the target's credentials in force on the thread (as for the
 * probe: creds_for_dir on parentfd first), after the probe found the last
 * name absent. 0: the call would reach the filesystem (ENOSPC, EDQUOT,
 * EMLINK, EIO and LSM denials are not foreseen); -EROFS: a read-only mount
 * or filesystem; -EPERM: an immutable parent; -EACCES: no write or search
 * permission on the parent. Any other failure of the check foresees
 * nothing: 0. */
int predict_create(int parentfd);

#endif
