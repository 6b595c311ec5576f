/* The fd store: names, the push, the room left. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdstore.h"
#include "sdnotify.h"

static unsigned store_max;

static const char *decimal(const char *s, uint64_t max, uint64_t *ret);

void fdstore_init(unsigned max)
{
	const char *env = getenv("FDSTORE");
	const char *end;
	uint64_t v;

	store_max = max;
	if (!max && env && (end = decimal(env, 1000000, &v)) && !*end)
		store_max = (unsigned)v;
}

unsigned fdstore_max(void)
{
	return store_max;
}

unsigned fdstore_room(void)
{
	if (!store_max)
		return UINT32_MAX;
	return store_max > FDSTORE_RESERVE ? store_max - FDSTORE_RESERVE : 0;
}

int fdstore_listener_name(char *buf, size_t cap, uint64_t id, pid_t pid)
{
	int n = snprintf(buf, cap, "listener-%" PRIu64 "-%d", id, (int)pid);

	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

int fdstore_push_listener(int fd, uint64_t id, pid_t pid)
{
	char name[FDSTORE_NAME_MAX], msg[FDSTORE_NAME_MAX + 32];

	if (!store_max)
		return 0;
	if (fdstore_listener_name(name, sizeof(name), id, pid) < 0)
		return -ENAMETOOLONG;
	snprintf(msg, sizeof(msg), "FDSTORE=1\nFDNAME=%s", name);
	return sdnotify_send_fd(msg, fd);
}

/* A decimal at *s up to the first non-digit: no sign, no leading zero,
 * at most max. The end, or NULL. */
static const char *decimal(const char *s, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;
	const char *p = s;

	if (*p == '0' || *p < '0' || *p > '9')
		return NULL;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (max - d) / 10)
			return NULL;
		v = v * 10 + d;
	}
	*ret = v;
	return p;
}

int fdstore_parse_listener(const char *name, uint64_t *ret_id, pid_t *ret_pid)
{
	static const char prefix[] = "listener-";
	uint64_t id, pid;
	const char *p;

	if (!name || strncmp(name, prefix, sizeof(prefix) - 1))
		return -EINVAL;
	p = decimal(name + sizeof(prefix) - 1, UINT64_MAX, &id);
	if (!p || *p != '-')
		return -EINVAL;
	p = decimal(p + 1, INT32_MAX, &pid);
	if (!p || *p)
		return -EINVAL;
	*ret_id = id;
	*ret_pid = (pid_t)pid;
	return 0;
}

int fdstore_push(int fd, const char *name)
{
	char msg[FDSTORE_NAME_MAX + 32];

	if (!store_max)
		return 0;
	snprintf(msg, sizeof(msg), "FDSTORE=1\nFDNAME=%s", name);
	return sdnotify_send_fd(msg, fd);
}

int fdstore_remove(const char *name)
{
	char msg[FDSTORE_NAME_MAX + 32];

	if (!store_max)
		return 0;
	snprintf(msg, sizeof(msg), "FDSTOREREMOVE=1\nFDNAME=%s", name);
	return sdnotify_send(msg);
}
