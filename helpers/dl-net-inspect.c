/* SPDX-License-Identifier: Apache-2.0 */
/* dl-net-inspect: networks of the store and their containers, as JSON */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dl.h"
#include "dl/bridge.h"
#include "dl/json.h"
#include "dl/lease.h"
#include "dl/netconf.h"
#include "dl/time.h"

#define USAGE "dl-net-inspect [-a] [NETWORK...]"
#define OPTIONS                                                                \
	"  -a           every network: bridge, then the user-defined ones\n"   \
	"  -h, --help   show this help\n"                                      \
	"\nPrints [{\"Name\",\"Driver\",\"Bridge\",\"Subnet\",\"Gateway\","  \
	"\"Internal\",\"Up\",\"Containers\"} and, for a user-defined one,\n"  \
	"\"Created\"]; without NETWORK, bridge's.\n"

/* One network, its containers those of this store with an address on it. */
static json_t *describe(const char *name)
{
	_cleanup_free_ char *reason = NULL, *cdir = NULL, *real = NULL;
	_cleanup_free_ struct dl_lease *l = NULL;
	char gw[INET_ADDRSTRLEN], a[INET_ADDRSTRLEN];
	struct dl_net net;
	bool internal;
	json_t *ctrs, *j;
	size_t n = 0, len;
	int r;

	if ((r = dl_net_load_named(name, &net, &internal, &reason)))
		dl_die(r, "unable to inspect network '%s': %s", name, reason);
	if ((r = dl_lease_list(&net, &l, &n, &reason)))
		dl_die(r, "unable to read the addresses of '%s': %s",
		       net.bridge, reason);
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
	j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:o}", "Name", name,
		      "Driver", "bridge", "Bridge", net.bridge, "Subnet",
		      net.cidr, "Gateway", gw, "Internal", internal, "Up",
		      dl_bridge_exists(&net), "Containers", ctrs);
	if (!j)
		dl_oom();
	/* a user-defined network's creation time, as Docker's Created */
	{
		struct timespec ts;
		char when[DL_TIME_LEN + 1];

		if (strcmp(name, "bridge") && dl_net_created(name, &ts) == 0 &&
		    dl_time_format(&ts, when) == 0)
			json_object_set_new(j, "Created", json_string(when));
	}
	return j;
}

int main(int argc, char **argv)
{
	json_t *out = json_array();
	bool all = false;
	int opt;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	opterr = 0;
	while ((opt = getopt(argc, argv, "+a")) != -1) {
		if (opt != 'a')
			dl_usage(USAGE);
		all = true;
	}
	if (all && optind < argc)
		dl_usage(USAGE);
	dl_store_need();
	if (optind == argc)
		json_array_append_new(out, describe("bridge"));
	if (all) {
		char **names = NULL;
		size_t n = 0;

		if (dl_net_names(&names, &n) < 0)
			dl_die_sys(DL_EXIT_FAIL, "unable to list the networks");
		for (size_t i = 0; i < n; i++) {
			json_array_append_new(out, describe(names[i]));
			free(names[i]);
		}
		free(names);
	}
	for (int i = optind; i < argc; i++)
		json_array_append_new(out, describe(argv[i]));
	if (dl_json_print(out) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to write 'stdout'");
	json_decref(out);
	return dl_finish_stdout();
}
