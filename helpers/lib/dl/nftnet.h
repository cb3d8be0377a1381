/* SPDX-License-Identifier: Apache-2.0 */
/* nftnet.h: dl's own nftables table, inet dockerlite (libnftables) */
#ifndef DL_NFTNET_H
#define DL_NFTNET_H

#include <stdbool.h>

struct dl_net;

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

#endif
