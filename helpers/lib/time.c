/* SPDX-License-Identifier: Apache-2.0 */
/* time.c: RFC 3339 timestamps, UTC with nanoseconds */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dl.h"
#include "dl/time.h"

int dl_time_format(const struct timespec *ts, char out[DL_TIME_LEN + 1])
{
	char buf[96];
	struct tm tm;

	if (!gmtime_r(&ts->tv_sec, &tm) || tm.tm_year + 1900 < 0 ||
	    tm.tm_year + 1900 > 9999 || ts->tv_nsec < 0 ||
	    ts->tv_nsec > 999999999) {
		errno = EOVERFLOW;
		return -1;
	}
	/* gcc cannot see the ranges checked above: format wide, then copy */
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (long)ts->tv_nsec);
	memcpy(out, buf, DL_TIME_LEN + 1);
	return 0;
}

int dl_time_now(char out[DL_TIME_LEN + 1])
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		return -1;
	return dl_time_format(&ts, out);
}

/* @n decimal digits at *s into *v, advancing *s */
static bool digits(const char **s, int n, int *v)
{
	*v = 0;
	while (n-- > 0) {
		if (**s < '0' || **s > '9')
			return false;
		*v = *v * 10 + (*(*s)++ - '0');
	}
	return true;
}

static bool expect(const char **s, const char *any)
{
	if (!**s || !strchr(any, **s))
		return false;
	(*s)++;
	return true;
}

int dl_time_parse(const char *s, struct timespec *out)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31 };
	struct tm tm = { 0 };
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	long ns = 0;
	time_t t;

	if (!digits(&s, 4, &y) || !expect(&s, "-") || !digits(&s, 2, &mo) ||
	    !expect(&s, "-") || !digits(&s, 2, &d) || !expect(&s, "Tt ") ||
	    !digits(&s, 2, &h) || !expect(&s, ":") || !digits(&s, 2, &mi) ||
	    !expect(&s, ":") || !digits(&s, 2, &sec))
		goto invalid;
	if (*s == '.') {
		int i, dig;

		s++;
		for (i = 0; *s >= '0' && *s <= '9'; i++) {
			if (i >= 9)
				goto invalid;
			digits(&s, 1, &dig);
			ns = ns * 10 + dig;
		}
		if (i == 0)
			goto invalid;
		for (; i < 9; i++)
			ns *= 10;
	}
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s++ == '-' ? -1 : 1;
		if (!digits(&s, 2, &oh) || !expect(&s, ":") ||
		    !digits(&s, 2, &om) || oh > 23 || om > 59)
			goto invalid;
	} else {
		goto invalid;
	}
	/* RFC 3339 allows a leap second (60); we fold it into the next */
	if (*s || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
	    mi > 59 || sec > 60)
		goto invalid;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 || y % 400 == 0)))
		goto invalid;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	out->tv_sec = t - sign * (oh * 3600 + om * 60);
	out->tv_nsec = ns;
	return 0;

invalid:
	errno = EINVAL;
	return -1;
}

int dl_epoch_get(const char *opt, int64_t *out, const char **text)
{
	const char *s = opt ? opt : getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	*text = NULL;
	if (!opt && (!s || !*s))
		return 0;
	*text = s;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 1;
}
