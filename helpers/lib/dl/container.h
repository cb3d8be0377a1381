/* SPDX-License-Identifier: Apache-2.0 */
/* container.h: containers in the store */
#ifndef DL_CONTAINER_H
#define DL_CONTAINER_H

/**
 * dl_container_remove() - remove a container that no one runs, whole:
 * take its lock (dl_state_lock()), then as dl_container_remove_held()
 * @id: the full container ID
 * @reason: receives the failure text
 * Return: 0 or a DL_EXIT_* code (DL_EXIT_NO when there is no such
 * container, DL_EXIT_CONFLICT with "container is starting" or "container
 * is running" when a supervisor holds it, or another removal does).
 * Needs root.  A container that runs with its supervisor gone holds no
 * lock: the caller checks that nothing runs (dl-container-rm does, under
 * the lock, with dl_container_remove_held()).
 */
extern int dl_container_remove(const char *id, char **reason);

/**
 * dl_container_remove_held() - remove a container whose lock the caller
 * holds: unpublish containers/ID by rename into tmp/ (the lock, which
 * follows the directory, keeps dl-store-sweep off it), release its name,
 * delete its rootfs with every nested subvolume and the rest
 * @id: the full container ID
 * @lock: the descriptor dl_state_lock() gave
 * @reason: receives the failure text
 * Return: 0 or a DL_EXIT_* code (DL_EXIT_NO when there is no such
 * container).  Needs root.  The caller makes sure nothing runs.
 */
extern int dl_container_remove_held(const char *id, int lock, char **reason);

/**
 * dl_container_busy() - why the lock of @id is held, for a message:
 * "container is starting" when state.json says so, else "container is
 * running"
 * @id: the full container ID
 * Return: a static string.
 */
extern const char *dl_container_busy(const char *id);

/**
 * dl_lxc_forget() - remove the lock file liblxc keeps for a container
 * (/run/lxc/lock/LXCPATH/.ID), once the container is gone
 * @lxcpath: the absolute containers directory
 * @id: the full container ID
 */
extern void dl_lxc_forget(const char *lxcpath, const char *id);

#endif
