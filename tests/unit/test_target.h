#ifndef NOTIF_TEST_TARGET_H
#define NOTIF_TEST_TARGET_H

/* The /proc/TID/status half of the target tests; failures count. */
int target_status_run(void);

#endif
