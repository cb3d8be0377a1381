/* SPDX-License-Identifier: Apache-2.0 */
/* netfiles.h: a container's /etc/resolv.conf, /etc/hosts, /etc/hostname */
#ifndef DL_NETFILES_H
#define DL_NETFILES_H

#include <stddef.h>

/**
 * dl_resolv_conf() - the text of a container's resolv.conf: the host's
 * (/etc/resolv.conf) without its loopback name servers, which a container
 * cannot reach (a stub such as systemd-resolved's 127.0.0.53: then the
 * servers it uses, from /run/systemd/resolve/resolv.conf); @dns and
 * @search replace the host's servers and search domains
 * @dns: name servers, @ndns of them
 * @ndns: how many
 * @search: search domains, @nsearch of them
 * @nsearch: how many
 * Return: the malloc'd text.
 */
extern char *dl_resolv_conf(char *const *dns, size_t ndns,
			    char *const *search, size_t nsearch);

/**
 * dl_hosts_file() - the text of a container's hosts: localhost, its own
 * address and names, and the --add-host lines
 * @addr: its address, or NULL
 * @hostname: its host name
 * @name: its container name, or NULL
 * @add: "NAME:IP" lines, @nadd of them
 * @nadd: how many
 * Return: the malloc'd text.
 */
extern char *dl_hosts_file(const char *addr, const char *hostname,
			   const char *name, char *const *add, size_t nadd);

struct dl_net;

/**
 * dl_net_hosts_refresh() - write the /etc/hosts of each running member of
 * user-defined network @net again: its own lines (containers/ID/hosts.base)
 * and a line for each other member, "ADDRESS NAME HOSTNAME ALIAS..." (the
 * aliases of containers/ID/aliases.BRIDGE), kept as
 * containers/ID/hosts.net.BRIDGE beside the lines of its other networks;
 * under the flock of DL_LEASE_DIR/BRIDGE/hosts.lock, each file in place
 * (it is bound into its container).  A member whose supervisor is gone
 * (a killed dl-spawn, a killed container) is no member.
 * @net: the network
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_FAIL.
 */
extern int dl_net_hosts_refresh(const struct dl_net *net, char **reason);

/**
 * dl_net_hosts_rebuild() - write containers/ID/hosts (in @dir) again, in
 * place: hosts.base, then each hosts.net.BRIDGE in name order; under the
 * flock of hosts.base
 * @dir: the container's directory
 * Return: 0, or -1 with errno set (no hosts.base: ENOENT).
 */
extern int dl_net_hosts_rebuild(const char *dir);

#endif
