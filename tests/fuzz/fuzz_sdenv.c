/* Fuzz what tracerd reads from a service manager's environment
 * (tracerd/sdnotify.c, tracerd/activation.c): $NOTIFY_SOCKET as an
 * address, $WATCHDOG_USEC/$WATCHDOG_PID, and LISTEN_PID/LISTEN_FDS/
 * LISTEN_FDNAMES. The input is up to five NUL-separated strings.
 * Invariants: an address is accepted only in its two forms and always
 * fits sun_path with the length it was given; an interval is positive;
 * only one passed fd with at most one name is ever taken; an error says
 * why. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "activation.h"
#include "fdstore.h"
#include "fuzz.h"
#include "sdnotify.h"

#define SELF 4242

static void fuzz_addr(const char *v)
{
	struct sockaddr_un a;
	socklen_t len = 0;
	size_t n = strlen(v);
	int r = sdnotify_addr(v, &a, &len);

	FUZZ_CHECK(r == 0 || r == 1 || r == -EINVAL, "r=%d", r);
	FUZZ_CHECK(r != 0 || n == 0, "an address ignored");
	if (r != 1)
		return;
	FUZZ_CHECK(v[0] == '/' || v[0] == '@', "form");
	FUZZ_CHECK(len <= sizeof(a) && len > offsetof(struct sockaddr_un, sun_path) + 1, "len %u",
		   (unsigned)len);
	FUZZ_CHECK(a.sun_family == AF_UNIX, "family");
	FUZZ_CHECK((a.sun_path[0] == '\0') == (v[0] == '@'), "abstract");
	FUZZ_CHECK(memcmp(a.sun_path + 1, v + 1, n - 1) == 0, "name");
}

static void fuzz_watchdog(const char *usec, const char *pid)
{
	uint64_t u = 0;
	int r = sdnotify_watchdog_parse(usec, pid, SELF, &u);

	FUZZ_CHECK(r == 0 || r == 1 || r == -EINVAL, "r=%d", r);
	FUZZ_CHECK(r != 1 || (u > 0 && u < UINT64_MAX), "interval %llu", (unsigned long long)u);
	FUZZ_CHECK(r != 1 || strspn(usec, "0123456789") == strlen(usec), "not a number");
}

static void fuzz_listen(const char *pid, const char *fds, const char *names)
{
	char err[256] = "";
	int r = activation_parse(pid, fds, names, SELF, err, sizeof(err));
	size_t colons = 0;

	for (const char *c = names; c && *c; c++)
		colons += *c == ':';
	FUZZ_CHECK(r >= 0 || r == -EINVAL, "r=%d", r);
	FUZZ_CHECK(r <= ACTIVATION_FDS_MAX, "r=%d", r);
	FUZZ_CHECK(r != -EINVAL || err[0], "no reason given");
	FUZZ_CHECK(r <= 0 || (strtoul(pid, NULL, 10) == SELF &&
			      strtoul(fds, NULL, 10) == (unsigned long)r &&
			      strspn(pid, "0123456789") == strlen(pid) &&
			      strspn(fds, "0123456789") == strlen(fds)), "pid %s fds %s", pid, fds);
	FUZZ_CHECK(r <= 0 || (names ? colons + 1 == (size_t)r : r == 1), "names for %d fds", r);
}

/* A stored fd's name: taken only in its one form, which formats back. */
static void fuzz_fdname(const char *name)
{
	char back[FDSTORE_NAME_MAX];
	uint64_t id;
	pid_t pid;
	int r = fdstore_parse_listener(name, &id, &pid);

	FUZZ_CHECK(r == 0 || r == -EINVAL, "r=%d", r);
	if (r < 0)
		return;
	FUZZ_CHECK(id >= 1 && pid >= 1, "id %llu pid %d", (unsigned long long)id, (int)pid);
	FUZZ_CHECK(fdstore_listener_name(back, sizeof(back), id, pid) == 0 &&
		   strcmp(back, name) == 0, "'%s' is not '%s'", back, name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[1024];
	const char *s[5];
	size_t n = size < sizeof(buf) - 1 ? size : sizeof(buf) - 1, at = 0;

	memcpy(buf, data, n);
	buf[n] = '\0';
	for (int i = 0; i < 5; i++) {
		s[i] = buf + at;
		at += strlen(buf + at);
		if (at < n)
			at++;
	}
	fuzz_addr(s[0]);
	fuzz_watchdog(s[1], s[2][0] ? s[2] : NULL);
	fuzz_watchdog(s[0], NULL);
	fuzz_listen(s[2], s[3], s[4]);
	fuzz_listen("4242", s[0], s[1]);
	fuzz_fdname(s[0]);
	fuzz_fdname(s[3]);
	return 0;
}
