/* SPDX-License-Identifier: Apache-2.0 */
/* dl-net-inspect: the store's bridge network and its containers, as JSON */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dl.h"
#include "dl/bridge.h"
#include "dl/json.h"
#include "dl/lease.h"
#include "dl/netconf.h"

#define USAGE "dl-net-inspect"
#define OPTIONS                                                                \
	"  -h, --help   show this help\n"                                      \
	"\nPrints [{\"Name\",\"Driver\",\"Bridge\",\"Subnet\",\"Gateway\","  \
	"\"Up\",\"Containers\"}].\n"

int main(int argc, char **argv)
{
	_cleanup_free_ char *reason = NULL, *cdir = NULL, *real = NULL;
	_cleanup_free_ struct dl_lease *l = NULL;
	char gw[INET_ADDRSTRLEN], a[INET_ADDRSTRLEN];
	struct dl_net net;
	json_t *ctrs, *j;
	size_t n = 0, len;
	int r;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	if (argc > 1)
		dl_usage(USAGE);
	dl_store_need();
	if ((r = dl_net_load(&net, &reason)))
		dl_die(r, "unable to read the network: %s", reason);
	if ((r = dl_lease_list(&net, &l, &n, &reason)))
		dl_die(r, "unable to read the addresses of '%s': %s",
		       net.bridge, reason);
	/* the leases of this store's containers */
	cdir = dl_path("containers");
	real = realpath(cdir, NULL);
	len = real ? strlen(real) : 0;
	ctrs = json_object();
	for (size_t i = 0; real && i < n; i++) {
		const char *id = l[i].owner + len + 1;

		if (strncmp(l[i].owner, real, len) || l[i].owner[len] != '/' ||
		    !dl_is_id(id))
			continue;
		inet_ntop(AF_INET, &l[i].addr, a, sizeof(a));
		json_object_set_new(ctrs, id,
				    json_pack("{s:s,s:b}", "IPv4Address", a,
					      "Live", l[i].live));
	}
	inet_ntop(AF_INET, &net.gateway, gw, sizeof(gw));
	j = json_pack("[{s:s,s:s,s:s,s:s,s:s,s:b,s:o}]", "Name", "bridge",
		      "Driver", "bridge", "Bridge", net.bridge, "Subnet",
		      net.cidr, "Gateway", gw, "Up", dl_bridge_exists(&net),
		      "Containers", ctrs);
	if (!j)
		dl_oom();
	if (dl_json_print(j) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to write 'stdout'");
	json_decref(j);
	return dl_finish_stdout();
}
