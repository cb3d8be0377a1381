/* SPDX-License-Identifier: Apache-2.0 */
/* dl-container.h: containers in the store */
#ifndef DL_CONTAINER_H
#define DL_CONTAINER_H

/**
 * dl_container_remove() - remove a stopped container whole: unpublish
 * containers/ID by rename into tmp/, delete its rootfs and every nested
 * subvolume in it, release its name
 * @id: the full container ID
 * @reason: receives the failure text
 * Return: 0 or a DL_EXIT_* code (DL_EXIT_NO when there is no such container).
 * Needs root.  The caller makes sure the container is not running.
 */
extern int dl_container_remove(const char *id, char **reason);

/**
 * dl_lxc_forget() - remove the lock file liblxc keeps for a container
 * (/run/lxc/lock/LXCPATH/.ID), once the container is gone
 * @lxcpath: the absolute containers directory
 * @id: the full container ID
 */
extern void dl_lxc_forget(const char *lxcpath, const char *id);

#endif
