/* minshim.so: the start floor of the bench, a preload library that does
 * only what any libnotif-like library must do at start: NO_NEW_PRIVS, the
 * project's filter with the product's flags, connect to the abstract
 * socket named by BENCH_MINSHIM_SOCK, send the listener, wait for one
 * byte. No probe, no checks, no messages. Any failure: _exit(126). */
#include <errno.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "../../common/compat.h"
#include "../../common/sockname.h"
#include "../../common/wire.h"
#include "../../shim/filter.h"

static int handoff(const char *name, int listener)
{
	struct sockaddr_un addr;
	socklen_t alen = sockname_addr(name, &addr);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), r = -1;
	char ack;

	if (s < 0)
		return -1;
	if (connect(s, (struct sockaddr *)&addr, alen) == 0 &&
	    wire_send(s, "L", 1, listener) == 0 && read(s, &ack, 1) == 1)
		r = 0;
	close(s);
	return r;
}

__attribute__((constructor)) static void minshim_init(void)
{
	const unsigned long flags = SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC |
				    SECCOMP_FILTER_FLAG_TSYNC_ESRCH |
				    SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	struct sock_filter insn[FILTER_MAX_INSNS];
	struct sock_fprog prog = { .filter = insn };
	const char *name = getenv("BENCH_MINSHIM_SOCK");
	int n, saved = errno;
	long fd;

	if (!name)
		_exit(126);
	n = filter_build(insn, FILTER_MAX_INSNS);
	if (n < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		_exit(126);
	prog.len = (unsigned short)n;
	fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (fd < 0 || handoff(name, (int)fd) < 0)
		_exit(126);
	close((int)fd);
	errno = saved;
}
