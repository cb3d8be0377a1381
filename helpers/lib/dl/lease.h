/* SPDX-License-Identifier: Apache-2.0 */
/* lease.h: the addresses of a bridge's containers, one file each */
#ifndef DL_LEASE_H
#define DL_LEASE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

struct dl_net;

/*
 * The leases of bridge B are the files DL_LEASE_DIR/B/A.B.C.D, each
 * holding the directory of the container that has the address (its
 * containers/ID, the path the owner's lock is on), taken and dropped
 * under an flock(2) of DL_LEASE_DIR/B/lock: never two containers with one
 * address, whatever the number of dl processes and stores.  They live in
 * /run, as the containers do not outlive a reboot.  A lease whose owner
 * is not supervised (no dl-spawn holds its lock: it was killed, or the
 * container is gone) is stale: it is taken back when an address is
 * needed, or by dl_lease_sweep().
 */
#define DL_LEASE_DIR "/run/dockerlite/net"

/**
 * dl_lease_take() - give @owner a free address of @net (the one it has
 * already, if any)
 * @net: the network
 * @owner: the owner's containers/ID directory, an absolute path
 * @out: receives the address
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_CONFLICT when every address is taken, or
 * DL_EXIT_FAIL.
 */
extern int dl_lease_take(const struct dl_net *net, const char *owner,
			 struct in_addr *out, char **reason);

/**
 * dl_lease_drop() - give back the addresses of @owner
 * @net: the network
 * @owner: as for dl_lease_take()
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_FAIL.
 */
extern int dl_lease_drop(const struct dl_net *net, const char *owner,
			 char **reason);

/**
 * dl_lease_sweep() - drop the stale leases of @net
 * @net: the network
 * @dropped: receives how many, may be NULL
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_FAIL.
 */
extern int dl_lease_sweep(const struct dl_net *net, unsigned *dropped,
			  char **reason);

/* One lease, as dl_lease_list() gives them. */
struct dl_lease {
	struct in_addr addr;
	char owner[4096];
	bool live; /* its owner is supervised */
};

/**
 * dl_lease_list() - the leases of @net, in no order
 * @net: the network
 * @out: receives a malloc'd array
 * @n: receives its length
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_FAIL.
 */
extern int dl_lease_list(const struct dl_net *net, struct dl_lease **out,
			 size_t *n, char **reason);

/**
 * dl_lease_forget() - remove the (empty) lease directory of @net, once
 * the network itself is gone
 * @net: the network
 * Return: 0, or -1 with errno set (ENOTEMPTY: a lease is left).
 */
extern int dl_lease_forget(const struct dl_net *net);

/**
 * dl_owner_supervised() - tell whether a dl-spawn supervises the
 * container whose directory is @owner (it holds the directory's flock(2)
 * while the container starts or runs)
 * @owner: a containers/ID directory, an absolute path
 * Return: true or false.
 */
extern bool dl_owner_supervised(const char *owner);

#endif
