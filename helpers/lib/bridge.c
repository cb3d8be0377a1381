/* SPDX-License-Identifier: Apache-2.0 */
/* bridge.c: a network's bridge and its address (netlink, libnl-route-3) */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>

#include "dl.h"
#include "dl/bridge.h"
#include "dl/netconf.h"

static int nl_err(char **reason, const char *what, int e)
{
	return dl_fail(reason, DL_EXIT_FAIL, "%s: %s", what, nl_geterror(e));
}

static struct nl_sock *nl_open(char **reason)
{
	struct nl_sock *sk = nl_socket_alloc();
	int e;

	if (!sk)
		dl_oom();
	e = nl_connect(sk, NETLINK_ROUTE);
	if (e < 0) {
		nl_err(reason, "netlink", e);
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

static uint32_t mask_of(unsigned prefix)
{
	return prefix ? ~UINT32_C(0) << (32 - prefix) : 0;
}

/* Whether networks a/pa and b/pb share an address. */
static bool overlap(uint32_t a, unsigned pa, uint32_t b, unsigned pb)
{
	uint32_t m = mask_of(pa < pb ? pa : pb);

	return (a & m) == (b & m);
}

struct addr_check {
	const struct dl_net *net;
	int ifindex;
	bool has_gw, other;
	char other_name[IF_NAMESIZE], other_addr[64];
	int other_ifindex;
};

static void check_addr(struct nl_object *o, void *arg)
{
	struct rtnl_addr *a = (struct rtnl_addr *)o;
	struct addr_check *c = arg;
	struct nl_addr *local = rtnl_addr_get_local(a);
	uint32_t v;

	if (rtnl_addr_get_family(a) != AF_INET || !local ||
	    nl_addr_get_len(local) != 4)
		return;
	memcpy(&v, nl_addr_get_binary_addr(local), 4);
	if (rtnl_addr_get_ifindex(a) == c->ifindex) {
		if (v == c->net->gateway.s_addr &&
		    (unsigned)rtnl_addr_get_prefixlen(a) == c->net->prefix)
			c->has_gw = true;
		else if (!c->other) {
			c->other = true;
			c->other_ifindex = c->ifindex;
			nl_addr2str(local, c->other_addr,
				    sizeof(c->other_addr));
		}
		return;
	}
	/* the gateway on a bridge of that name: another dl made it between
	 * the look-up of the link and this walk of the addresses */
	if (v == c->net->gateway.s_addr &&
	    (unsigned)rtnl_addr_get_prefixlen(a) == c->net->prefix) {
		char name[IF_NAMESIZE];

		if (if_indextoname((unsigned)rtnl_addr_get_ifindex(a), name) &&
		    !strcmp(name, c->net->bridge))
			return;
	}
	if (!c->other && overlap(ntohl(v), (unsigned)rtnl_addr_get_prefixlen(a),
				 ntohl(c->net->subnet.s_addr),
				 c->net->prefix)) {
		c->other = true;
		c->other_ifindex = rtnl_addr_get_ifindex(a);
		nl_addr2str(local, c->other_addr, sizeof(c->other_addr));
	}
}

int dl_bridge_up(const struct dl_net *net, bool *made, char **reason)
{
	struct nl_sock *sk;
	struct rtnl_link *link = NULL, *change = NULL;
	struct nl_cache *addrs = NULL;
	struct rtnl_addr *addr = NULL;
	struct nl_addr *local = NULL;
	struct addr_check c = { .net = net };
	bool made_now = false;
	int e, r = 0;

	*reason = NULL;
	sk = nl_open(reason);
	if (!sk)
		return DL_EXIT_FAIL;
	e = rtnl_link_get_kernel(sk, 0, net->bridge, &link);
	if (e < 0 && e != -NLE_OBJ_NOTFOUND && e != -NLE_NODEV) {
		r = nl_err(reason, "netlink", e);
		goto out;
	}
	if (link && !rtnl_link_is_bridge(link)) {
		r = dl_fail(reason, DL_EXIT_CONFLICT, "'%s' is a link of the "
			    "host that is not a bridge", net->bridge);
		goto out;
	}
	/* the subnet checked against the host's addresses before anything
	 * is made */
	c.ifindex = link ? rtnl_link_get_ifindex(link) : 0;
	e = rtnl_addr_alloc_cache(sk, &addrs);
	if (e < 0) {
		r = nl_err(reason, "netlink", e);
		goto out;
	}
	nl_cache_foreach(addrs, check_addr, &c);
	if (c.other) {
		char name[IF_NAMESIZE] = "?";

		if_indextoname((unsigned)c.other_ifindex, name);
		r = dl_fail(reason, DL_EXIT_CONFLICT, "%s overlaps %s of %s: "
			    "give the store another subnet (dl init --subnet)",
			    net->cidr, c.other_addr, name);
		goto out;
	}
	if (!link) {
		struct rtnl_link *nb = rtnl_link_bridge_alloc();

		if (!nb)
			dl_oom();
		rtnl_link_set_name(nb, net->bridge);
		e = rtnl_link_add(sk, nb, NLM_F_CREATE | NLM_F_EXCL);
		rtnl_link_put(nb);
		if (e < 0 && e != -NLE_EXIST) {
			r = nl_err(reason, "unable to make the bridge", e);
			goto out;
		}
		made_now = e == 0;
		e = rtnl_link_get_kernel(sk, 0, net->bridge, &link);
		if (e < 0) {
			r = nl_err(reason, "netlink", e);
			goto out;
		}
		c.ifindex = rtnl_link_get_ifindex(link);
	}
	if (!c.has_gw) {
		addr = rtnl_addr_alloc();
		local = nl_addr_build(AF_INET, &net->gateway, 4);
		if (!addr || !local)
			dl_oom();
		nl_addr_set_prefixlen(local, (int)net->prefix);
		rtnl_addr_set_ifindex(addr, c.ifindex);
		rtnl_addr_set_local(addr, local);
		e = rtnl_addr_add(sk, addr, 0);
		if (e < 0 && e != -NLE_EXIST) {
			r = nl_err(reason, "unable to give the bridge its "
				   "address", e);
			goto out;
		}
	}
	if (!(rtnl_link_get_flags(link) & IFF_UP)) {
		change = rtnl_link_alloc();
		if (!change)
			dl_oom();
		rtnl_link_set_flags(change, IFF_UP);
		e = rtnl_link_change(sk, link, change, 0);
		if (e < 0) {
			r = nl_err(reason, "unable to set the bridge up", e);
			goto out;
		}
	}
out:
	/* a bridge made now and not set up whole goes */
	if (r && made_now) {
		_cleanup_free_ char *why = NULL;

		(void)dl_bridge_down(net, &why);
		made_now = false;
	}
	if (made)
		*made = made_now;
	if (local)
		nl_addr_put(local);
	if (addr)
		rtnl_addr_put(addr);
	if (addrs)
		nl_cache_free(addrs);
	if (change)
		rtnl_link_put(change);
	if (link)
		rtnl_link_put(link);
	nl_socket_free(sk);
	return r;
}

int dl_bridge_down(const struct dl_net *net, char **reason)
{
	struct nl_sock *sk;
	struct rtnl_link *link;
	int e;

	*reason = NULL;
	sk = nl_open(reason);
	if (!sk)
		return DL_EXIT_FAIL;
	link = rtnl_link_alloc();
	if (!link)
		dl_oom();
	rtnl_link_set_name(link, net->bridge);
	e = rtnl_link_delete(sk, link);
	rtnl_link_put(link);
	nl_socket_free(sk);
	if (e < 0 && e != -NLE_OBJ_NOTFOUND && e != -NLE_NODEV)
		return nl_err(reason, "unable to remove the bridge", e);
	return 0;
}
