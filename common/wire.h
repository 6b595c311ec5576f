/* The versioned hello/ack exchanged once per supervised process, and the
 * fd/credential passing under them. Fixed-size little messages: a decoder
 * checks the exact length, the magic and the version. */
#ifndef NOTIF_WIRE_H
#define NOTIF_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define WIRE_MAGIC	0x4e4f5446U	/* "NOTF" */
#define WIRE_VERSION	1

enum wire_status {
	WIRE_OK = 0,
	WIRE_EVERSION = 1,	/* protocol version unsupported */
	WIRE_ETOOMANY = 2,	/* too many clients */
	WIRE_ENOFDS = 3,	/* tracerd is out of file descriptors */
	WIRE_EBADHELLO = 4,	/* malformed hello */
	WIRE_ENOTLISTENER = 5,	/* the fd is not a seccomp listener */
	WIRE_ESHUTDOWN = 6,	/* tracerd is stopping */
	WIRE_STATUS_MAX
};

struct wire_hello {
	uint32_t magic;
	uint16_t version;
	uint16_t flags;		/* must be 0 */
	int32_t pid;
	uint32_t reserved;	/* must be 0 */
};

struct wire_ack {
	uint32_t magic;
	uint16_t version;
	uint16_t status;
};

#define WIRE_HELLO_SIZE 16
#define WIRE_ACK_SIZE 8

void wire_hello_encode(uint8_t out[WIRE_HELLO_SIZE], pid_t pid);
/* 0, or a WIRE_E* status explaining why the bytes are not a valid hello. */
int wire_hello_decode(const uint8_t *buf, size_t len, struct wire_hello *out);
void wire_ack_encode(uint8_t out[WIRE_ACK_SIZE], enum wire_status status);
/* 0, or -EPROTO (not an ack of ours). */
int wire_ack_decode(const uint8_t *buf, size_t len, struct wire_ack *out);
const char *wire_status_str(unsigned status);

/* sendmsg of len bytes with one fd (fd < 0: none). Returns 0 or -errno. */
int wire_send(int sock, const void *buf, size_t len, int fd);

struct wire_recv {
	ssize_t len;		/* bytes received */
	int fd;			/* the one fd passed, or -1 */
	int nfds;		/* how many fds came (extra ones are closed) */
	int truncated;		/* MSG_TRUNC or MSG_CTRUNC */
	int has_creds;
	pid_t pid;		/* SCM_CREDENTIALS, when has_creds */
	uid_t uid;
};

/* recvmsg up to len bytes, with MSG_CMSG_CLOEXEC; keeps the first fd,
 * closes any others. Returns 0 or -errno. */
int wire_recv(int sock, void *buf, size_t len, int flags, struct wire_recv *out);

#endif
