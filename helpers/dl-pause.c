/* SPDX-License-Identifier: Apache-2.0 */
/* dl-pause: freeze every process of a running container (cgroup freezer) */
#include <getopt.h>
#include <stdio.h>

#include "dl.h"
#include "dl/live.h"

#define USAGE "dl-pause ID"
#define OPTIONS ""

int main(int argc, char **argv)
{
	_cleanup_free_ char *reason = NULL;
	const char *id;
	int r;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	opterr = 0;
	if (getopt(argc, argv, "+") != -1)
		dl_usage(USAGE);
	if (!(id = dl_live_operand(argc, argv)))
		dl_usage(USAGE);
	if (!dl_is_id(id))
		dl_die(DL_EXIT_USAGE, "unable to pause container '%s': " DL_ID_INVALID,
		       id);
	dl_store_need();
	if ((r = dl_live_freeze(id, true, &reason)))
		dl_die(r, "unable to pause container '%s': %s", id, reason);
	return dl_finish_stdout();
}
