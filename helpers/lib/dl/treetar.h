/* SPDX-License-Identifier: Apache-2.0 */
/* treetar.h: one file or tree, as a tar stream (dl cp CONTAINER:PATH -) */
#ifndef DL_TREETAR_H
#define DL_TREETAR_H

/**
 * dl_tree_tar() - write @name of directory @dirfd, and all beneath it when
 * a directory, as a plain tar to @outfd: members named NAME/..., numeric
 * owners, modes, mtimes and xattrs kept, no symlink followed (tarwrite.h)
 * @dirfd: the directory holding it (any descriptor of it, O_PATH too)
 * @name: its name there, one component
 * @outfd: where the tar goes
 * @reason: receives the failure text
 * Requires: the right to read every file (root, for a container's).
 * Return: 0, DL_EXIT_NO when @name does not exist, or DL_EXIT_FAIL (part of
 * the tar may have been written).
 */
extern int dl_tree_tar(int dirfd, const char *name, int outfd, char **reason);

#endif
