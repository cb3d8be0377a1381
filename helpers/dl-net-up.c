/* SPDX-License-Identifier: Apache-2.0 */
/* dl-net-up: make the store's bridge network ready: the bridge and its
 * address, dl's nftables table, IP forwarding */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl/bridge.h"
#include "dl/json.h"
#include "dl/netconf.h"
#include "dl/nftnet.h"

#define USAGE "dl-net-up [NETWORK]"
#define OPTIONS                                                                \
	"  -h, --help   show this help\n"                                      \
	"\nPrints {\"bridge\",\"subnet\",\"gateway\"}.\n"

#define FORWARD "/proc/sys/net/ipv4/ip_forward"

/* Whether the host forwards IPv4; -1 when it cannot be told. */
static int forwarding(void)
{
	char c = '0';
	int fd = open(FORWARD, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (read(fd, &c, 1) != 1)
		c = '0';
	close(fd);
	return c == '1';
}

static int forward_on(void)
{
	int fd = open(FORWARD, O_WRONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -1;
	r = write(fd, "1\n", 2) == 2 ? 0 : -1;
	close(fd);
	return r;
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *reason = NULL;
	char gw[INET_ADDRSTRLEN];
	struct dl_net net;
	bool made, internal = false;
	int r, fwd;
	json_t *j;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
		dl_usage(USAGE);
	dl_store_need();
	if ((r = dl_net_load_named(argc == 2 ? argv[1] : "bridge", &net,
				   &internal, &reason)))
		dl_die(r, "unable to read network '%s': %s",
		       argc == 2 ? argv[1] : "bridge", reason);
	if ((r = dl_bridge_up(&net, &made, &reason)))
		dl_die(r, "unable to set up bridge '%s': %s", net.bridge,
		       reason);
	fwd = forwarding();
	/* forwarding turned on by dl forwards the bridges' traffic only */
	if ((r = dl_nft_net_add(&net, fwd == 0, &reason)) ||
	    (internal && (r = dl_nft_net_internal(&net, true, &reason))))
		dl_die(r, "unable to set up bridge '%s': %s", net.bridge,
		       reason);
	if (fwd == 0 && forward_on() < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to set up bridge '%s': %s",
			   net.bridge, FORWARD);
	inet_ntop(AF_INET, &net.gateway, gw, sizeof(gw));
	j = json_pack("{s:s,s:s,s:s}", "bridge", net.bridge, "subnet",
		      net.cidr, "gateway", gw);
	if (!j)
		dl_oom();
	if (dl_json_print(j) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to write 'stdout'");
	json_decref(j);
	return dl_finish_stdout();
}
