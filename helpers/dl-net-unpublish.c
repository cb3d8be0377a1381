/* SPDX-License-Identifier: Apache-2.0 */
/* dl-net-unpublish: remove a container's published ports from dl's
 * nftables table */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dl.h"
#include "dl/portmap.h"

#define USAGE "dl-net-unpublish CONTAINER_ID"
#define OPTIONS "  -h, --help   show this help\n"

int main(int argc, char **argv)
{
	_cleanup_free_ char *reason = NULL, *dir = NULL, *owner = NULL;
	const char *id;
	int r;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	if (argc != 2 || argv[1][0] == '-')
		dl_usage(USAGE);
	id = argv[1];
	if (!dl_is_id(id))
		dl_die(DL_EXIT_USAGE, "unable to unpublish the ports of '%s': "
		       DL_ID_INVALID, id);
	dl_store_need();
	dir = dl_path("containers/%s", id);
	owner = realpath(dir, NULL);
	if (!owner)
		dl_die(errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
		       "unable to unpublish the ports of '%s': %s", id,
		       errno == ENOENT ? "no such container" : strerror(errno));
	if ((r = dl_port_unpublish(owner, &reason)))
		dl_die(r, "unable to unpublish the ports of '%s': %s", id,
		       reason);
	return dl_finish_stdout();
}
