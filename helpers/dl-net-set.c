/* SPDX-License-Identifier: Apache-2.0 */
/* dl-net-set: set the store's bridge network (net/bridge.json) */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "dl.h"
#include "dl/netconf.h"

#define USAGE "dl-net-set [--bridge NAME] [--subnet CIDR]"
#define OPTIONS                                                                \
	"  --bridge NAME   the bridge (default " DL_NET_BRIDGE ")\n"           \
	"  --subnet CIDR   its IPv4 subnet (default " DL_NET_SUBNET ")\n"      \
	"  -h, --help      show this help\n"

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "bridge", required_argument, NULL, 'b' },
		{ "subnet", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	_cleanup_free_ char *reason = NULL;
	const char *bridge = NULL, *subnet = NULL;
	struct dl_net net, want;
	int opt, r;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'b':
			bridge = optarg;
			break;
		case 's':
			subnet = optarg;
			break;
		case 'h':
			dl_help(USAGE, OPTIONS);
		default:
			dl_usage(USAGE);
		}
	}
	if (optind != argc)
		dl_usage(USAGE);
	if (bridge && !dl_bridge_name_valid(bridge))
		dl_die(DL_EXIT_USAGE, "unable to use bridge '%s': 1 to 15 "
		       "letters, digits, '-', '_' or '.'", bridge);
	if (subnet && (r = dl_cidr_parse(subnet, &want, &reason)))
		dl_die(r, "unable to use subnet '%s': %s", subnet, reason);
	dl_store_need();
	if ((r = dl_net_load(&net, &reason)))
		dl_die(r, "unable to read the network: %s", reason);
	if (subnet) {
		memcpy(want.bridge, net.bridge, sizeof(want.bridge));
		net = want;
	}
	if (bridge)
		snprintf(net.bridge, sizeof(net.bridge), "%s", bridge);
	if ((r = dl_net_save(&net, &reason)))
		dl_die(r, "unable to set the network: %s", reason);
	return 0;
}
