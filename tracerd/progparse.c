/* The attach event's /proc texts (progparse.h): the command line, whose
 * bytes are the program's to choose, and the status's Uid: line. */
#include <errno.h>
#include <string.h>

#include "progparse.h"

size_t progparse_cmdline(char *buf, size_t n, bool *cut)
{
	bool all = n < PROGPARSE_CMDLINE_READ;

	if (all && n > 0 && buf[n - 1] == '\0')
		n--;	/* the terminator of the last argument */
	*cut = !all || n > PROGPARSE_CMDLINE_MAX;
	if (n > PROGPARSE_CMDLINE_MAX)
		n = PROGPARSE_CMDLINE_MAX;
	for (size_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
	return n;
}

/* One decimal field of at most 10 digits at *p (blanks before it skipped),
 * below end: 0 and *p past it, or -EINVAL. */
static int field(const char **p, const char *end, unsigned long long *ret)
{
	const char *s = *p;
	unsigned long long v = 0;
	int digits = 0;

	while (s < end && (*s == '\t' || *s == ' '))
		s++;
	for (; s < end && *s >= '0' && *s <= '9' && digits <= 10; s++, digits++)
		v = v * 10 + (unsigned long long)(*s - '0');
	if (digits == 0 || digits > 10 || v > (uid_t)-1)
		return -EINVAL;
	*p = s;
	*ret = v;
	return 0;
}

int progparse_fsuid(const char *buf, size_t n, uid_t *ret)
{
	static const char key[] = "\nUid:";
	const char *end = buf + n, *p = memmem(buf, n, key, sizeof(key) - 1);
	unsigned long long v = 0;

	if (!p)
		return -EINVAL;
	p += sizeof(key) - 1;
	for (int i = 0; i < 4; i++)	/* real, effective, saved, fs */
		if (field(&p, end, &v) < 0)
			return -EINVAL;
	if (p == end || *p != '\n')	/* cut short: the number may be too */
		return -EINVAL;
	*ret = (uid_t)v;
	return 0;
}
