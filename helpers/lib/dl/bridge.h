/* SPDX-License-Identifier: Apache-2.0 */
/* bridge.h: a network's bridge and its address (netlink, libnl-route-3) */
#ifndef DL_BRIDGE_H
#define DL_BRIDGE_H

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

#endif
