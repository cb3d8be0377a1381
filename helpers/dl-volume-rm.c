/* SPDX-License-Identifier: Apache-2.0 */
/* dl-volume-rm: remove a volume no container uses */
#include <getopt.h>
#include <stdio.h>

#include "dl.h"
#include "dl/volume.h"

#define USAGE "dl-volume-rm [-f] NAME"
#define OPTIONS                                                                \
	"  -f           no such volume is success\n"                           \
	"  -h, --help   show this help\n"

int main(int argc, char **argv)
{
	_cleanup_free_ char *reason = NULL;
	bool force = false;
	const char *name;
	int opt, ret;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	opterr = 0;
	while ((opt = getopt(argc, argv, "+f")) != -1) {
		if (opt != 'f')
			dl_usage(USAGE);
		force = true;
	}
	if (argc - optind != 1)
		dl_usage(USAGE);
	name = argv[optind];
	ret = dl_volume_name_check(name, &reason);
	if (ret)
		dl_die(ret, "unable to remove volume '%s': %s", name, reason);
	dl_store_need();

	ret = dl_volume_remove(name, &reason);
	if (ret == DL_EXIT_NO && force)
		ret = 0;
	if (ret)
		dl_die(ret, "unable to remove volume '%s': %s", name, reason);
	return dl_finish_stdout();
}
