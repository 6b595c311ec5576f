/* The in-flight table: what each answering thread is doing with its call,
 * in a memfd kept in the fd store, so that a tracerd started after a crash
 * finishes the calls the dead one had received. One slot per thread, each
 * written with plain stores as the call goes (no syscall on the call's
 * path): the raw notification and its listener, then the state. */
#ifndef TRACERD_INFLIGHT_H
#define TRACERD_INFLIGHT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit.h"

#define INFLIGHT_MAGIC 0x544c4649U	/* "IFLT" */
#define INFLIGHT_VERSION 1
#define INFLIGHT_NOTIF_MAX 128		/* room for struct seccomp_notif */
#define INFLIGHT_NAME_MAX 32		/* "inflight-" generation, NUL */

enum inflight_state {
	INFLIGHT_FREE = 0,
	INFLIGHT_RECEIVED,	/* the notification is in the slot */
	INFLIGHT_DECIDED,	/* err is the answer, nothing created yet */
	INFLIGHT_CREATED,	/* tracerd made the directory; line is its record */
	INFLIGHT_RECORDED,	/* the record is in the log; err is the answer */
};

struct inflight_slot {
	_Atomic uint32_t state;
	int32_t err;			/* the answer (a positive errno, 0) */
	uint64_t listener;		/* the listener's id */
	uint32_t notif_len;
	uint32_t line_len;		/* CREATED: the record's length */
	uint8_t notif[INFLIGHT_NOTIF_MAX];
	char line[AUDIT_LINE_MAX];	/* the record, formatted in place */
};

struct inflight_hdr {
	uint32_t magic, version;
	uint32_t nslots, slot_size;
	uint64_t generation;		/* one more at each start */
	_Atomic uint64_t next_listener;	/* listener ids go on from here */
};

struct inflight {
	int fd;
	struct inflight_hdr *hdr;
	struct inflight_slot *slots;
	size_t size;
	char name[INFLIGHT_NAME_MAX];	/* its name in the fd store */
};

/* A new table for nslots threads, generation gen: 0 or -errno. */
int inflight_create(struct inflight *t, unsigned nslots, uint64_t gen);

/* Map a table handed back (fd is taken): 0, or -EINVAL when it is not a
 * table of this version (fd closed). */
int inflight_open(struct inflight *t, int fd);
void inflight_close(struct inflight *t);

/* "inflight-GEN": format, parse (0 or -EINVAL). */
int inflight_name(char *buf, size_t cap, uint64_t gen);
int inflight_parse_name(const char *name, uint64_t *ret_gen);

/* The table of this process (NULL: none, no store), and thread i's slot. */
extern struct inflight inflight_cur;
struct inflight_slot *inflight_slot(unsigned i);

static inline void inflight_set(struct inflight_slot *s, enum inflight_state st)
{
	if (s)
		atomic_store_explicit(&s->state, st, memory_order_release);
}

#endif
