/* SPDX-License-Identifier: Apache-2.0 */
/* live.c: the one container a runtime helper acts on, and its live state */
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
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

int dl_live_wait_started(const char *id, struct dl_state *st, char **reason)
{
	const struct timespec tick = { 0, 20 * 1000 * 1000 };
	int r;

	while (st->status == DL_STATUS_STARTING) {
		nanosleep(&tick, NULL);
		free(*reason);
		*reason = NULL;
		if ((r = dl_live_state(id, st, reason)))
			return r;
	}
	return 0;
}

int dl_live_freeze(const char *id, bool on, char **reason)
{
	struct dl_state st;
	int r;

	if ((r = dl_live_state(id, &st, reason)) ||
	    (r = dl_live_wait_started(id, &st, reason)))
		return r;
	if (st.status != DL_STATUS_RUNNING)
		return dl_fail(reason, DL_EXIT_NO, "not running");
	return dl_lxc_freeze(id, on, reason);
}
