/* SPDX-License-Identifier: Apache-2.0 */
/* dl-net-rm: remove a user-defined network: its bridge, its elements of
 * dl's nftables table, its definition */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dl.h"
#include "dl/bridge.h"
#include "dl/lease.h"
#include "dl/netconf.h"
#include "dl/netfiles.h"
#include "dl/nftnet.h"

#define USAGE "dl-net-rm NETWORK"
#define OPTIONS "  -h, --help   show this help\n"

int main(int argc, char **argv)
{
	_cleanup_free_ char *reason = NULL;
	_cleanup_free_ struct dl_lease *l = NULL;
	const char *name;
	struct dl_net net;
	bool internal;
	unsigned dropped = 0;
	size_t n = 0;
	int r;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	if (argc != 2 || argv[1][0] == '-')
		dl_usage(USAGE);
	name = argv[1];
	dl_store_need();
	if (!dl_net_name_valid(name))
		dl_die(DL_EXIT_NO, "unable to remove network '%s': %s", name,
		       !strcmp(name, "bridge") || !strcmp(name, "none") ||
				       !strcmp(name, "host")
			       ? "it is predefined"
			       : "no such network");
	if ((r = dl_net_load_named(name, &net, &internal, &reason)))
		dl_die(r, "unable to remove network '%s': %s", name, reason);
	if ((r = dl_lease_sweep(&net, &dropped, &reason)) ||
	    (r = dl_lease_list(&net, &l, &n, &reason)))
		dl_die(r, "unable to remove network '%s': %s", name, reason);
	/* members whose supervisor died (kill -9) are gone from the others'
	 * hosts now, whether or not the network can go */
	if (dropped && n && (r = dl_net_hosts_refresh(&net, &reason)))
		dl_die(r, "unable to update the hosts of network '%s': %s",
		       name, reason);
	if (n)
		dl_die(DL_EXIT_CONFLICT, "unable to remove network '%s': "
		       "network is in use by %zu container%s", name, n,
		       n > 1 ? "s" : "");
	if ((r = dl_nft_net_internal(&net, false, &reason)) ||
	    (r = dl_nft_net_del(&net, &reason)) ||
	    (r = dl_bridge_down(&net, &reason)) ||
	    (r = dl_net_undefine(name, &reason)))
		dl_die(r, "unable to remove network '%s': %s", name, reason);
	if (dl_lease_forget(&net) < 0)
		dl_warn("unable to remove '%s/%s': %s", DL_LEASE_DIR,
			net.bridge, strerror(errno));
	return 0;
}
