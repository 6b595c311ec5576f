/* The attach event, naming the program. For a program that notif-run
 * starts, the hello says EXEC and this is written at its first call (or
 * at its end, if it makes none), once the program has replaced
 * notif-run; otherwise at the handshake. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "canon.h"
#include "program.h"

/* /proc/TID/cmdline, its NULs as spaces (as ps shows it): the length, or
 * -1 when it cannot be read. */
static ssize_t cmdline(pid_t tid, char *buf, size_t cap)
{
	char path[48];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, cap - 1);
	close(fd);
	if (n <= 0)
		return -1;
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
	return n;
}

void program_attached(pid_t tid, pid_t pid, uint64_t id)
{
	char path[48], exe[PROGRAM_FIELD_MAX + 1], cmd[PROGRAM_FIELD_MAX + 1];
	bool have_exe, have_cmd;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)tid);
	have_exe = canon_readlink(AT_FDCWD, path, exe, sizeof(exe)) > 0;
	have_cmd = cmdline(tid, cmd, sizeof(cmd)) > 0;
	{
		struct audit_num nums[] = {
			{ .key = "attach", .v = (long long)id },
			{ .key = "exe", .s = have_exe ? exe : NULL },
			{ .key = "cmdline", .s = have_cmd ? cmd : NULL },
		};
		unsigned n = 1;

		/* an unreadable field is left out, not written as a string */
		if (have_exe)
			nums[n++] = nums[1];
		if (have_cmd)
			nums[n++] = nums[2];
		(void)audit_event_with("attach", pid, NULL, nums, n);
	}
}
