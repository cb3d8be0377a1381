/* SPDX-License-Identifier: Apache-2.0 */
/* bridge.h: a network's bridge and its address (netlink, libnl-route-3) */
#ifndef DL_BRIDGE_H
#define DL_BRIDGE_H

#include <netinet/in.h>
#include <stdbool.h>

struct dl_net;

/**
 * dl_bridge_up() - make @net's bridge if it is not there, give it the
 * gateway address, and set it up
 * @net: the network
 * @made: receives whether the bridge was made now, may be NULL
 * @reason: receives the failure text
 *
 * Refuses (DL_EXIT_CONFLICT) a link of that name that is no bridge, a
 * bridge with another IPv4 address, and a subnet that overlaps an
 * address of another link of the host (a LAN's, another network's).
 *
 * Return: 0, DL_EXIT_CONFLICT, or DL_EXIT_FAIL.
 */
extern int dl_bridge_up(const struct dl_net *net, bool *made, char **reason);

/**
 * dl_bridge_down() - remove @net's bridge (gone already is fine)
 * @net: the network
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_FAIL.
 */
extern int dl_bridge_down(const struct dl_net *net, char **reason);

/**
 * dl_bridge_exists() - tell whether @net's bridge is there (cheap: no
 * netlink socket, and in netconf.c, so that no libnl is linked for it)
 * @net: the network
 * Return: true or false.
 */
extern bool dl_bridge_exists(const struct dl_net *net);

/**
 * dl_bridge_netns() - make a network namespace for a container of @net:
 * a veth pair whose host end @host_if is on the bridge and up, and whose
 * other end is eth0 in the new namespace, with address @a, MAC @mac, up,
 * the default route through the gateway, and lo up
 * @net: the network (its bridge up)
 * @host_if: the name of the host's end
 * @a: the container's address
 * @mac: eth0's hardware address
 * @nsfd: receives the namespace's fd (close-on-exec), -1 on failure
 * @reason: receives the failure text
 *
 * The namespace lives as long as its fd or a process in it: when the last
 * goes, the kernel removes it, the pair with it, in the background, so
 * that no synchronous RTM_DELLINK of a veth (about 15 ms) is on anyone's
 * path.  The caller must be single-threaded: the calling thread enters the
 * new namespace for a moment.  Needs CAP_NET_ADMIN and CAP_SYS_ADMIN.
 *
 * Return: 0 or DL_EXIT_FAIL (nothing made is left).
 */
extern int dl_bridge_netns(const struct dl_net *net, const char *host_if,
			   struct in_addr a, const unsigned char mac[6],
			   int *nsfd, char **reason);

/**
 * dl_bridge_attach() - give the running container whose network namespace
 * is @nsfd one more interface, on @net: a veth pair whose host end
 * @host_if is on the bridge and up, and whose other end, the first free
 * ethN (N from 1), has address @a and MAC @mac, up (no route but its
 * subnet's)
 * @net: the network (its bridge up)
 * @host_if: the name of the host's end
 * @nsfd: the container's network namespace
 * @a: the address
 * @mac: the hardware address
 * @ifname: receives the container's interface name (IF_NAMESIZE bytes)
 * @reason: receives the failure text
 *
 * Single-threaded callers only (as dl_bridge_netns()).  Needs
 * CAP_NET_ADMIN and CAP_SYS_ADMIN.
 *
 * Return: 0, DL_EXIT_CONFLICT (no free name) or DL_EXIT_FAIL (nothing
 * made is left).
 */
extern int dl_bridge_attach(const struct dl_net *net, const char *host_if,
			    int nsfd, struct in_addr a,
			    const unsigned char mac[6], char *ifname,
			    char **reason);

/**
 * dl_bridge_detach() - remove the veth pair whose host end is @host_if
 * (gone already is fine); synchronous: the kernel takes about 15 ms
 * @host_if: the name of the host's end
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_FAIL.
 */
extern int dl_bridge_detach(const char *host_if, char **reason);

#endif
