/* SPDX-License-Identifier: Apache-2.0 */
/* portmap.h: the host's published ports, one file each, and their nftables
 * elements */
#ifndef DL_PORTMAP_H
#define DL_PORTMAP_H

#include <netinet/in.h>
#include <stddef.h>

struct dl_port;

/*
 * A published port is the file DL_PORT_DIR/PROTO-HOSTIP-HOSTPORT, which
 * holds the directory of the container that has it (its containers/ID),
 * and an element of dl's nftables table (dl/nftnet.h), both made and
 * removed under an flock(2) of DL_PORT_DIR/lock.  The owner's supervisor
 * holds the host port itself (dl_port_bind()), so no other process takes
 * it meanwhile.  A port whose owner is no longer supervised is stale:
 * taken back by the next publication, dl_port_unpublish() of its owner or
 * dl_port_sweep().
 */
#define DL_PORT_DIR "/run/dockerlite/ports"

/**
 * dl_port_publish() - redirect @p's host ports to @to, for @owner; stale
 * ports are taken back first
 * @owner: the owner's containers/ID directory, an absolute path
 * @to: its address
 * @p: the ports, bound
 * @n: how many
 * @reason: receives the failure text
 *
 * Needs root.  On failure nothing is published.
 *
 * Return: 0, DL_EXIT_CONFLICT when a port is another live container's,
 * or DL_EXIT_FAIL.
 */
extern int dl_port_publish(const char *owner, struct in_addr to,
			   const struct dl_port *p, size_t n, char **reason);

/**
 * dl_port_unpublish() - remove the ports of @owner
 * @owner: as for dl_port_publish()
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_FAIL.
 */
extern int dl_port_unpublish(const char *owner, char **reason);

/**
 * dl_port_sweep() - remove the stale ports
 * @dropped: receives how many, may be NULL
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_FAIL.
 */
extern int dl_port_sweep(unsigned *dropped, char **reason);

#endif
