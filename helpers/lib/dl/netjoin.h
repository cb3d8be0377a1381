/* SPDX-License-Identifier: Apache-2.0 */
/* netjoin.h: a running container connected to more networks, and
 * disconnected; its networks as inspect shows them */
#ifndef DL_NETJOIN_H
#define DL_NETJOIN_H

#include <netinet/in.h>
#include <stddef.h>

struct json_t;

/**
 * dl_net_connect() - connect container @id to network @name: if it runs, an
 * address leased from the network, a veth pair from its bridge (up) into
 * the container's namespace (the first free ethN), @name added to
 * containers/ID/networks, the aliases written to containers/ID/aliases.BRIDGE,
 * and the hosts of the network's members (the container's too) written
 * again
 * @id: the full container ID
 * @name: the network: "bridge" or a user-defined one
 * @aliases: names the others find it by on @name
 * @nalias: how many
 * @addr: receives the address (INET_ADDRSTRLEN bytes)
 * @reason: receives the failure text
 *
 * A container not running is only recorded (containers/ID/networks; its
 * own network: network.left removed), @addr "".
 * The address lasts as long as the run: its end (dl_net_connected_drop())
 * gives it back; the connection stays in containers/ID/networks, which
 * dl-spawn joins again at each start, until dl_net_disconnect().  Needs
 * root; single-threaded callers only.
 *
 * Return: 0, DL_EXIT_NO (no such container or network),
 * DL_EXIT_CONFLICT (already on @name; network none, host or container:;
 * the network is full), or DL_EXIT_FAIL.
 */
extern int dl_net_connect(const char *id, const char *name,
			  char *const *aliases, size_t nalias, char *addr,
			  char **reason);

/**
 * dl_net_disconnect() - disconnect container @id from network @name, its
 * own (given with --network) or one it was connected to: the veth pair
 * removed, the address given back, the hosts of the network's members
 * and its own written again; the connection leaves
 * containers/ID/networks, which a container not running, or connected to
 * a network removed meanwhile, only loses
 * @id: the full container ID
 * @name: the network
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_NO (no such network, the container is not on it),
 * or DL_EXIT_FAIL.
 */
extern int dl_net_disconnect(const char *id, const char *name,
			     char **reason);

#endif
