#ifndef NOTIF_TEST_AUDIT_H
#define NOTIF_TEST_AUDIT_H

/* The log-file half of the audit tests (test_audit_file.c); failures count. */
int audit_file_run(void);

#endif
