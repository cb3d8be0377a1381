/* SPDX-License-Identifier: Apache-2.0 */
/* dl-btrfs.h: subvolumes via libbtrfsutil */
#ifndef DL_BTRFS_H
#define DL_BTRFS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Every function here returns 0, or a DL_EXIT_* code with @reason set to a
 * malloc'd text (btrfs_util_strerror() and errno).  All need root, except
 * dl_subvol_is() and creating or deleting subvolumes the caller owns where
 * the filesystem allows it (user_subvol_rm_allowed).
 */

/**
 * dl_subvol_create() - create an empty subvolume at @path
 * @path: the new subvolume (its parent must exist)
 * @reason: receives the failure text
 * Return: 0 or a DL_EXIT_* code.
 */
extern int dl_subvol_create(const char *path, char **reason);

/**
 * dl_subvol_snapshot() - snapshot subvolume @src at @dst
 * @src: an existing subvolume
 * @dst: the new snapshot (must not exist)
 * @readonly: make the snapshot read-only
 * @reason: receives the failure text
 * Return: 0 or a DL_EXIT_* code.
 */
extern int dl_subvol_snapshot(const char *src, const char *dst, bool readonly,
			      char **reason);

/**
 * dl_subvol_set_ro() - set or clear the read-only flag of a subvolume
 * @path: the subvolume
 * @ro: the new value
 * @reason: receives the failure text
 * Return: 0 or a DL_EXIT_* code.
 */
extern int dl_subvol_set_ro(const char *path, bool ro, char **reason);

/**
 * dl_subvol_delete() - delete a subvolume and every subvolume nested in it
 * (a container can create nested subvolumes), clearing read-only flags
 * @path: the subvolume
 * @reason: receives the failure text
 * Return: 0 or a DL_EXIT_* code.
 */
extern int dl_subvol_delete(const char *path, char **reason);

/**
 * dl_subvol_is() - tell whether @path is a subvolume
 * @path: the path
 * Return: 1 yes, 0 no (or not btrfs), -1 with errno set on error.
 */
extern int dl_subvol_is(const char *path);

/**
 * dl_clone() - make a writable subvolume @dest from image roots, atomically
 * @dest: the new subvolume (must not exist)
 * @srcs: the image root subvolumes; @srcs[0] is snapshotted (O(1)), the
 *        files of each later one are laid over it with dl_copy_tree()
 *        (DL_COPY_MERGE, reflinks)
 * @nsrcs: how many, at least 1
 * @reason: receives the failure text
 *
 * Built beside @dest under a temporary name and renamed into place, so
 * @dest appears whole or not at all.
 *
 * Return: 0 or a DL_EXIT_* code.
 */
extern int dl_clone(const char *dest, const char *const *srcs, size_t nsrcs,
		    char **reason);

#endif
