/* SPDX-License-Identifier: Apache-2.0 */
/* netmember.h: the networks a container is on, as its directory
 * (containers/ID/networks, aliases.BRIDGE, hosts.net.BRIDGE) and the
 * leases record them; no netlink */
#ifndef DL_NETMEMBER_H
#define DL_NETMEMBER_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

struct dl_net;
struct json_t;

/**
 * dl_net_own() - the network container @dir was made with (its spec's
 * annotation org.dockerlite.network; "bridge" when none)
 * @dir: the container's directory
 * Return: a malloc'd name.
 */
extern char *dl_net_own(const char *dir);

/* The mark of a container disconnected from its own network. */
#define DL_NET_LEFT "network.left"

/**
 * dl_net_own_left() - whether container @dir was disconnected from its
 * own network (containers/ID/network.left): it stays off it, its starts
 * without a network but lo, until it is connected to it again
 * @dir: the container's directory
 * Return: true when it was.
 */
extern bool dl_net_own_left(const char *dir);

/**
 * dl_net_own_leave() - mark container @dir disconnected from its own
 * network (@left), or connected to it again; the mark is written with
 * fsync, as it outlives the run
 * @dir: the container's directory
 * @left: true to mark, false to remove the mark
 * Return: 0, or -1 with errno set.
 */
extern int dl_net_own_leave(const char *dir, bool left);

/**
 * dl_net_connected() - the networks container @dir was connected to
 * (containers/ID/networks, one a line: "NAME[ ALIAS...]"), which its
 * starts join again until it is disconnected, as Docker's
 * @dir: the container's directory
 * @n: receives how many (0 when the file is missing)
 * Return: a malloc'd array of malloc'd names (dl_net_list_free()).
 */
extern char **dl_net_connected(const char *dir, size_t *n);

/**
 * dl_net_connected_aliases() - the aliases container @dir was connected
 * to network @name with (dl network connect --alias)
 * @dir: the container's directory
 * @name: the network
 * @n: receives how many
 * Return: a malloc'd array of malloc'd names (dl_net_list_free()), NULL
 * for none.
 */
extern char **dl_net_connected_aliases(const char *dir, const char *name,
				       size_t *n);

/**
 * dl_net_list_free() - free what dl_net_connected() gave
 * @v: the array
 * @n: its length
 */
extern void dl_net_list_free(char **v, size_t n);

/**
 * dl_net_connected_save() - write containers/ID/networks again: without
 * the line of @drop, with that of @add and its @aliases at the end
 * (removed when nothing is left); temp file, fsync and rename, as it
 * outlives the run
 * @dir: the container's directory
 * @drop: a network left out, or NULL
 * @add: a network added (in place of its line, if any), or NULL
 * @aliases: the aliases of @add
 * @nalias: how many
 * Return: 0, or -1 with errno set.
 */
extern int dl_net_connected_save(const char *dir, const char *drop,
				 const char *add, char *const *aliases,
				 size_t nalias);

/**
 * dl_net_lease_of() - the address container @dir holds on @net
 * @net: the network
 * @dir: the container's directory, as its leases name it
 * @a: receives the address
 * Return: true when it holds one.
 */
extern bool dl_net_lease_of(const struct dl_net *net, const char *dir,
			    struct in_addr *a);

/**
 * dl_net_host_end() - the name of the host's end of a connection of
 * container @id with address @a: "dl", 4 hex digits of the ID and the
 * address in hex (unique: no two networks overlap)
 * @id: the container ID
 * @a: its address on the network
 * Return: a malloc'd name.
 */
extern char *dl_net_host_end(const char *id, struct in_addr a);

/**
 * dl_net_mac() - the MAC of an interface with address @a: 02:42 and the
 * four bytes of the address, as Docker's
 * @a: the address
 * @mac: receives it
 */
extern void dl_net_mac(struct in_addr a, unsigned char mac[6]);

/**
 * dl_net_forget_lines() - the lines of network @net gone from the hosts
 * of the container in @dir (hosts.net.BRIDGE and aliases.BRIDGE removed,
 * hosts written again)
 * @dir: the container's directory
 * @net: the network
 */
extern void dl_net_forget_lines(const char *dir, const struct dl_net *net);

/**
 * dl_net_connected_drop() - end the run of every connection of the
 * container in @dir (containers/ID/networks): the addresses given back,
 * its lines of those networks removed, the others' hosts written again;
 * the pairs go with the container's namespace.  The record stays, for
 * its next start, but the line of its own network (connected again after
 * a disconnect), which its starts join as their own.
 * @dir: the container's directory (absolute, as the leases name it)
 * @reason: receives the text of the first failure
 * Return: 0 or DL_EXIT_FAIL (the others still done).
 */
extern int dl_net_connected_drop(const char *dir, char **reason);

/**
 * dl_net_settings() - Docker's NetworkSettings.Networks of container @id:
 * an object with one member per network it is on (its own unless it was
 * disconnected from it, then those connected), each {NetworkID, IPAddress, IPPrefixLen, Gateway,
 * MacAddress, Aliases}; IPAddress "" when it holds no address
 * @id: the full container ID
 * Return: a new reference (an empty object when nothing can be read).
 */
extern struct json_t *dl_net_settings(const char *id);

#endif
