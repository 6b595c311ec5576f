/* The daemon events (audit.h): formatted (audit_line.c) and written
 * like any line, through audit_write. */
#include <stdint.h>

#include "audit.h"

int audit_event_with(const char *event, pid_t pid, const char *reason,
		     const struct audit_num *nums, size_t n)
{
	char buf[16 * 1024];	/* an attach event: exe and cmdline, escaped */
	int len = audit_event_line(buf, sizeof(buf), event, pid, reason, nums, n);

	return len < 0 ? len : audit_write(buf, (size_t)len, 0);
}

int audit_event_attach(const char *event, pid_t pid, uint64_t attach, const char *reason)
{
	struct audit_num num = { .key = "attach", .v = (long long)attach };

	return audit_event_with(event, pid, reason, &num, attach ? 1 : 0);
}

int audit_event(const char *event, pid_t pid, const char *reason)
{
	return audit_event_with(event, pid, reason, NULL, 0);
}
