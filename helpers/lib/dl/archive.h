/* SPDX-License-Identifier: Apache-2.0 */
/* archive.h: the one hardened extraction routine all archive input
 * passes through (libarchive) */
#ifndef DL_ARCHIVE_H
#define DL_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

/* What an extraction or a copy wrote. */
struct dl_tree_stats {
	uint64_t bytes;   /* bytes of regular file data */
	uint64_t entries; /* files, directories, links and nodes made */
};

/* The default limits of an extraction (struct dl_extract_opts). */
#define DL_EXTRACT_MAX_ENTRIES (UINT64_C(1) << 22) /* headers read */
#define DL_EXTRACT_MAX_HEADER (UINT64_C(1) << 20)  /* name, link, xattrs */
#define DL_EXTRACT_MAX_DEPTH 256                    /* name components */

/* Flags of struct dl_extract_opts. */
enum {
	/* An OCI layer applied over the tree already in the destination:
	 * a whiteout ".wh.NAME" removes NAME, an opaque marker
	 * ".wh..wh..opq" empties its directory of what lower layers put
	 * there (wherever it stands among its siblings), and neither is
	 * ever written.  Entries of this layer are never removed by its
	 * own whiteouts. */
	DL_EXTRACT_LAYER = 1u << 0,
};

/*
 * How to extract.  A limit of 0 is its default; max_bytes's default is
 * the free space of the destination's file system when the extraction
 * starts, so that an archive too big for it (a decompression bomb) is
 * refused before its data is written: a regular file is refused by the
 * size its header gives, a sparse one as its data comes.  What follows
 * the end-of-archive marker counts against it too.
 */
struct dl_extract_opts {
	unsigned flags;       /* DL_EXTRACT_* */
	uint64_t max_entries; /* entries in the archive */
	uint64_t max_header;  /* bytes of one entry's name, link and xattrs */
	uint64_t max_bytes;   /* bytes of regular file data in all */
	unsigned max_depth;   /* components of one entry's name */
	/* Given every byte of the decompressed stream, from its first to
	 * its very last (after the end-of-archive marker too), in order:
	 * for a digest of the uncompressed layer.  May be NULL. */
	void (*tap)(void *arg, const void *buf, size_t len);
	void *tap_arg;
};

/* getopt_long() values of the limit options shared by the extracting
 * helpers: DL_EXTRACT_LONGOPTS in the table, dl_extract_opt() in the
 * switch, DL_EXTRACT_HELP in the help. */
enum {
	DL_EXTRACT_OPT_SIZE = 0x100,
	DL_EXTRACT_OPT_ENTRIES,
	DL_EXTRACT_OPT_HEADER,
	DL_EXTRACT_OPT_DEPTH,
};

#define DL_EXTRACT_LONGOPTS                                                    \
	{ "max-size", required_argument, NULL, DL_EXTRACT_OPT_SIZE },          \
	{ "max-entries", required_argument, NULL, DL_EXTRACT_OPT_ENTRIES },    \
	{ "max-header", required_argument, NULL, DL_EXTRACT_OPT_HEADER },      \
	{ "max-depth", required_argument, NULL, DL_EXTRACT_OPT_DEPTH }

#define DL_EXTRACT_HELP                                                        \
	"  --max-size=BYTES     file data in all (the destination's free "    \
	"space)\n"                                                             \
	"  --max-entries=N      entries (4194304)\n"                           \
	"  --max-header=BYTES   one entry's name, link and xattrs (1m)\n"      \
	"  --max-depth=N        components of one entry's name (256)\n"

/**
 * dl_extract_open() - open what an extracting helper is given
 * @src: the archive, or "-" for stdin
 * @dir: the destination directory
 * @in: receives the archive's descriptor
 * @dest: receives the directory's (O_DIRECTORY)
 * @which: on failure, receives @src or @dir, whichever failed
 * Return: 0, or -1 with errno set.
 */
extern int dl_extract_open(const char *src, const char *dir, int *in,
			   int *dest, const char **which);

/**
 * dl_extract_opt() - take the value of a limit option
 * @o: the options to set
 * @opt: a DL_EXTRACT_OPT_* value
 * @arg: its argument: a count, or for sizes a dl_parse_bytes() size
 * Return: 0, or -1 if @arg is not a positive value.
 */
extern int dl_extract_opt(struct dl_extract_opts *o, int opt, const char *arg);

/**
 * dl_extract() - extract a tar stream into a directory
 * @fd: the stream (plain tar, gzip, xz, zstd or bzip2, told by content)
 * @destfd: an O_DIRECTORY descriptor of the destination root
 * @o: the flags, limits and tap; NULL for the defaults
 * @st: receives what was written, may be NULL
 * @reason: on failure, receives a malloc'd text naming the entry and why
 *
 * Refuses any entry that would escape the root: ".." components, absolute
 * names, a path through a symlink out of the root, a hard link to
 * outside, the root as anything but a directory.  Keeps owners, modes
 * (setuid/setgid/sticky), mtimes, xattrs (security.capability too; never
 * trusted.*, which only the host's own services may set), symlinks, hard
 * links, fifos and device nodes.  Refuses an archive over a limit.  Needs
 * root for owners and device nodes.
 *
 * Return: 0; DL_EXIT_REJECT when the archive is unsafe, malformed or over
 * a limit; DL_EXIT_FAIL on a system error.  On failure the caller owns
 * cleanup of @destfd (it may hold part of the tree).
 */
extern int dl_extract(int fd, int destfd, const struct dl_extract_opts *o,
		      struct dl_tree_stats *st, char **reason);

/**
 * dl_extract_fd() - dl_extract() with the default options
 * @fd: the stream
 * @destfd: the destination root
 * @st: receives what was written, may be NULL
 * @reason: on failure, receives a malloc'd text naming the entry and why
 * Return: as dl_extract().
 */
extern int dl_extract_fd(int fd, int destfd, struct dl_tree_stats *st,
			 char **reason);

#endif
