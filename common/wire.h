/* The versioned hello/ack exchanged once per supervised process, and the
 * fd/credential passing under them. Fixed-size little messages in host
 * order (little-endian on every target): a decoder checks the exact length
 * for the version, the magic, and that flags and reserved bytes are 0.
 *
 * hello, 16 bytes in every version (frozen: any tracerd can read the
 * range of any library):
 *   0 magic u32 | 4 version u16: the highest the sender speaks |
 *   6 flags u16 = 0 | 8 pid i32 > 0 |
 *   12 version 1: reserved u32 = 0 (its lowest version is 1);
 *      version 2 on: min_version u16 (1..version) | 14 reserved u16 = 0
 * ack, an 8-byte header: 0 magic u32 | 4 version u16 | 6 status u16,
 *   version 1: the header alone;
 *   version 2, WIRE_OK: | 8 listener id u64 != 0 (tracerd's attach id),
 *     16 bytes;
 *   a refusal, in every version: the header alone, version 1 (what every
 *     library reads), but WIRE_EVERSION's names tracerd's highest version.
 * tracerd answers in min(its highest, the hello's version) when that is
 * at least max(its lowest, the hello's min_version), else WIRE_EVERSION.
 * A library refused by an older tracerd whose highest version it speaks
 * asks again in that version (an old tracerd reads only its own).
 *
 * Version 3 adds one request and no listener layout: the status request
 * of `tracerd status`, a hello with WIRE_HELLO_STATUS (version 3 on), no
 * fd, sent as 3-3. A listener's hello and ack stay in versions 1-2 (a
 * hello offering more is answered in 2, and WIRE_EVERSION to a listener
 * hello names 2), so libraries and tracerds of before are unchanged. An
 * older tracerd refuses the status hello with its usual WIRE_EVERSION
 * naming its highest, 2 (the flag is unknown to it). tracerd 3 answers
 *   ack, version 3, WIRE_OK, 16 bytes: | 8 u64 = the length of the text
 *     that follows (1..WIRE_STATUS_TEXT_MAX),
 *   then the text: JSON Lines, each a flat object (tracerd/statusd.c
 *     says which), then tracerd closes the connection;
 * or a refusal header as for any hello. Only tracerd's uid is answered. */
#ifndef NOTIF_WIRE_H
#define NOTIF_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define WIRE_MAGIC	0x4e4f5446U	/* "NOTF" */
#define WIRE_VERSION_MIN 1
#define WIRE_VERSION_MAX 2	/* the highest of a listener's hello and ack */
#define WIRE_VERSION_STATUS 3	/* the status request's, the highest we know */
#define WIRE_STATUS_TEXT_MAX (1U << 20)	/* a status answer's text, at most */

enum wire_status {
	WIRE_OK = 0,
	WIRE_EVERSION = 1,	/* protocol version unsupported */
	WIRE_ETOOMANY = 2,	/* too many programs attached */
	WIRE_ENOFDS = 3,	/* tracerd is out of file descriptors */
	WIRE_EBADHELLO = 4,	/* malformed hello */
	WIRE_ENOTLISTENER = 5,	/* the fd is not a seccomp listener */
	WIRE_ESHUTDOWN = 6,	/* tracerd is stopping */
	WIRE_STATUS_MAX
};

struct wire_hello {
	uint32_t magic;
	uint16_t version;	/* the sender's highest */
	uint16_t flags;		/* WIRE_HELLO_* (version 2 on), else 0 */
	int32_t pid;
	uint16_t min_version;	/* the sender's lowest (1 in a version-1 hello) */
	uint16_t reserved;	/* must be 0 */
};

struct wire_ack {
	uint32_t magic;
	uint16_t version;
	uint16_t status;
	uint64_t id;		/* version 2 WIRE_OK: the listener id; else 0 */
};

#define WIRE_HELLO_SIZE 16
#define WIRE_ACK_SIZE 8		/* the header: a version-1 ack, any refusal */
#define WIRE_ACK_V2_SIZE 16
#define WIRE_ACK_MAX 16

/* Hello flags, version 2 on. EXEC: the sender execs its program right
 * after the ack (notif-run), so the daemon names the program (its exe
 * and command line) in the attach event at its first call, not now. */
#define WIRE_HELLO_EXEC 0x0001
/* Version 3 on: a status request (no fd), never with EXEC. */
#define WIRE_HELLO_STATUS 0x0002
#define WIRE_HELLO_FLAGS (WIRE_HELLO_EXEC | WIRE_HELLO_STATUS)

/* A version-1 hello (what every tracerd reads). */
void wire_hello_encode(uint8_t out[WIRE_HELLO_SIZE], pid_t pid);
/* The status request: version 3-3, WIRE_HELLO_STATUS. */
void wire_hello_encode_status(uint8_t out[WIRE_HELLO_SIZE], pid_t pid);
/* Set the flags of an encoded hello of version 2 or more. */
void wire_hello_set_flags(uint8_t out[WIRE_HELLO_SIZE], uint16_t flags);
/* A hello offering min..max (max 1: the version-1 layout). */
void wire_hello_encode_range(uint8_t out[WIRE_HELLO_SIZE], pid_t pid, uint16_t min,
			     uint16_t max);
/* 0, or a WIRE_E* status explaining why the bytes are not a valid hello:
 * WIRE_EVERSION for version 0 or a version above ours that is not in the
 * frozen layout (then only out->version is set), else WIRE_EBADHELLO. */
int wire_hello_decode(const uint8_t *buf, size_t len, struct wire_hello *out);
/* The version to answer a decoded hello in; 0 when there is none (a
 * status request: 3 at least; a listener's: 2 at most). */
unsigned wire_version_pick(const struct wire_hello *h);
/* A version-1 ack, or any refusal in the 8-byte header. */
void wire_ack_encode(uint8_t out[WIRE_ACK_SIZE], enum wire_status status);
/* An ack in version (a refusal: the header alone); returns its length. */
size_t wire_ack_encode_v(uint8_t out[WIRE_ACK_MAX], uint16_t version, enum wire_status status,
			 uint64_t id);
/* 0, or -EPROTO (not an ack of ours, or a WIRE_OK in a layout we do not
 * know). A version-3 WIRE_OK (a status answer) has its text length in id. */
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
