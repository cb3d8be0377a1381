/* SPDX-License-Identifier: Apache-2.0 */
/* tree.h: copy a directory tree with reflinks */
#ifndef DL_TREE_H
#define DL_TREE_H

#include <sys/types.h>

#include "dl/archive.h"

/* Flags of dl_copy_tree(). */
enum {
	/* The destination may hold files already: an entry of the source
	 * replaces one of the same name (a file replaces a directory and
	 * the reverse), directories merge. */
	DL_COPY_MERGE = 1u << 0,
	/* Everything made is owned by the uid and gid of struct
	 * dl_copy_opts, not by the source's owners (file capabilities and
	 * setuid bits are kept all the same). */
	DL_COPY_CHOWN = 1u << 1,
};

/* How to copy: DL_COPY_* flags, and the owner for DL_COPY_CHOWN. */
struct dl_copy_opts {
	unsigned flags;
	uid_t uid;
	gid_t gid;
};

/**
 * dl_copy_tree() - copy the contents of one directory into another
 * @srcfd: an O_DIRECTORY descriptor of the source
 * @destfd: an O_DIRECTORY descriptor of the destination (empty unless
 *          DL_COPY_MERGE)
 * @flags: DL_COPY_* flags
 * @st: receives what was written, may be NULL
 * @reason: on failure, receives a malloc'd text naming the path and why
 *
 * Regular files are cloned with FICLONE (no data copied on the same
 * btrfs), falling back to copy_file_range(2) of the data segments only
 * (SEEK_DATA, SEEK_HOLE): holes stay holes.  Keeps owners, modes, mtimes,
 * xattrs, symlinks (never followed), hard links, fifos and device nodes.
 * Needs root for owners and device nodes.
 *
 * Return: 0, or DL_EXIT_FAIL with @reason set.
 */
extern int dl_copy_tree(int srcfd, int destfd, unsigned flags,
			struct dl_tree_stats *st, char **reason);

/**
 * dl_copy_tree_opts() - dl_copy_tree() with options
 * @srcfd: an O_DIRECTORY descriptor of the source
 * @destfd: an O_DIRECTORY descriptor of the destination
 * @o: the flags and the owner (DL_COPY_CHOWN)
 * @st: receives what was written, may be NULL
 * @reason: on failure, receives a malloc'd text naming the path and why
 * Return: 0, or DL_EXIT_FAIL with @reason set.
 */
extern int dl_copy_tree_opts(int srcfd, int destfd,
			     const struct dl_copy_opts *o,
			     struct dl_tree_stats *st, char **reason);

/**
 * dl_copy_at() - copy one entry of any type, never followed, as
 * dl_copy_tree() copies each: @sname in directory @sdir becomes @dname in
 * directory @ddir (which must not exist, unless DL_COPY_MERGE), its
 * metadata and every xattr included, whatever their size
 * @sdir: the directory holding the source (a container root's beneath it)
 * @sname: the source's name in @sdir, one component
 * @ddir: the directory to make it in
 * @dname: its name there, one component
 * @o: the flags and the owner
 * @reason: on failure, receives a malloc'd text
 * Return: 0, or DL_EXIT_FAIL with @reason set; what was made of @dname
 * may be left for the caller to remove.
 */
extern int dl_copy_at(int sdir, const char *sname, int ddir,
		      const char *dname, const struct dl_copy_opts *o,
		      char **reason);

/**
 * dl_copy_file_fd() - rewrite the open regular file @out as a copy of the
 * regular file @in: data (reflinked when it can), owner, mode, xattrs,
 * times
 * @in: a readable descriptor
 * @out: a writable descriptor
 * @o: the owner (DL_COPY_CHOWN); the other flags are ignored
 * @reason: on failure, receives a malloc'd text
 * Return: 0, or DL_EXIT_FAIL with @reason set.
 */
extern int dl_copy_file_fd(int in, int out, const struct dl_copy_opts *o,
			   char **reason);

#endif
