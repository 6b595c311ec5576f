/* wireclient: a client of tracerd's wire protocol built by hand, as an
 * older or newer library would speak it (t-restart-client.sh):
 *
 *   wireclient NAME VERSION LOWEST [PATH]
 *
 * installs a seccomp filter sending mkdir/mkdirat to a listener, sends it
 * to @NAME in a 16-byte hello of VERSION (LOWEST in the word at offset 12;
 * 0 for a version-1 hello), prints the ack as "ack LEN VERSION STATUS"
 * (and " id=N" when 16 bytes long); on WIRE_OK with PATH, mkdir(PATH) and
 * prints "mkdir 0" or "mkdir ERRNO". Exit 0 when an ack came. */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

static int listener(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
#ifdef __NR_mkdir
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mkdir, 2, 0),
#else
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mkdirat, 2, 0),
#endif
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mkdirat, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			    SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
}

static int send_hello(int s, const uint8_t *hello, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)(uintptr_t)hello, .iov_len = 16 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			      .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(s, &msg, MSG_NOSIGNAL) == 16 ? 0 : -1;
}

/* One connection: the hello with fd, the ack printed. Its status, or -1. */
static int hello_once(const char *name, uint16_t ver, uint16_t lo, int fd)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 5 };
	uint8_t hello[16], ack[32];
	uint32_t magic = 0x4e4f5446, pid = (uint32_t)getpid(), u32;
	uint16_t st, zero = 0;
	uint64_t id;
	size_t n = strlen(name);
	ssize_t len;
	int s;

	memcpy(a.sun_path + 1, name, n);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    connect(s, (struct sockaddr *)&a, (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
							    1 + n)) < 0) {
		perror("wireclient: connect");
		return -1;
	}
	memcpy(hello, &magic, 4);
	memcpy(hello + 4, &ver, 2);
	memcpy(hello + 6, &zero, 2);
	memcpy(hello + 8, &pid, 4);
	memcpy(hello + 12, &lo, 2);
	memcpy(hello + 14, &zero, 2);
	if (send_hello(s, hello, fd) < 0) {
		perror("wireclient: send");
		return -1;
	}
	len = recv(s, ack, sizeof(ack), 0);
	close(s);
	if (len < 8) {
		printf("ack %zd\n", len);
		return -1;
	}
	memcpy(&u32, ack, 4);
	memcpy(&ver, ack + 4, 2);
	memcpy(&st, ack + 6, 2);
	printf("ack %zd %u %u", len, ver, st);
	if (len == 16) {
		memcpy(&id, ack + 8, 8);
		printf(" id=%llu", (unsigned long long)id);
	}
	printf("%s\n", u32 == magic ? "" : " bad-magic");
	fflush(stdout);
	return st;
}

/* WIRECLIENT_TWICE set: the same listener is sent on a second connection
 * too (a library trying again after a tracerd died between storing the
 * listener and its ack), and both acks are printed. */
int main(int argc, char **argv)
{
	uint16_t ver, lo;
	int fd, st;

	if (argc < 4 || strlen(argv[1]) >= sizeof(((struct sockaddr_un *)0)->sun_path) - 1)
		return 2;
	ver = (uint16_t)atoi(argv[2]);
	lo = (uint16_t)atoi(argv[3]);
	fd = listener();
	if (fd < 0) {
		perror("wireclient: seccomp");
		return 1;
	}
	st = hello_once(argv[1], ver, lo, fd);
	if (st == 0 && getenv("WIRECLIENT_TWICE"))
		st = hello_once(argv[1], ver, lo, fd);
	close(fd);
	if (st < 0)
		return 1;
	if (st == 0 && argc > 4)
		printf("mkdir %s\n", mkdir(argv[4], 0755) == 0 ? "0" : strerrorname_np(errno));
	return 0;
}
