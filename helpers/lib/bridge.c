/* SPDX-License-Identifier: Apache-2.0 */
/* bridge.c: a network's bridge and its address (netlink, libnl-route-3) */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>

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

/* Set link @ifindex of @sk's namespace up. */
static int link_up(struct nl_sock *sk, int ifindex)
{
	struct rtnl_link *old = rtnl_link_alloc(), *change = rtnl_link_alloc();
	int e;

	if (!old || !change)
		dl_oom();
	rtnl_link_set_ifindex(old, ifindex);
	rtnl_link_set_flags(change, IFF_UP);
	e = rtnl_link_change(sk, old, change, 0);
	rtnl_link_put(old);
	rtnl_link_put(change);
	return e;
}

/* Interface @ifindex of the container's namespace: its address, up, and
 * with @route the default route through the gateway and lo up. */
static int ctr_configure(struct nl_sock *sk, const struct dl_net *net,
			 int ifindex, const char *ifname, struct in_addr a,
			 bool route_too, char **reason)
{
	struct rtnl_addr *addr = rtnl_addr_alloc();
	struct rtnl_route *route = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct in_addr bcast = { a.s_addr | htonl(~mask_of(net->prefix)) };
	struct in_addr any = { 0 };
	struct nl_addr *local = nl_addr_build(AF_INET, &a, 4);
	struct nl_addr *brd = nl_addr_build(AF_INET, &bcast, 4);
	struct nl_addr *dst = nl_addr_build(AF_INET, &any, 4);
	struct nl_addr *gw = nl_addr_build(AF_INET, &net->gateway, 4);
	int e, r = 0;

	if (!addr || !route || !nh || !local || !brd || !dst || !gw)
		dl_oom();
	if (route_too && (e = link_up(sk, 1)) < 0) {
		r = nl_err(reason, "unable to set 'lo' up", e);
		goto out;
	}
	nl_addr_set_prefixlen(local, (int)net->prefix);
	rtnl_addr_set_ifindex(addr, ifindex);
	rtnl_addr_set_local(addr, local);
	rtnl_addr_set_broadcast(addr, brd);
	if ((e = rtnl_addr_add(sk, addr, 0)) < 0) {
		r = dl_fail(reason, DL_EXIT_FAIL, "unable to give '%s' its "
			    "address: %s", ifname, nl_geterror(e));
		goto out;
	}
	if ((e = link_up(sk, ifindex)) < 0) {
		r = dl_fail(reason, DL_EXIT_FAIL, "unable to set '%s' up: %s",
			    ifname, nl_geterror(e));
		goto out;
	}
	if (!route_too)
		goto out;
	nl_addr_set_prefixlen(dst, 0);
	rtnl_route_set_family(route, AF_INET);
	rtnl_route_set_dst(route, dst);
	rtnl_route_nh_set_gateway(nh, gw);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_add_nexthop(route, nh);
	nh = NULL;
	if ((e = rtnl_route_add(sk, route, NLM_F_EXCL)) < 0)
		r = nl_err(reason, "unable to add the default route", e);
out:
	if (nh)
		rtnl_route_nh_free(nh);
	rtnl_route_put(route);
	rtnl_addr_put(addr);
	nl_addr_put(local);
	nl_addr_put(brd);
	nl_addr_put(dst);
	nl_addr_put(gw);
	return r;
}

/* Remove the host's link @name (gone already is fine). */
static int link_delete(struct nl_sock *sk, const char *name)
{
	struct rtnl_link *l = rtnl_link_alloc();
	int e;

	if (!l)
		dl_oom();
	rtnl_link_set_name(l, name);
	e = rtnl_link_delete(sk, l);
	rtnl_link_put(l);
	return e == -NLE_OBJ_NOTFOUND || e == -NLE_NODEV ? 0 : e;
}

/*
 * A netlink socket of namespace @ns (with @ns < 0: a new namespace, whose
 * fd *@made receives), made by this thread entering it for a moment.
 */
static struct nl_sock *nl_open_in(int ns, int *made, char **reason)
{
	struct nl_sock *sk = NULL;
	int hostns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	if (hostns < 0) {
		dl_fail(reason, DL_EXIT_FAIL, "/proc/self/ns/net: %s",
			strerror(errno));
		return NULL;
	}
	if (ns < 0 ? unshare(CLONE_NEWNET) : setns(ns, CLONE_NEWNET)) {
		dl_fail(reason, DL_EXIT_FAIL, "%s: %s",
			ns < 0 ? "unshare" : "setns", strerror(errno));
		close(hostns);
		return NULL;
	}
	if (ns < 0) {
		*made = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (*made < 0)
			dl_fail(reason, DL_EXIT_FAIL, "/proc/self/ns/net: %s",
				strerror(errno));
	}
	if (ns >= 0 || *made >= 0)
		sk = nl_open(reason);
	if (setns(hostns, CLONE_NEWNET) < 0) {
		/* nothing of ours may go on in the wrong namespace: the
		 * caller fails, as it must */
		free(*reason);
		*reason = NULL;
		dl_fail(reason, DL_EXIT_FAIL, "unable to return to the host's "
			"network namespace: %s", strerror(errno));
		if (sk)
			nl_socket_free(sk);
		sk = NULL;
	}
	close(hostns);
	if (!sk && ns < 0 && *made >= 0) {
		close(*made);
		*made = -1;
	}
	return sk;
}

