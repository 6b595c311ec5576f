/* The attach event, naming the program. For a program that notif-run
 * starts, the hello says EXEC and this is written at its first call (or
 * at its end, if it makes none), once the program has replaced
 * notif-run; otherwise at the handshake, before the ack: so every read
 * here is bounded (a few KiB from /proc, no walk, no wait). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "canon.h"
#include "log.h"
#include "program.h"
#include "progparse.h"

static bool with_cmdline = true;

void program_init(bool cmdline)
{
	with_cmdline = cmdline;
}

/* Up to cap bytes of /proc/TID/NAME, read until the end or cap: the
 * number read, or -errno. */
static ssize_t proc_read(pid_t tid, const char *name, char *buf, size_t cap)
{
	char path[48];
	size_t n = 0;
	ssize_t k = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)tid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (n < cap && (k = read(fd, buf + n, cap - n)) > 0)
		n += (size_t)k;
	if (k < 0)
		k = -errno;
	close(fd);
	return k < 0 ? k : (ssize_t)n;
}

/* What the event says of the program, each read on its own: a field that
 * cannot be read is left out (the program may be gone already). */
struct facts {
	char exe[PATH_MAX], cwd[PATH_MAX];
	char cmd[PROGPARSE_CMDLINE_READ + 1];
	bool have_exe, have_cwd, have_cmd, cut, have_uid;
	uid_t uid;
};

static void read_facts(pid_t tid, struct facts *f)
{
	char path[48], status[1024];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)tid);
	f->have_exe = canon_readlink(AT_FDCWD, path, f->exe, sizeof(f->exe)) > 0;
	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)tid);
	f->have_cwd = canon_readlink(AT_FDCWD, path, f->cwd, sizeof(f->cwd)) > 0;
	n = with_cmdline ? proc_read(tid, "cmdline", f->cmd, PROGPARSE_CMDLINE_READ) : 0;
	f->have_cmd = n > 0;	/* none: a process without memory any more */
	if (f->have_cmd)
		(void)progparse_cmdline(f->cmd, (size_t)n, &f->cut);
	n = proc_read(tid, "status", status, sizeof(status));
	f->have_uid = n > 0 && progparse_fsuid(status, (size_t)n, &f->uid) == 0;
}

/* The event, in a buffer for its worst case (every byte of exe, cwd and
 * command line escaped as \udcXX): larger than audit_event_with's. */
static void write_event(pid_t pid, const struct audit_num *nums, size_t n)
{
	size_t cap = 512;
	char *buf;
	int len;

	for (size_t i = 0; i < n; i++)
		cap += nums[i].s ? 6 * strlen(nums[i].s) : 0;
	buf = malloc(cap);
	if (!buf) {
		log_warn("attach event of pid %d: out of memory, ignoring", (int)pid);
		return;
	}
	len = audit_event_line(buf, cap, "attach", pid, NULL, nums, n);
	if (len > 0)
		(void)audit_write(buf, (size_t)len, 0);
	free(buf);
}

void program_attached(pid_t tid, pid_t pid, uint64_t id)
{
	struct facts f = { 0 };
	struct audit_num nums[6];
	size_t n = 0;

	read_facts(tid, &f);
	nums[n++] = (struct audit_num){ .key = "attach", .v = (long long)id };
	if (f.have_exe)
		nums[n++] = (struct audit_num){ .key = "exe", .s = f.exe };
	if (f.have_cmd)
		nums[n++] = (struct audit_num){ .key = "cmdline", .s = f.cmd };
	if (f.have_cmd && f.cut)
		nums[n++] = (struct audit_num){ .key = "cmdline_cut", .v = 1, .boolean = true };
	if (f.have_cwd)
		nums[n++] = (struct audit_num){ .key = "cwd", .s = f.cwd };
	if (f.have_uid)
		nums[n++] = (struct audit_num){ .key = "uid", .v = (long long)f.uid };
	write_event(pid, nums, n);
}
