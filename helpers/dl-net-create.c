/* SPDX-License-Identifier: Apache-2.0 */
/* dl-net-create: define a user-defined network: a bridge and a subnet of
 * its own */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "dl.h"
#include "dl/json.h"
#include "dl/netconf.h"

#define USAGE "dl-net-create [--subnet CIDR] [--internal] NETWORK"
#define OPTIONS                                                                \
	"  --subnet CIDR   its IPv4 subnet (default: a free /24 of "           \
	DL_NET_POOL ")\n"                                                      \
	"  --internal      no way out: no NAT, nothing forwarded to other "    \
	"links\n"                                                              \
	"  -h, --help      show this help\n"                                   \
	"\nPrints {\"Name\",\"Bridge\",\"Subnet\",\"Gateway\",\"Internal\"}.\n"

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "subnet", required_argument, NULL, 's' },
		{ "internal", no_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	_cleanup_free_ char *reason = NULL;
	const char *subnet = NULL, *name;
	struct dl_net want, net;
	char gw[INET_ADDRSTRLEN];
	bool internal = false;
	int opt, r;
	json_t *j;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			subnet = optarg;
			break;
		case 'i':
			internal = true;
			break;
		case 'h':
			dl_help(USAGE, OPTIONS);
		default:
			dl_usage(USAGE);
		}
	}
	if (argc - optind != 1)
		dl_usage(USAGE);
	name = argv[optind];
	if (!dl_net_name_valid(name))
		dl_die(DL_EXIT_USAGE, "unable to create network '%s': a name "
		       "is [a-zA-Z0-9][a-zA-Z0-9_.-]* (at most 64), not "
		       "bridge, none nor host", name);
	if (subnet && (r = dl_cidr_parse(subnet, &want, &reason)))
		dl_die(r, "unable to use subnet '%s': %s", subnet, reason);
	dl_store_need();
	if ((r = dl_net_define(name, subnet ? &want : NULL, internal, &net,
			       &reason)))
		dl_die(r, "unable to create network '%s': %s", name, reason);
	inet_ntop(AF_INET, &net.gateway, gw, sizeof(gw));
	j = json_pack("{s:s,s:s,s:s,s:s,s:b}", "Name", name, "Bridge",
		      net.bridge, "Subnet", net.cidr, "Gateway", gw,
		      "Internal", internal);
	if (!j)
		dl_oom();
	if (dl_json_print(j) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to write 'stdout'");
	json_decref(j);
	return dl_finish_stdout();
}
