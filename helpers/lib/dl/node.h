/* SPDX-License-Identifier: Apache-2.0 */
/* node.h: the owner and mode of one node being written (an extracted
 * entry, a copied file), set without following it */
#ifndef DL_NODE_H
#define DL_NODE_H

#include <stddef.h>
#include <sys/types.h>

/* The @perm of dl_node_own_at() for a symlink, whose mode cannot be set. */
#define DL_NODE_LINK ((mode_t)-1)

/**
 * dl_node_own_fd() - set the owner, then the mode, of an open node
 * (chown(2) first: it clears setuid and setgid); an owner or a mode it
 * already has is not set again (the node is one being made: it has no
 * setuid bit nor capability that a chown would clear)
 * @fd: the node
 * @uid: the owner
 * @gid: the group
 * @perm: the permission bits (07777)
 * @verb: on failure, receives the step that failed: "stat", "chown" or
 *        "chmod"
 *
 * Needs root (CAP_CHOWN) to give the node another owner.
 *
 * Return: 0, or -1 with errno set.
 */
extern int dl_node_own_fd(int fd, uid_t uid, gid_t gid, mode_t perm,
			  const char **verb);

/**
 * dl_node_own_at() - the same for the node @name in @dirfd, never
 * following it and never opening a device: the mode is set through an
 * O_PATH descriptor of the node (/proc/self/fd/N; fchmodat(2) without
 * /proc)
 * @dirfd: the directory holding it
 * @name: its name there
 * @uid: the owner
 * @gid: the group
 * @perm: the permission bits, or DL_NODE_LINK for a symlink (owner only)
 * @verb: on failure, receives the step that failed: "chown", "open" or
 *        "chmod"
 *
 * Needs root (CAP_CHOWN) to give the node another owner.
 *
 * Return: 0, or -1 with errno set; ELOOP (@verb "chmod") when @name, not
 * given as a symlink, is one: it was replaced meanwhile.
 */
extern int dl_node_own_at(int dirfd, const char *name, uid_t uid, gid_t gid,
			  mode_t perm, const char **verb);

/**
 * dl_node_proc_path() - "/proc/self/fd/DIRFD/NAME": a name for @name in
 * @dirfd, for the calls with no *at() form (lsetxattr(2), llistxattr(2))
 * @buf: receives the path
 * @n: the size of @buf
 * @dirfd: the directory
 * @name: the name in it
 *
 * Return: 0, or -1 when @buf is too small.
 */
extern int dl_node_proc_path(char *buf, size_t n, int dirfd,
			     const char *name);

#endif
