/* Abstract socket naming: sun_path = "\0" + NAME, and the address length
 * counts exactly those bytes (binding the whole sun_path makes another name). */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "sockname.h"

static int put_uint(char *out, size_t cap, unsigned long v)
{
	char tmp[24];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (n >= cap)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
	return (int)n;
}

const char *sockname_invalid(const char *override, bool option)
{
	static const char *const why[2][3] = {
		{ "TRACERD_SOCKET is empty (a name is 1-107 bytes; unset, it is tracerd-<euid>)",
		  "TRACERD_SOCKET is longer than 107 bytes",
		  "TRACERD_SOCKET holds a control character (shown as \\xHH); a name must be "
		  "printable" },
		{ "--socket is empty (a name is 1-107 bytes)",
		  "--socket is longer than 107 bytes",
		  "--socket holds a control character (shown as \\xHH); a name must be printable" },
	};
	size_t len;

	if (!override)
		return NULL;
	if (override[0] == '@')
		override++;
	len = strnlen(override, SOCKNAME_MAX + 1);
	if (len == 0)
		return why[option][0];
	if (len > SOCKNAME_MAX)
		return why[option][1];
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)override[i] < 0x20 || override[i] == 0x7f)
			return why[option][2];
	return NULL;
}

int sockname_get(const char *override, uid_t euid, char out[SOCKNAME_MAX + 1])
{
	static const char prefix[] = "tracerd-";
	size_t len;
	int r;

	if (override) {
		if (sockname_invalid(override, false))
			return -EINVAL;
		if (override[0] == '@')
			override++;
		len = strnlen(override, SOCKNAME_MAX + 1);
		memcpy(out, override, len + 1);
		return (int)len;
	}
	memcpy(out, prefix, sizeof(prefix));
	r = put_uint(out + sizeof(prefix) - 1, SOCKNAME_MAX + 1 - (sizeof(prefix) - 1), euid);
	if (r < 0)
		return r;
	return (int)(sizeof(prefix) - 1) + r;
}

socklen_t sockname_addr(const char *name, struct sockaddr_un *addr)
{
	size_t len = strnlen(name, SOCKNAME_MAX);

	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	memcpy(addr->sun_path + 1, name, len);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len);
}

size_t sockname_escape(const char *name, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	for (; *name && n + 4 < cap; name++) {
		unsigned char c = (unsigned char)*name;

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			out[n++] = (char)c;
			continue;
		}
		out[n++] = '\\';
		if (c == '\\') {
			out[n++] = '\\';
			continue;
		}
		out[n++] = 'x';
		out[n++] = hex[c >> 4];
		out[n++] = hex[c & 15];
	}
	if (cap)
		out[n] = '\0';
	return n;
}
