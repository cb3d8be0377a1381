/* SPDX-License-Identifier: Apache-2.0 */
/* size.c: sizes in bytes as users write them */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dl/size.h"

long long dl_parse_bytes(const char *s)
{
	static const char units[] = "bkmgtp";
	const char *u;
	char *end;
	double v;
	int i = 0;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno)
		return -1;
	if (*end == ' ')
		end++;
	if (*end && (u = strchr(units, *end | 0x20))) {
		i = (int)(u - units);
		end++;
		if (i > 0 && (*end | 0x20) == 'i')
			end++;
		if (i > 0 && (*end | 0x20) == 'b')
			end++;
	}
	if (*end)
		return -1;
	while (i-- > 0)
		v *= 1024;
	return v >= 9.2e18 ? -1 : (long long)v;
}
