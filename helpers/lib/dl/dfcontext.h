/* SPDX-License-Identifier: Apache-2.0 */
/* dfcontext.h: a build context: .dockerignore, COPY sources */
#ifndef DL_DFCONTEXT_H
#define DL_DFCONTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* The patterns of a .dockerignore; opaque. */
struct dl_ignore;

/**
 * dl_ignore_load() - read the .dockerignore (else .containerignore) of a
 * context: one pattern a line, '#' comments, '!' negations, '**' any
 * number of directories, the rest as Go's filepath.Match
 * @ctxfd: the context directory
 * @out: receives the patterns (none when there is no such file); free
 *       with dl_ignore_free()
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_REJECT (a pattern that cannot be compiled) or
 * DL_EXIT_FAIL (the file cannot be read).
 */
extern int dl_ignore_load(int ctxfd, struct dl_ignore **out, char **reason);

/**
 * dl_ignore_match() - tell whether a path of the context is excluded: the
 * last pattern that matches it or one of its parent directories decides
 * @ig: the patterns, or NULL (nothing excluded)
 * @rel: the path, relative to the context, cleaned
 */
extern bool dl_ignore_match(const struct dl_ignore *ig, const char *rel);

/**
 * dl_ignore_free() - free what dl_ignore_load() made (NULL is fine)
 * @ig: the patterns
 */
extern void dl_ignore_free(struct dl_ignore *ig);

/**
 * dl_ctx_glob() - the paths of a directory that a COPY source names
 * @ctxfd: the directory (a context, or a stage's root)
 * @pattern: the source: a path relative to it (a leading '/' is dropped)
 *           whose components may hold *, ? and [...]
 * @ig: excluded paths, or NULL
 * @paths: receives the matches, relative, sorted (free each and the array)
 * @n: receives their count
 * @reason: receives the failure text
 *
 * Never leads out of @ctxfd: ".." above it is refused, symlinks are not
 * followed.  Return: 0; DL_EXIT_NO when nothing matches (an excluded path
 * does not); DL_EXIT_REJECT a source outside; DL_EXIT_FAIL.
 */
extern int dl_ctx_glob(int ctxfd, const char *pattern,
		       const struct dl_ignore *ig, char ***paths, size_t *n,
		       char **reason);

/* What dl_ctx_walk() calls for each entry it visits (not excluded). */
struct dl_ctx_visit {
	/* @dirfd holds @name; @rel is the path from the walk's start; @st
	 * its lstat.  For a directory, leave() follows its entries.  A
	 * non-zero return stops the walk with that code. */
	int (*enter)(int dirfd, const char *name, const char *rel,
		     const struct stat *st, void *ctx, char **reason);
	int (*leave)(int dirfd, const char *name, const char *rel,
		     const struct stat *st, void *ctx, char **reason);
	void *ctx;
};

/**
 * dl_ctx_walk() - visit an entry of a context and, for a directory,
 * everything under it, in name order, what @ig excludes left out (but
 * entered when a later '!' pattern may take something back)
 * @dirfd: the directory holding @name
 * @name: the entry
 * @rel: its path from the context, for @ig
 * @ig: excluded paths, or NULL
 * @v: the callbacks
 * @reason: receives the failure text
 * Return: 0, or the first non-zero code of a callback or of the walk.
 */
extern int dl_ctx_walk(int dirfd, const char *name, const char *rel,
		       const struct dl_ignore *ig, const struct dl_ctx_visit *v,
		       char **reason);

#endif
