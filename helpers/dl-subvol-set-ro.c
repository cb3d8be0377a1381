/* SPDX-License-Identifier: Apache-2.0 */
/* dl-subvol-set-ro: set or clear the read-only flag of a btrfs subvolume */
#include <getopt.h>
#include <string.h>

#include "dl.h"
#include "dl/btrfs.h"

#define USAGE "dl-subvol-set-ro PATH true|false"

int main(int argc, char **argv)
{
	char *reason = NULL;
	const char *v;
	int ret;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, NULL);
	if (getopt(argc, argv, "+") != -1 || argc - optind != 2)
		dl_usage(USAGE);
	v = argv[optind + 1];
	if (strcmp(v, "true") && strcmp(v, "false"))
		dl_usage(USAGE);
	ret = dl_subvol_set_ro(argv[optind], !strcmp(v, "true"), &reason);
	if (ret)
		dl_die(ret, "unable to set read-only flag of '%s': %s",
		       argv[optind], reason);
	return dl_finish_stdout();
}
