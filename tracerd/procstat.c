/* /proc/PID/stat's starttime, parsed without trusting the comm field. */
#include <errno.h>
#include <string.h>

#include "procstat.h"

/* fields after the ")": state is field 3, starttime field 22 */
#define STARTTIME_AFTER_COMM 20

int procstat_starttime(const char *buf, size_t n, unsigned long long *ticks)
{
	const char *p = NULL, *end = buf + n;
	unsigned long long v = 0;
	unsigned field = 0;

	for (const char *q = buf; q < end; q++)
		if (*q == ')')
			p = q + 1;
	if (!p)
		return -EINVAL;
	while (p < end && field < STARTTIME_AFTER_COMM) {
		if (*p++ != ' ' || p == end || *p == ' ')	/* no empty field */
			return -EINVAL;
		field++;
		if (field == STARTTIME_AFTER_COMM)
			break;
		while (p < end && *p != ' ')
			p++;
	}
	if (field != STARTTIME_AFTER_COMM || p >= end || *p < '0' || *p > '9')
		return -EINVAL;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (v > (~0ULL - 9) / 10)
			return -EINVAL;
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	if (p < end && *p != ' ' && *p != '\n')
		return -EINVAL;
	*ticks = v;
	return 0;
}
