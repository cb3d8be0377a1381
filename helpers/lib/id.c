/* SPDX-License-Identifier: Apache-2.0 */
/* id.c: identifiers of images and containers */
#include <string.h>
#include <sys/random.h>

#include "dl.h"

static bool all_hex(const char *s, size_t max)
{
	size_t n = 0;

	if (!s || !*s)
		return false;
	for (; s[n]; n++)
		if (n >= max || !strchr("0123456789abcdef", s[n]))
			return false;
	return true;
}

bool dl_is_id(const char *s)
{
	return all_hex(s, DL_ID_LEN) && strlen(s) == DL_ID_LEN;
}

bool dl_is_id_prefix(const char *s)
{
	return all_hex(s, DL_ID_LEN);
}

int dl_new_id(char out[DL_ID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[DL_ID_LEN / 2];
	size_t i;

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return -1;
	for (i = 0; i < sizeof(raw); i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[DL_ID_LEN] = '\0';
	return 0;
}
