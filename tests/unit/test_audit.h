#ifndef NOTIF_TEST_AUDIT_H
#define NOTIF_TEST_AUDIT_H

#include <sys/types.h>

/* The log-file half of the audit tests (test_audit_file.c); failures count. */
int audit_file_run(void);
/* Rotation and copies (test_audit_rotate.c). */
int audit_rotate_run(void);

/* The fakes of test_audit_file.c: write(2) to fd fails (1: ENOSPC, 2: a
 * short write), fallocate(2) has room up to falloc_room (-1: plenty). */
struct audit_inject {
	int fd;
	int fail;
};
extern struct audit_inject inject;
extern off_t falloc_room;
ssize_t __real_write(int fd, const void *buf, size_t n);

#endif
