/* SPDX-License-Identifier: Apache-2.0 */
/* live.c: the one container a runtime helper acts on, and its live state */
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "dl.h"
#include "dl/live.h"
#include "dl/lxc.h"
#include "dl/state.h"

int dl_live_state(const char *id, struct dl_state *st, char **reason)
{
	static bool quiet;

	if (!quiet) {
		dl_lxc_log(NULL, false);
		quiet = true;
	}
	return dl_lxc_state(id, st, reason);
}

const char *dl_live_operand(int argc, char **argv)
{
	if (argc - optind != 1)
		return NULL;
	return argv[optind];
}
