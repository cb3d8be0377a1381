/* SPDX-License-Identifier: Apache-2.0 */
/* dl-unpause: thaw a container frozen by dl-pause */
#include <getopt.h>
#include <stdio.h>

#include "dl.h"
#include "dl/live.h"

#define USAGE "dl-unpause ID"
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
		dl_die(DL_EXIT_USAGE, "unable to unpause container '%s': " DL_ID_INVALID,
		       id);
	dl_store_need();
	if ((r = dl_live_freeze(id, false, &reason)))
		dl_die(r, "unable to unpause container '%s': %s", id, reason);
	return dl_finish_stdout();
}
