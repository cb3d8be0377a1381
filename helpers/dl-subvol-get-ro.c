/* SPDX-License-Identifier: Apache-2.0 */
/* dl-subvol-get-ro: print the read-only flag of a btrfs subvolume */
#include <getopt.h>
#include <stdio.h>

#include "dl.h"
#include "dl/btrfs.h"

#define USAGE "dl-subvol-get-ro PATH"

int main(int argc, char **argv)
{
	char *reason = NULL;
	bool ro = false;
	int ret;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, NULL);
	if (getopt(argc, argv, "+") != -1 || argc - optind != 1)
		dl_usage(USAGE);
	ret = dl_subvol_get_ro(argv[optind], &ro, &reason);
	if (ret)
		dl_die(ret, "unable to read read-only flag of '%s': %s",
		       argv[optind], reason);
	puts(ro ? "true" : "false");
	return dl_finish_stdout();
}
