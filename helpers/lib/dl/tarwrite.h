/* SPDX-License-Identifier: Apache-2.0 */
/* tarwrite.h: the one reproducible tar writer (libarchive, pax): an OCI
 * layer, or a whole tree, compressed or not, with its digests */
#ifndef DL_TARWRITE_H
#define DL_TARWRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dl/digest.h"

/*
 * The same list and the same tree always give the same bytes: members
 * sorted by name (byte order, component by component, so a directory comes
 * right before its contents), numeric owners only (no user or group
 * names), no atime nor ctime, mtimes in whole seconds and clamped to the
 * epoch when one is given, xattrs sorted by name, fixed compression
 * headers and levels.
 */

/* How a path of the list becomes a member. */
enum dl_tar_kind {
	DL_TAR_ENTRY,	 /* the object at the path in the tree */
	DL_TAR_WHITEOUT, /* DIR/.wh.NAME: the path was deleted */
	DL_TAR_OPAQUE,	 /* PATH/.wh..wh..opq: the lower PATH's contents go */
};

struct dl_tar_item {
	char *path; /* relative: "a/b", no "./", no "..", no trailing '/' */
	enum dl_tar_kind kind;
};

/* The members of a layer, in any order, maybe with repeats. */
struct dl_tar_list {
	struct dl_tar_item *v;
	size_t n, cap;
};

/**
 * dl_tar_list_add() - append a member to @l
 * @l: the list (zeroed to start)
 * @path: its path, copied
 * @kind: what it is
 */
extern void dl_tar_list_add(struct dl_tar_list *l, const char *path,
			    enum dl_tar_kind kind);

/**
 * dl_tar_list_free() - free the paths and the array of @l, leave it empty
 * @l: the list
 */
extern void dl_tar_list_free(struct dl_tar_list *l);

/**
 * dl_tar_path_cmp() - the order of members: byte order component by
 * component ('/' sorts before every other byte)
 * @a: a path
 * @b: another
 * Return: < 0, 0 or > 0, as strcmp(3).
 */
extern int dl_tar_path_cmp(const char *a, const char *b);

/* Compressions of the output. */
enum dl_compress {
	DL_COMPRESS_NONE,
	DL_COMPRESS_GZIP, /* zlib level 6, no name, mtime 0, OS byte 255 */
	DL_COMPRESS_ZSTD, /* libzstd level 3, one thread, with a checksum */
};

/**
 * dl_compress_parse() - "none", "gzip" or "zstd"
 * @s: the name
 * @c: receives the compression
 * Return: 0, or -1 when @s names none.
 */
extern int dl_compress_parse(const char *s, enum dl_compress *c);

/**
 * dl_compress_media_type() - the OCI media type of a layer so compressed
 * @c: the compression
 * Return: "application/vnd.oci.image.layer.v1.tar" and "+gzip" or "+zstd".
 */
extern const char *dl_compress_media_type(enum dl_compress c);

struct dl_tar_opts {
	enum dl_compress compress;
	bool clamp;	/* clamp mtimes to @epoch (SOURCE_DATE_EPOCH) */
	int64_t epoch;
};

/* What was written: the layer's descriptor. */
struct dl_tar_desc {
	char diff_id[DL_DIGEST_LEN + 1]; /* sha256 of the uncompressed tar */
	char digest[DL_DIGEST_LEN + 1];	 /* sha256 of the bytes written */
	uint64_t size;			 /* how many bytes were written */
};

/**
 * dl_tar_write() - write the members of @l, taken from the tree @rootfd,
 * as a tar to @outfd
 * @rootfd: an O_DIRECTORY descriptor of the tree's root
 * @l: the members; sorted and rid of repeats here
 * @o: compression and clamping
 * @outfd: where the (compressed) tar goes, from its current offset
 * @d: receives the digests and size
 * @reason: receives the failure text, naming the path
 *
 * An entry is looked up beneath @rootfd with no symlink followed; one
 * that is no longer there (a tree being changed while it is read) is left
 * out, and so is a socket, which tar cannot hold.  Hard links: the first
 * name of an inode (in member order) holds the data and later names are
 * hard link members to it.  Regular files are written whole (holes as
 * zeros).  Whiteouts and opaque markers are empty regular files of mode 0
 * owned by 0:0, with the mtime of their directory (clamped).  With a
 * compression, the tar is made and compressed in two threads.
 *
 * Reads every file of @l: needs the right to (root, for a store).
 *
 * Return: 0, DL_EXIT_REJECT when an entry's path is invalid, or
 * DL_EXIT_FAIL; on failure part of the output may have been written.
 */
extern int dl_tar_write(int rootfd, struct dl_tar_list *l,
			const struct dl_tar_opts *o, int outfd,
			struct dl_tar_desc *d, char **reason);

#endif
