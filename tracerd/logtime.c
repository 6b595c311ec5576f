/* The times of `tracerd log`: the RFC 3339 "ts" every line starts with,
 * and the TIME forms of --since/--until, which are journalctl's. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "logtime.h"

#define US 1000000LL

/* What "YYYY-MM-DD[(T| )HH:MM[:SS[.frac]][zone]]" said. */
struct dt {
	int y, mo, d, h, mi, s;
	long us;
	bool has_time, has_sec, has_zone;
	long off;		/* the zone's offset east of UTC, seconds */
};

/* Exactly k digits at *p (p < end): their value, or -1. */
static int digits(const char **p, const char *end, int k)
{
	int v = 0;

	if (end - *p < k)
		return -1;
	for (int i = 0; i < k; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (**p - '0');
	}
	return v;
}

static bool take(const char **p, const char *end, char c)
{
	if (*p < end && **p == c) {
		(*p)++;
		return true;
	}
	return false;
}

static int days_in(int y, int mo)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return mo == 2 && leap ? 29 : dm[mo - 1];
}

/* ".frac": the first six digits are the microseconds, any more ignored. */
static int fraction(const char **p, const char *end, long *us)
{
	long scale = 100000;
	const char *start;

	if (!take(p, end, '.'))
		return 0;
	start = *p;
	for (; *p < end && **p >= '0' && **p <= '9'; (*p)++, scale /= 10)
		if (scale > 0)
			*us += (**p - '0') * scale;
	return *p > start ? 0 : -EINVAL;
}

/* "Z", "z", "+HH:MM" or "-HH:MM". */
static int zone(const char **p, const char *end, struct dt *t)
{
	int sign, h, m;

	if (take(p, end, 'Z') || take(p, end, 'z')) {
		t->has_zone = true;
		return 0;
	}
	if (*p >= end || (**p != '+' && **p != '-'))
		return 0;
	sign = **p == '-' ? -1 : 1;
	(*p)++;
	h = digits(p, end, 2);
	if (h < 0 || h > 23 || !take(p, end, ':'))
		return -EINVAL;
	m = digits(p, end, 2);
	if (m < 0 || m > 59)
		return -EINVAL;
	t->has_zone = true;
	t->off = sign * (h * 3600L + m * 60L);
	return 0;
}

/* "HH:MM[:SS[.frac]][zone]" */
static int clock_part(const char **p, const char *end, struct dt *t)
{
	t->has_time = true;
	t->h = digits(p, end, 2);
	if (t->h < 0 || t->h > 23 || !take(p, end, ':'))
		return -EINVAL;
	t->mi = digits(p, end, 2);
	if (t->mi < 0 || t->mi > 59)
		return -EINVAL;
	if (take(p, end, ':')) {
		t->has_sec = true;
		t->s = digits(p, end, 2);
		if (t->s < 0 || t->s > 60 || fraction(p, end, &t->us) < 0)	/* 60: a leap second */
			return -EINVAL;
	}
	if (zone(p, end, t) < 0 || (t->has_zone && !t->has_sec))
		return -EINVAL;
	return 0;
}

static int parse_dt(const char *s, size_t n, struct dt *t)
{
	const char *p = s, *end = s + n;

	memset(t, 0, sizeof(*t));
	t->y = digits(&p, end, 4);
	if (t->y < 0 || !take(&p, end, '-'))
		return -EINVAL;
	t->mo = digits(&p, end, 2);
	if (t->mo < 1 || t->mo > 12 || !take(&p, end, '-'))
		return -EINVAL;
	t->d = digits(&p, end, 2);
	if (t->d < 1 || t->d > days_in(t->y, t->mo))
		return -EINVAL;
	if (p < end && (*p == 'T' || *p == 't' || *p == ' ')) {
		p++;
		if (clock_part(&p, end, t) < 0)
			return -EINVAL;
	}
	return p == end ? 0 : -EINVAL;
}

static void to_tm(const struct dt *t, struct tm *tm)
{
	memset(tm, 0, sizeof(*tm));
	tm->tm_year = t->y - 1900;
	tm->tm_mon = t->mo - 1;
	tm->tm_mday = t->d;
	tm->tm_hour = t->h;
	tm->tm_min = t->mi;
	tm->tm_sec = t->s;
	tm->tm_isdst = -1;
}

int logtime_rfc3339(const char *s, size_t n, long long *ret_us)
{
	struct dt t;
	struct tm tm;

	if (parse_dt(s, n, &t) < 0 || !t.has_zone)
		return -EINVAL;
	to_tm(&t, &tm);
	*ret_us = ((long long)timegm(&tm) - t.off) * US + t.us;
	return 0;
}

/* Local midnight, days after (negative: before) the day of now_us. */
static long long midnight(long long now_us, int days)
{
	time_t now = (time_t)(now_us / US);
	struct tm tm;

	localtime_r(&now, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mday += days;
	tm.tm_isdst = -1;
	return (long long)mktime(&tm) * US;
}

/* "-N" and one of s m h d. */
static int relative(const char *s, long long now_us, long long *ret_us)
{
	long long n = 0, unit, d;
	size_t len = strlen(s), i;

	if (len < 3 || len > 12)
		return -EINVAL;
	for (i = 1; i < len - 1; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		n = n * 10 + (s[i] - '0');
	}
	switch (s[len - 1]) {
	case 's': unit = US; break;
	case 'm': unit = 60 * US; break;
	case 'h': unit = 3600 * US; break;
	case 'd': unit = 86400 * US; break;
	default: return -EINVAL;
	}
	if (__builtin_mul_overflow(n, unit, &d) || __builtin_sub_overflow(now_us, d, ret_us))
		return -EINVAL;
	return 0;
}

int logtime_parse(const char *s, long long now_us, long long *ret_us)
{
	static const char *const words[] = { "yesterday", "today", "tomorrow" };
	struct dt t;
	struct tm tm;

	if (strcmp(s, "now") == 0)
		return *ret_us = now_us, 0;
	for (int i = 0; i < 3; i++)
		if (strcmp(s, words[i]) == 0)
			return *ret_us = midnight(now_us, i - 1), 0;
	if (s[0] == '-')
		return relative(s, now_us, ret_us);
	if (parse_dt(s, strlen(s), &t) < 0)
		return -EINVAL;
	if (t.has_zone)
		return logtime_rfc3339(s, strlen(s), ret_us);
	to_tm(&t, &tm);
	*ret_us = (long long)mktime(&tm) * US + t.us;
	return 0;
}

void logtime_local(long long us, char *out, size_t cap)
{
	time_t sec = (time_t)(us >= 0 ? us / US : (us - US + 1) / US);
	struct tm tm;

	if (!localtime_r(&sec, &tm) || strftime(out, cap, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(out, cap, "%lld", us / US);
}
