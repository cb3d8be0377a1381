/* SPDX-License-Identifier: Apache-2.0 */
/* fault.c: named kill points, so tests can crash a helper at one step */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "dl.h"

void dl_fault(const char *step)
{
	const char *want = getenv("DL_FAULT");
	size_t n = strlen(step);

	/* DL_FAULT is a comma-separated list of step names. */
	while (want && *want) {
		size_t len = strcspn(want, ",");

		if (len == n && !strncmp(want, step, n)) {
			signal(SIGKILL, SIG_DFL);
			raise(SIGKILL);
		}
		want += len;
		if (*want == ',')
			want++;
	}
}
