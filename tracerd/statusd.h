/* The daemon's side of `tracerd status`: a snapshot of how tracerd is,
 * answered on the handshake thread (never an answering thread), the locks
 * held only to copy, never across I/O, so a status request never delays a
 * call. The answer (wire.h, version 3) is JSON Lines of flat objects, so
 * that jread.h reads each:
 *   {"tracerd":"status","pid","version","started","uptime_ms","socket",
 *    "threads","busy","parked","stalled","programs","listed","emulated",
 *    "denied","error","lost","lost_records","roots","outputs",
 *    "policy_gen","policy","rules"}  first ("policy": the file, null for
 *    --allow or the default; "rules": how many the policy has);
 *   {"root":PATH}                      one per allowed root;
 *   {"output":SPEC,"lost_records":N}   one per log output;
 *   {"rule":"FILE:LINE","action","dir","errno","exe","skipped"}  one per
 *     rule of the policy in force, in file order ("errno" null but for
 *     deny, "exe" null without exe=);
 *   {"attach":ID,"pid","exe","since","calls"}  one per attached program
 *     listed ("listed" of "programs": the text stays under a bound).
 * "exe" is read from /proc/PID/exe when asked, null when that pid is gone
 * or is a process started after the attach (its pid reused).
 * A reader skips lines of a kind and header keys it does not know: the
 * policy's (issue 19) came so, without a new wire version. */
#ifndef TRACERD_STATUSD_H
#define TRACERD_STATUSD_H

/* The start of this tracerd (uptime counts from here). */
void statusd_start(void);

/* Answer the status request on the connected socket fd (of tracerd's
 * uid, authenticated): the version-3 ack and the text. 0 or -errno. */
int statusd_answer(int fd);

#endif
