/* SPDX-License-Identifier: Apache-2.0 */
/* senddiff.h: the members of the layer between two read-only snapshots,
 * from what btrfs send knows (libbtrfs parses the stream), or of a whole
 * tree */
#ifndef DL_SENDDIFF_H
#define DL_SENDDIFF_H

#include "dl/tarwrite.h"

/**
 * dl_senddiff() - the members of the OCI layer that makes the tree of
 * @parentfd into the tree of @childfd
 * @parentfd: a descriptor of the root of a read-only subvolume
 * @childfd: a descriptor of the root of a read-only subvolume of the same
 *           filesystem (a snapshot of the parent, changed, for the cost
 *           to be that of the change)
 * @out: receives the members (DL_TAR_ENTRY paths are in the child)
 * @reason: receives the failure text
 *
 * BTRFS_IOC_SEND with @parentfd as parent and no file data names every
 * path that changed; each is then decided by what it is in the two trees:
 * there in the child, an entry (a directory that is not the parent's
 * directory of that name, by inode and birth time, with its whole
 * subtree, and an opaque marker when the parent had another directory
 * there); only in the parent, a whiteout (none below a path that is
 * already whited out or replaced); in neither (btrfs's temporary orphan
 * names "oINO-GEN-SEQ"), nothing.  The directories above every member are
 * members too, and so is every other name of a file with several links.
 * No part of the trees that did not change is read.
 *
 * Needs root (CAP_SYS_ADMIN for the send and inode ioctls).
 *
 * Return: 0, DL_EXIT_REJECT when a subvolume is not read-only or they
 * are on different filesystems, or DL_EXIT_FAIL.
 */
extern int dl_senddiff(int parentfd, int childfd, struct dl_tar_list *out,
		       char **reason);

/**
 * dl_senddiff_tree() - every object below @rootfd as members: the layer
 * of a tree with no parent (a walk of the whole tree)
 * @rootfd: a descriptor of the root of the tree (any directory)
 * @out: receives the members
 * @reason: receives the failure text
 *
 * No symlink is followed; nested subvolumes are entered like directories.
 *
 * Return: 0, or DL_EXIT_FAIL.
 */
extern int dl_senddiff_tree(int rootfd, struct dl_tar_list *out,
			    char **reason);

#endif
