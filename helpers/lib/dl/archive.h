/* SPDX-License-Identifier: Apache-2.0 */
/* archive.h: the one hardened extraction routine all archive input
 * passes through (libarchive) */
#ifndef DL_ARCHIVE_H
#define DL_ARCHIVE_H

#include <stdint.h>

/* What an extraction or a copy wrote. */
struct dl_tree_stats {
	uint64_t bytes;   /* bytes of regular file data */
	uint64_t entries; /* files, directories, links and nodes made */
};

/**
 * dl_extract_fd() - extract a tar stream into a directory
 * @fd: the stream (plain tar, gzip, xz, zstd or bzip2, told by content)
 * @destfd: an O_DIRECTORY descriptor of the destination root
 * @st: receives what was written, may be NULL
 * @reason: on failure, receives a malloc'd text naming the entry and why
 *
 * Refuses any entry that would escape the root: ".." components, absolute
 * names, a path through a symlink, a hard link to outside.  Keeps owners,
 * modes (setuid/setgid/sticky), mtimes, xattrs (security.capability too),
 * symlinks, hard links, fifos and device nodes.  Needs root for owners and
 * device nodes.
 *
 * Return: 0; DL_EXIT_REJECT when the archive is unsafe or malformed;
 * DL_EXIT_FAIL on a system error.  On failure the caller owns cleanup of
 * @destfd (it may hold part of the tree).
 */
extern int dl_extract_fd(int fd, int destfd, struct dl_tree_stats *st,
			 char **reason);

#endif
