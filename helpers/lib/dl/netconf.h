/* SPDX-License-Identifier: Apache-2.0 */
/* netconf.h: the store's bridge network: its bridge, subnet and gateway */
#ifndef DL_NETCONF_H
#define DL_NETCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <netinet/in.h>
#include <net/if.h>

/* The defaults: Docker's docker0 has 172.17.0.0/16, podman 10.88.0.0/16. */
#define DL_NET_BRIDGE "dl0"
#define DL_NET_SUBNET "10.88.0.0/16"

/* An IPv4 network on a bridge. */
struct dl_net {
	char bridge[IF_NAMESIZE];
	struct in_addr subnet;  /* the network address */
	unsigned prefix;        /* 8..30 */
	struct in_addr gateway; /* the bridge's own address: the first */
	char cidr[32];          /* "10.88.0.0/16" */
};

/**
 * dl_cidr_parse() - read "A.B.C.D/N" (N from 8 to 30) as a network
 * @s: the text
 * @net: receives the network address (host bits must be 0), the prefix,
 *       the gateway (the first address) and the text; its bridge is left
 * @reason: receives why @s is refused
 * Return: 0 or DL_EXIT_USAGE.
 */
extern int dl_cidr_parse(const char *s, struct dl_net *net, char **reason);

/**
 * dl_bridge_name_valid() - tell whether @s can name a bridge (1 to 15
 * letters, digits, '-', '_' and '.', not "." nor "..")
 * @s: the name
 * Return: true or false.
 */
extern bool dl_bridge_name_valid(const char *s);

/**
 * dl_net_load() - the store's bridge network: net/bridge.json when dl
 * init wrote one ({"bridge": NAME, "subnet": CIDR}), else dl0 and
 * 10.88.0.0/16
 * @net: receives it
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_REJECT for a damaged file, or DL_EXIT_FAIL.
 */
extern int dl_net_load(struct dl_net *net, char **reason);

/**
 * dl_net_save() - write net/bridge.json (durable, by rename)
 * @net: the network
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_FAIL.
 */
extern int dl_net_save(const struct dl_net *net, char **reason);

/**
 * dl_net_contains() - tell whether @a is an address of @net a container
 * may have (not the network, the gateway nor the broadcast address)
 * @net: the network
 * @a: the address
 * Return: true or false.
 */
extern bool dl_net_contains(const struct dl_net *net, struct in_addr a);

/*
 * User-defined networks ("dl network create"): net/networks/NAME.json,
 * {"bridge": B, "subnet": CIDR, "internal": BOOL}, each with a bridge of
 * its own ("dlb" and 12 random hex digits) and a subnet; without one, the
 * first /24 of DL_NET_POOL that overlaps neither another network of the
 * store nor an address of the host.
 */
#define DL_NET_POOL "10.89.0.0/16"

/**
 * dl_net_name_valid() - tell whether @s can name a user-defined network:
 * [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 64, not bridge, none nor host
 * @s: the name
 * Return: true or false.
 */
extern bool dl_net_name_valid(const char *s);

/**
 * dl_net_load_named() - the network a container names: "bridge" (the
 * store's, dl_net_load()) or a user-defined one
 * @name: the name
 * @net: receives it
 * @internal: receives whether it is --internal
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_NO for no such network, DL_EXIT_REJECT for a damaged
 * file, or DL_EXIT_FAIL.
 */
extern int dl_net_load_named(const char *name, struct dl_net *net,
			     bool *internal, char **reason);

/**
 * dl_net_define() - record a new user-defined network
 * @name: its name (dl_net_name_valid())
 * @subnet: its subnet (its bridge is made up), or NULL to pick one
 * @internal: no way out of it
 * @out: receives the network
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_CONFLICT for a name in use, a subnet that overlaps
 * another network of the store or an address of the host, or a pool
 * exhausted, or DL_EXIT_FAIL.
 */
extern int dl_net_define(const char *name, const struct dl_net *subnet,
			 bool internal, struct dl_net *out, char **reason);

/**
 * dl_net_undefine() - forget user-defined network @name
 * @name: the name
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_NO, or DL_EXIT_FAIL.
 */
extern int dl_net_undefine(const char *name, char **reason);

/**
 * dl_net_names() - the user-defined networks, sorted
 * @out: receives a malloc'd array of malloc'd names
 * @n: receives its length
 * Return: 0, or -1 with errno set.
 */
extern int dl_net_names(char ***out, size_t *n);

/**
 * dl_net_alias_valid() - tell whether @s can be a container's alias on a
 * network (a line of /etc/hosts): 1 to 64 letters, digits, '.', '-' and
 * '_', not starting with '-' or '.'
 * @s: the alias
 * Return: true or false.
 */
extern bool dl_net_alias_valid(const char *s);

/**
 * dl_net_created() - when user-defined network @name was made (its
 * definition file, written once, at dl_net_define())
 * @name: the network
 * @out: receives the time
 * Return: 0, or -1 with errno set (ENOENT: no such network).
 */
extern int dl_net_created(const char *name, struct timespec *out);

#endif
