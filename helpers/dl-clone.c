/* SPDX-License-Identifier: Apache-2.0 */
/* dl-clone: make a writable subvolume from one or more image roots */
#include <getopt.h>
#include <stdio.h>

#include "dl.h"
#include "dl/btrfs.h"

#define USAGE "dl-clone DEST SOURCE..."

int main(int argc, char **argv)
{
	char *reason = NULL;
	int i, ret;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, NULL);
	if (getopt(argc, argv, "+") != -1)
		dl_usage(USAGE);
	if (argc - optind < 2)
		dl_usage(USAGE);
	for (i = optind; i < argc; i++)
		if (!argv[i][0])
			dl_usage(USAGE);

	ret = dl_clone(argv[optind], (const char *const *)argv + optind + 1,
		       (size_t)(argc - optind - 1), &reason);
	if (ret)
		dl_die(ret, "unable to clone '%s': %s", argv[optind], reason);
	return dl_finish_stdout();
}
