/* SPDX-License-Identifier: Apache-2.0 */
/* ports.h: published ports: -p's syntax, the host ports a supervisor
 * holds, and the containers/ID/ports.json that records them */
#ifndef DL_PORTS_H
#define DL_PORTS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One published port. */
struct dl_port {
	struct in_addr host_ip; /* INADDR_ANY: every address of the host */
	uint16_t host_port;     /* 0: a free one, chosen when bound */
	uint16_t ctr_port;
	bool udp;               /* else tcp */
};

/* "255.255.255.255:65535:65535/tcp" and a NUL */
#define DL_PORT_STRLEN 40

/**
 * dl_port_parse() - read one -p value, as Docker writes it:
 * [HOSTIP:][HOSTPORT:]CTRPORT[/tcp|udp] (an empty HOSTPORT, or none, asks
 * for a free one), or dl_port_string()'s text
 * @s: the text
 * @p: receives the port
 * @reason: receives why @s is refused
 * Return: 0 or DL_EXIT_USAGE.
 */
extern int dl_port_parse(const char *s, struct dl_port *p, char **reason);

/**
 * dl_port_string() - the text dl stores: HOSTIP:HOSTPORT:CTRPORT/PROTO
 * (HOSTPORT 0 for a free one)
 * @p: the port
 * @out: receives the text
 */
extern void dl_port_string(const struct dl_port *p, char out[DL_PORT_STRLEN]);

/**
 * dl_port_bind() - hold @p's host port: a socket bound to it (not
 * listening), which no other process can bind while it is open; a free
 * port is chosen for a host port of 0 and written back in @p
 * @p: the port
 * @fd: receives the socket (close-on-exec)
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_CONFLICT when the port is in use, or DL_EXIT_FAIL.
 */
extern int dl_port_bind(struct dl_port *p, int *fd, char **reason);

/**
 * dl_ports_save() - write @path (containers/ID/ports.json):
 * {"Address": A.B.C.D, "Bridge": B, "Ports": [{"HostIp", "HostPort",
 * "ContainerPort", "Protocol"}]}
 * @path: the file
 * @addr: the container's address
 * @bridge: the bridge it is on
 * @p: the ports, bound
 * @n: how many
 * Return: 0, or -1 with errno set.
 */
extern int dl_ports_save(const char *path, struct in_addr addr,
			 const char *bridge, const struct dl_port *p,
			 size_t n);

/**
 * dl_ports_load() - read what dl_ports_save() wrote
 * @path: the file
 * @addr: receives the address
 * @bridge: receives the bridge (IF_NAMESIZE bytes), may be NULL
 * @p: receives a malloc'd array
 * @n: receives its length
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_NO for no file, DL_EXIT_REJECT for a damaged one.
 */
extern int dl_ports_load(const char *path, struct in_addr *addr,
			 char *bridge, struct dl_port **p, size_t *n,
			 char **reason);

#endif
