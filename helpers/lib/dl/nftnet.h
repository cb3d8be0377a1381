/* SPDX-License-Identifier: Apache-2.0 */
/* nftnet.h: dl's own nftables table, inet dockerlite (libnftables) */
#ifndef DL_NFTNET_H
#define DL_NFTNET_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

struct dl_net;
struct dl_port;

/*
 * One table, "inet dockerlite", holds every rule dl makes, so that the
 * host's other tables are never touched and removal is exact.  Its rules
 * are made once with the table; a network is two set elements (its
 * bridge in @bridges, its subnet in @subnets):
 *   postrouting (nat): ip saddr @subnets oifname != @bridges masquerade
 *   forward (filter): out of a bridge accepted; into one only replies
 *   (established, related) and published ports (ct status dnat); and,
 *   when dl turned IP forwarding on, nothing else forwarded.
 */
#define DL_NFT_TABLE "dockerlite"

/**
 * dl_nft_net_add() - make the table if it is not there, and add @net
 * @net: the network
 * @guard: with a new table, forward nothing but the bridges' traffic
 *         (set when dl turns IP forwarding on)
 * @reason: receives the failure text (nftables' own)
 * Return: 0 or DL_EXIT_FAIL.
 */
extern int dl_nft_net_add(const struct dl_net *net, bool guard,
			  char **reason);

/**
 * dl_nft_net_del() - remove @net's elements, and the table once no
 * network is left in it
 * @net: the network
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_FAIL.
 */
extern int dl_nft_net_del(const struct dl_net *net, char **reason);

/*
 * Published ports are elements of two maps, so that removal is exact:
 * @ports (proto . port : address . port) for a port of every host
 * address, @hostports (address . proto . port : address . port) for a port
 * of one.  Their chains: ports_pre (nat prerouting) redirects traffic to
 * the host's own addresses but 127.0.0.0/8, which never comes from
 * outside; ports_out (nat output) the host's own traffic, loopback
 * included; ports_post (nat postrouting) masquerades what 127.0.0.0/8
 * sends to a bridge (which needs route_localnet on it).  They are made
 * again with every publication, in its transaction.
 */

/**
 * dl_nft_port_add() - redirect @p's host ports to @to
 * @p: the ports, bound (no host port 0)
 * @n: how many
 * @to: the container's address
 * @reason: receives the failure text (nftables' own)
 * Return: 0 or DL_EXIT_FAIL (an element that exists already is a
 * failure: nothing is added).
 */
extern int dl_nft_port_add(const struct dl_port *p, size_t n,
			   struct in_addr to, char **reason);

/**
 * dl_nft_port_del() - remove @p's redirection, if it is there
 * @p: the port
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_FAIL.
 */
extern int dl_nft_port_del(const struct dl_port *p, char **reason);

/**
 * dl_nft_port_fini() - remove the maps and chains of published ports,
 * once the last port is gone (as they were before the first)
 * Return: 0, or -1 when they were not there (or are in use).
 */
extern int dl_nft_port_fini(void);

/**
 * dl_nft_net_internal() - add @net to (or remove it from) the set
 * @internal, whose chain (filter forward, before the others) drops what
 * comes out of such a bridge to any other link: no way out, no NAT
 * @net: the network
 * @add: add, else remove (gone already is fine)
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_FAIL.
 */
extern int dl_nft_net_internal(const struct dl_net *net, bool add,
			       char **reason);

#endif
