/* The target: installs the project's filter (the one libnotif.so installs,
 * built by filter_build from the shared table), optionally a second filter,
 * hands the listener to the tracer with the project's hello over a socket
 * pair, then calls mkdir for each path and reports what the kernel said. */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../common/syscalls.h"
#include "../common/wire.h"
#include "../shim/filter.h"
#include "seed-demo.h"

/* Only async-signal-safe calls here (the seed used printf). */
static void on_sigint(int sig)
{
	static const char msg[] = "Target process: received signal SIGINT\n";

	(void)sig;
	(void)!write(STDOUT_FILENO, msg, sizeof(msg) - 1);
}

static int set_handler(int restart)
{
	struct sigaction sa = { .sa_handler = on_sigint };

	sigemptyset(&sa.sa_mask);
	sa.sa_flags = restart ? SA_RESTART : 0;
	if (sigaction(SIGINT, &sa, NULL) < 0)
		return -errno;
	printf("Target process: SIGINT handler installed %s\n",
	       restart ? "with SA_RESTART" : "without SA_RESTART");
	return 0;
}

static long sys_seccomp(unsigned op, unsigned long flags, void *args)
{
	return syscall(SYS_seccomp, op, flags, args);
}

/* The project's filter with NEW_LISTENER (and WAIT_KILLABLE_RECV for -k).
 * Returns the listener or -errno. */
static int install_notify(int killable)
{
	struct sock_filter insn[FILTER_MAX_INSNS];
	struct sock_fprog prog = { .filter = insn };
	unsigned long flags = SECCOMP_FILTER_FLAG_NEW_LISTENER;
	int n = filter_build(insn, FILTER_MAX_INSNS);
	long fd;

	if (n < 0)
		return n;
	prog.len = (unsigned short)n;
	if (killable)
		flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	fd = sys_seccomp(SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (fd < 0)
		return -errno;
	printf("Target process: installed the project's filter (%d instructions) with "
	       "NEW_LISTENER%s; listener fd %ld\n",
	       n, killable ? " | WAIT_KILLABLE_RECV" : "", fd);
	return (int)fd;
}

/* A second filter giving mkdir and mkdirat ACTION, allowing the rest. The
 * kernel runs every filter and keeps the highest-precedence action:
 * KILL > TRAP > ERRNO > USER_NOTIF > TRACE > LOG > ALLOW. */
static int install_second(uint32_t action)
{
	const struct syscalls_row *row = syscalls_row(DEMO_ARCH);
	uint32_t mkdir_nr = row->mkdir != SYSCALLS_NONE ? row->mkdir : row->mkdirat;
	struct sock_filter insn[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, DEMO_ARCH, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, mkdir_nr, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, row->mkdirat, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, action),
	};
	struct sock_fprog prog = { .len = sizeof(insn) / sizeof(insn[0]), .filter = insn };

	if (sys_seccomp(SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return -errno;
	printf("Target process: installed a second filter returning %s for mkdir\n",
	       action == SECCOMP_RET_TRACE ? "SECCOMP_RET_TRACE" :
					     "SECCOMP_RET_ERRNO(ENOTSUP)");
	return 0;
}

/* The filter's other branches: our probe number and io_uring. */
static void show_filter(void)
{
	const struct syscalls_row *row = syscalls_row(DEMO_ARCH);
	char buf[64];
	int probe, uring;

	probe = syscall(SYSCALLS_PROBE_NR) < 0 ? errno : 0;
	uring = syscall(row->io_uring[0], 1, NULL) < 0 ? errno : 0;
	printf("Target process: probe syscall %#x -> errno %d (%s); io_uring_setup -> %s\n",
	       SYSCALLS_PROBE_NR, probe,
	       probe == SYSCALLS_PROBE_ERRNO ? "our filter is present" : "no filter?",
	       demo_errstr(uring, buf, sizeof(buf)));
}

static void make_dirs(char **paths)
{
	char buf[64];

	for (char **p = paths; *p; p++) {
		int r, err;

		printf("\nTarget process: about to make directory \"%s\"\n", *p);
		r = mkdir(*p, DEMO_MODE);
		err = errno;
		if (r == 0)
			printf("Target process: SUCCESS: mkdir(2) returned 0\n");
		else
			printf("Target process: mkdir(2) failed: %s\n",
			       demo_errstr(err, buf, sizeof(buf)));
	}
}

/* Filters in, listener handed over (hello + SCM_RIGHTS), our copy closed:
 * from here on every mkdir is the tracer's to answer. */
static int setup(int sock, const struct demo_opts *o)
{
	uint8_t hello[WIRE_HELLO_SIZE];
	int fd, r;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	fd = install_notify(o->killable);
	if (fd < 0)
		return fd;
	if (o->second) {
		r = install_second(o->second);
		if (r < 0)
			return r;
	}
	show_filter();
	wire_hello_encode(hello, getpid());
	r = wire_send(sock, hello, sizeof(hello), fd);
	if (r < 0)
		return r;
	printf("Target process: sent the listener to the tracer\n");
	close(fd);
	close(sock);
	return 0;
}

int demo_target(int sock, char **paths, const struct demo_opts *o)
{
	char buf[64];
	int r;

	printf("Target process: PID = %ld\n", (long)getpid());
	r = set_handler(o->restart);
	if (r == 0)
		r = setup(sock, o);
	if (r < 0) {
		printf("Target process: setup failed: %s\n", demo_errstr(-r, buf, sizeof(buf)));
		return 1;
	}
	make_dirs(paths);
	printf("\nTarget process: terminating\n");
	return 0;
}
