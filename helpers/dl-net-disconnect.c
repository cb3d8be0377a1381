/* SPDX-License-Identifier: Apache-2.0 */
/* dl-net-disconnect: disconnect a container from a network */
#include "dl.h"
#include "dl/netjoin.h"

#define USAGE "dl-net-disconnect NETWORK ID"
#define OPTIONS "  -h, --help   show this help\n"

int main(int argc, char **argv)
{
	_cleanup_free_ char *reason = NULL;
	int r;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	if (argc != 3 || argv[1][0] == '-' || argv[2][0] == '-')
		dl_usage(USAGE);
	if (!dl_is_id(argv[2]))
		dl_die(DL_EXIT_USAGE, "unable to disconnect container '%s': "
		       DL_ID_INVALID, argv[2]);
	dl_store_need();
	if ((r = dl_net_disconnect(argv[2], argv[1], &reason)))
		dl_die(r, "unable to disconnect container '%s' from network "
		       "'%s': %s", argv[2], argv[1], reason);
	return 0;
}
