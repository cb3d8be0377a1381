/* SPDX-License-Identifier: Apache-2.0 */
/* sumcache.h: the digest of COPY sources (the content part of a build
 * step's cache key), with a cache of file digests kept by inode, as git's
 * index does */
#ifndef DL_SUMCACHE_H
#define DL_SUMCACHE_H

#include "dl/dfcontext.h"
#include "dl/digest.h"

/* The digests of files already read, by (dev, ino, size, mtime, ctime);
 * opaque. */
struct dl_sumcache;

/**
 * dl_sumcache_load() - read the cache file @path (missing: empty)
 * @path: the file, or NULL for no cache
 * Return: the cache (never NULL).
 */
extern struct dl_sumcache *dl_sumcache_load(const char *path);

/**
 * dl_sumcache_save() - write the cache back when it changed (temp file,
 * rename), then free it
 * @c: the cache
 * Return: 0, or -1 with errno set.
 */
extern int dl_sumcache_save(struct dl_sumcache *c);

/**
 * dl_ctx_sum() - the digest of COPY sources: each entry's path (from its
 * source), type, mode, owner, size and content (a symlink's target), in
 * walk order; what @ig excludes is not part of it
 * @ctxfd: the context
 * @paths: the sources, relative to @ctxfd (dl_ctx_glob())
 * @n: their count
 * @ig: excluded paths, or NULL
 * @c: the cache of file digests
 * @out: receives "sha256:HEX"
 * @reason: receives the failure text
 * Return: 0, or DL_EXIT_FAIL.
 */
extern int dl_ctx_sum(int ctxfd, char *const *paths, size_t n,
		      const struct dl_ignore *ig, struct dl_sumcache *c,
		      char out[DL_DIGEST_LEN + 1], char **reason);

#endif
