/* SPDX-License-Identifier: Apache-2.0 */
/* dl-subvol-test: tell by the exit code whether a path is a btrfs subvolume */
#include <errno.h>
#include <getopt.h>

#include "dl.h"
#include "dl/btrfs.h"

#define USAGE "dl-subvol-test PATH"

int main(int argc, char **argv)
{
	int r;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, NULL);
	if (getopt(argc, argv, "+") != -1 || argc - optind != 1)
		dl_usage(USAGE);
	r = dl_subvol_is(argv[optind]);
	if (r < 0 && errno != ENOENT && errno != ENOTDIR)
		dl_die_sys(DL_EXIT_FAIL, "unable to check '%s'", argv[optind]);
	return r == 1 ? DL_EXIT_OK : DL_EXIT_NO;
}
