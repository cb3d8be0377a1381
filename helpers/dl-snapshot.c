/* SPDX-License-Identifier: Apache-2.0 */
/* dl-snapshot: make a snapshot of a btrfs subvolume */
#include <getopt.h>

#include "dl.h"
#include "dl/btrfs.h"

#define USAGE "dl-snapshot [-r] SOURCE DEST"
#define OPTIONS "  -r  make the snapshot read-only\n"

int main(int argc, char **argv)
{
	char *reason = NULL;
	bool ro = false;
	int opt, ret;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	while ((opt = getopt(argc, argv, "+r")) != -1) {
		if (opt != 'r')
			dl_usage(USAGE);
		ro = true;
	}
	if (argc - optind != 2)
		dl_usage(USAGE);
	ret = dl_subvol_snapshot(argv[optind], argv[optind + 1], ro, &reason);
	if (ret)
		dl_die(ret, "unable to snapshot '%s' to '%s': %s", argv[optind],
		       argv[optind + 1], reason);
	return dl_finish_stdout();
}
