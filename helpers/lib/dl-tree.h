/* SPDX-License-Identifier: Apache-2.0 */
/* dl-tree.h: copy a directory tree with reflinks */
#ifndef DL_TREE_H
#define DL_TREE_H

#include "dl-archive.h"

/* Flags of dl_copy_tree(). */
enum {
	/* The destination may hold files already: an entry of the source
	 * replaces one of the same name (a file replaces a directory and
	 * the reverse), directories merge. */
	DL_COPY_MERGE = 1u << 0,
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

#endif
