/* SPDX-License-Identifier: Apache-2.0 */
/* dl-subvol-new: create an empty btrfs subvolume */
#include <getopt.h>

#include "dl.h"
#include "dl/btrfs.h"

#define USAGE "dl-subvol-new PATH"

int main(int argc, char **argv)
{
	char *reason = NULL;
	int ret;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, NULL);
	if (getopt(argc, argv, "+") != -1 || argc - optind != 1)
		dl_usage(USAGE);
	ret = dl_subvol_create(argv[optind], &reason);
	if (ret)
		dl_die(ret, "unable to create '%s': %s", argv[optind], reason);
	return dl_finish_stdout();
}