/*
 * The pair, made from the host: @host_if on the bridge and up at once,
 * its peer @ifname made in namespace @ns (socket @ctr), then configured.
 */
static int veth_into(struct nl_sock *host, struct nl_sock *ctr,
		     const struct dl_net *net, const char *host_if, int ns,
		     const char *ifname, struct in_addr a,
		     const unsigned char mac[6], bool route_too, char **reason)
{
	struct rtnl_link *veth, *peer, *inner = NULL;
	struct nl_addr *hw;
	int master, e, r;

	master = (int)if_nametoindex(net->bridge);
	if (!master)
		return dl_fail(reason, DL_EXIT_FAIL, "no bridge '%s': %s",
			       net->bridge, strerror(errno));
	veth = rtnl_link_veth_alloc();
	hw = nl_addr_build(AF_LLC, mac, 6);
	if (!veth || !hw)
		dl_oom();
	rtnl_link_set_name(veth, host_if);
	rtnl_link_set_master(veth, master);
	rtnl_link_set_flags(veth, IFF_UP);
	peer = rtnl_link_veth_get_peer(veth);
	rtnl_link_set_name(peer, ifname);
	rtnl_link_set_addr(peer, hw);
	rtnl_link_set_ns_fd(peer, ns);
	rtnl_link_put(peer);
	e = rtnl_link_add(host, veth, NLM_F_CREATE | NLM_F_EXCL);
	if (e == -NLE_EXIST) {
		/* the end of a namespace of this container's past runs still
		 * held (a container that joined it lives on): it goes */
		(void)link_delete(host, host_if);
		e = rtnl_link_add(host, veth, NLM_F_CREATE | NLM_F_EXCL);
	}
	rtnl_link_put(veth);
	nl_addr_put(hw);
	if (e < 0)
		return nl_err(reason, "unable to make the veth pair", e);
	e = rtnl_link_get_kernel(ctr, 0, ifname, &inner);
	if (e < 0)
		r = nl_err(reason, "netlink", e);
	else
		r = ctr_configure(ctr, net, rtnl_link_get_ifindex(inner),
				  ifname, a, route_too, reason);
	if (inner)
		rtnl_link_put(inner);
	if (r)
		(void)link_delete(host, host_if);
	return r;
}

int dl_bridge_netns(const struct dl_net *net, const char *host_if,
		    struct in_addr a, const unsigned char mac[6], int *nsfd,
		    char **reason)
{
	struct nl_sock *host, *ctr;
	int ns = -1, r;

	*reason = NULL;
	*nsfd = -1;
	host = nl_open(reason);
	if (!host)
		return DL_EXIT_FAIL;
	ctr = nl_open_in(-1, &ns, reason);
	if (!ctr) {
		nl_socket_free(host);
		return DL_EXIT_FAIL;
	}
	r = veth_into(host, ctr, net, host_if, ns, "eth0", a, mac, true,
		      reason);
	/* on failure the namespace goes, and whatever it holds */
	if (r)
		close(ns);
	else
		*nsfd = ns;
	nl_socket_free(ctr);
	nl_socket_free(host);
	return r;
}

int dl_bridge_attach(const struct dl_net *net, const char *host_if, int nsfd,
		     struct in_addr a, const unsigned char mac[6],
		     char *ifname, char **reason)
{
	struct nl_sock *host, *ctr;
	int r = 0;

	*reason = NULL;
	host = nl_open(reason);
	if (!host)
		return DL_EXIT_FAIL;
	ctr = nl_open_in(nsfd, NULL, reason);
	if (!ctr) {
		nl_socket_free(host);
		return DL_EXIT_FAIL;
	}
	/* the first free ethN of the namespace */
	for (unsigned n = 1;; n++) {
		struct rtnl_link *l = NULL;
		int e;

		if (n > 99) {
			r = dl_fail(reason, DL_EXIT_CONFLICT, "no free "
				    "interface name eth1 to eth99");
			break;
		}
		snprintf(ifname, IF_NAMESIZE, "eth%u", n);
		e = rtnl_link_get_kernel(ctr, 0, ifname, &l);
		if (l)
			rtnl_link_put(l);
		if (e == -NLE_OBJ_NOTFOUND || e == -NLE_NODEV)
			break;
		if (e < 0) {
			r = nl_err(reason, "netlink", e);
			break;
		}
	}
	if (!r)
		r = veth_into(host, ctr, net, host_if, nsfd, ifname, a, mac,
			      false, reason);
	nl_socket_free(ctr);
	nl_socket_free(host);
	return r;
}

int dl_bridge_detach(const char *host_if, char **reason)
{
	struct nl_sock *sk;
	int e;

	*reason = NULL;
	sk = nl_open(reason);
	if (!sk)
		return DL_EXIT_FAIL;
	e = link_delete(sk, host_if);
	nl_socket_free(sk);
	if (e < 0)
		return nl_err(reason, "unable to remove the veth pair", e);
	return 0;
}
