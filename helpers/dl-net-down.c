/* SPDX-License-Identifier: Apache-2.0 */
/* dl-net-down: remove the store's bridge network from the host: stale
 * addresses, the bridge, its elements of dl's nftables table */
#include <stdio.h>

#include "dl.h"
#include "dl/bridge.h"
#include "dl/lease.h"
#include "dl/netconf.h"
#include "dl/nftnet.h"
#include "dl/portmap.h"

#define USAGE "dl-net-down"
#define OPTIONS "  -h, --help   show this help\n"

int main(int argc, char **argv)
{
	_cleanup_free_ char *reason = NULL;
	_cleanup_free_ struct dl_lease *l = NULL;
	struct dl_net net;
	size_t n = 0;
	unsigned dropped;
	int r;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	if (argc > 1)
		dl_usage(USAGE);
	dl_store_need();
	if ((r = dl_net_load(&net, &reason)))
		dl_die(r, "unable to read the network: %s", reason);
	if ((r = dl_port_sweep(NULL, &reason)))
		dl_die(r, "unable to remove the stale ports: %s", reason);
	if ((r = dl_lease_sweep(&net, &dropped, &reason)) ||
	    (r = dl_lease_list(&net, &l, &n, &reason)))
		dl_die(r, "unable to remove bridge '%s': %s", net.bridge,
		       reason);
	if (n)
		dl_die(DL_EXIT_CONFLICT, "unable to remove bridge '%s': %zu "
		       "running container%s on it", net.bridge, n,
		       n > 1 ? "s have addresses" : " has an address");
	if ((r = dl_nft_net_del(&net, &reason)) ||
	    (r = dl_bridge_down(&net, &reason)))
		dl_die(r, "unable to remove bridge '%s': %s", net.bridge,
		       reason);
	return 0;
}
