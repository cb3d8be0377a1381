/* SPDX-License-Identifier: Apache-2.0 */
/* shm.h: the /dev/shm of a running container, for one that joins its IPC
 * namespace (--ipc container:ID) */
#ifndef DL_SHM_H
#define DL_SHM_H

#include <stdbool.h>
#include <sys/types.h>

/**
 * dl_shm_clone() - a detached copy of the /dev/shm mount of the process
 * @pid (a container's init) as its mount namespace has it: open_tree(2)
 * OPEN_TREE_CLONE, from a child that enters that namespace (no bind from
 * the host reaches a mount of another namespace).  The copy shows the
 * same tmpfs: what one container writes there the other sees.
 * @pid: the process, as we see it
 * @fd: receives the mount's descriptor (O_CLOEXEC), for move_mount(2)
 * @reason: receives the failure text
 * Requires: root (CAP_SYS_ADMIN and CAP_SYS_CHROOT, for setns(2)).
 * Return: 0 or DL_EXIT_FAIL.
 */
extern int dl_shm_clone(pid_t pid, int *fd, char **reason);

/* Docker's words for a donor that keeps its IPC to itself. */
#define DL_SHM_PRIVATE "non-shareable IPC (hint: use IpcMode:shareable " \
		       "for the donor container)"

/**
 * dl_shm_shareable() - whether container @id may be joined with --ipc
 * container:ID, as Docker's: its IPC mode (annotation org.dockerlite.ipc)
 * is shareable, host or container:OTHER; private, dl's default, is not
 * @id: the full container ID
 * Return: true when it may; false too when its spec cannot be read.
 */
extern bool dl_shm_shareable(const char *id);

#endif
