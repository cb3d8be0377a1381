/* SPDX-License-Identifier: Apache-2.0 */
/* btrfs.h: subvolumes via libbtrfsutil */
#ifndef DL_BTRFS_H
#define DL_BTRFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
 * dl_subvol_get_ro() - read the read-only flag of a subvolume
 * @path: the subvolume
 * @ro: receives the flag
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_NO when @path is missing or not a subvolume, or
 * DL_EXIT_FAIL.
 */
extern int dl_subvol_get_ro(const char *path, bool *ro, char **reason);

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

/* Flags of dl_clone_flags(). */
#define DL_CLONE_NOSYNC 0x1U /* no fsync(2) of the new name's directory */

/**
 * dl_clone_flags() - dl_clone() with @flags
 * @dest: as dl_clone()
 * @srcs: as dl_clone()
 * @nsrcs: as dl_clone()
 * @flags: 0, or DL_CLONE_NOSYNC for a @dest under tmp/ that a rename
 *         publishes later (a container: a snapshot away from being made
 *         again, so the name needs no fsync; the files laid over the
 *         first source are still committed before the rename)
 * @reason: receives the failure text
 * Return: as dl_clone().
 */
extern int dl_clone_flags(const char *dest, const char *const *srcs,
			  size_t nsrcs, unsigned flags, char **reason);

/* A subvolume nested directly in another. */
struct dl_subvol_child {
	uint64_t id;	/* its subvolume ID */
	uint64_t dir;	/* the inode of the directory holding it, in the parent */
	char *name;	/* its name in that directory */
};

/**
 * dl_subvol_children() - the subvolumes nested directly in subvolume @fd,
 * by ID (deeper ones are not listed)
 * @fd: a descriptor of the parent subvolume's root
 * @out: receives the malloc'd array (free with dl_subvol_children_free())
 * @n: receives its length
 * @reason: receives the failure text
 *
 * A child is named by its directory's inode and its name there, never by a
 * path: a path inside a live container can be swapped under us.  Needs
 * root.
 *
 * Return: 0 or a DL_EXIT_* code.
 */
extern int dl_subvol_children(int fd, struct dl_subvol_child **out, size_t *n,
			      char **reason);

/**
 * dl_subvol_children_free() - free what dl_subvol_children() made
 * @v: the array, or NULL
 * @n: its length
 */
extern void dl_subvol_children_free(struct dl_subvol_child *v, size_t n);

/**
 * dl_subvol_open_dir() - open the directory of inode number @ino of
 * subvolume @fd
 * @fd: a descriptor of the subvolume's root
 * @ino: the directory's inode number (256: the root itself)
 * @dirfd: receives the O_RDONLY|O_DIRECTORY|O_CLOEXEC descriptor
 * @reason: receives the failure text
 *
 * The path the kernel gives for @ino (BTRFS_IOC_INO_LOOKUP) is opened
 * beneath @fd with no symlink, magic link or mount point followed, and
 * what was opened is checked to be @ino of that subvolume: a rename or a
 * symlink put in place meanwhile makes it fail, never lead elsewhere.
 * Needs root.
 *
 * Return: 0, DL_EXIT_CONFLICT when the directory moved while being opened
 * (try again), DL_EXIT_NO when there is no such inode, or DL_EXIT_FAIL.
 */
extern int dl_subvol_open_dir(int fd, uint64_t ino, int *dirfd,
			      char **reason);

#endif
