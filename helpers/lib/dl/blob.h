/* SPDX-License-Identifier: Apache-2.0 */
/* blob.h: the content store $DL_ROOT/blobs/sha256/HEX: verified content
 * only, written under tmp/ and renamed in */
#ifndef DL_BLOB_H
#define DL_BLOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dl/digest.h"

/*
 * A blob is the content whose sha256 is its name.  It is written to a file
 * in a locked entry of tmp/ (dl-tmp.h: a writer that dies leaves it to the
 * sweep), its size checked as it streams (a blob longer than expected is
 * refused as soon as one byte too many comes, without reading the rest),
 * its digest checked at the end, then fsync'd and renamed to
 * blobs/sha256/HEX: blobs are the only copy of what was loaded.  A blob
 * already present is never written again.  Every digest is checked with
 * dl_digest_valid() before a path is made of it.
 *
 * The int functions return 0, or a DL_EXIT_* code with @reason set to a
 * malloc'd text without the blob's name (the caller says "unable to VERB
 * 'DIGEST': REASON").  Writing needs write access to the store (root).
 */

/* A blob being written; opaque. */
struct dl_blob_writer;

/**
 * dl_blob_path() - the path of a blob in the store
 * @digest: a digest dl_digest_valid() accepts (checked by the caller)
 * Return: a malloc'd path, $DL_ROOT/blobs/sha256/HEX.
 */
extern char *dl_blob_path(const char *digest);

/**
 * dl_blob_stat() - whether a blob is in the store, and its size
 * @digest: the digest
 * @size: receives its size, may be NULL
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_USAGE when @digest is not valid, DL_EXIT_NO when the
 * blob is absent, or DL_EXIT_FAIL.
 */
extern int dl_blob_stat(const char *digest, uint64_t *size, char **reason);

/**
 * dl_blob_begin() - start writing a blob
 * @digest: the digest it must have, or NULL to learn it at the end
 * @size: the size it must have, or -1 when unknown
 * @out: receives the writer; NULL when the blob is already present (and
 *       of @size, when given): there is nothing to write
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_USAGE when @digest is not valid, DL_EXIT_REJECT when
 * the blob is present with another size than @size, or DL_EXIT_FAIL.
 */
extern int dl_blob_begin(const char *digest, int64_t size,
			 struct dl_blob_writer **out, char **reason);

/**
 * dl_blob_write() - write @len more bytes of the blob
 * @w: the writer
 * @buf: the bytes
 * @len: how many
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_REJECT when the blob gets longer than its size, or
 * DL_EXIT_FAIL.  On failure the caller still calls dl_blob_abort().
 */
extern int dl_blob_write(struct dl_blob_writer *w, const void *buf,
			 size_t len, char **reason);

/**
 * dl_blob_bytes() - how many bytes @w was given so far
 * @w: the writer
 * Return: the count.
 */
extern uint64_t dl_blob_bytes(const struct dl_blob_writer *w);

/**
 * dl_blob_commit() - check the blob's size and digest, fsync it and rename
 * it in; the writer is freed, whatever the result
 * @w: the writer
 * @out: receives the digest, may be NULL
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_REJECT when the size or digest is not the expected
 * one (nothing is left behind), or DL_EXIT_FAIL.
 */
extern int dl_blob_commit(struct dl_blob_writer *w,
			  char out[DL_DIGEST_LEN + 1], char **reason);

/**
 * dl_blob_abort() - drop a blob being written: its tmp/ entry goes
 * @w: the writer, or NULL
 */
extern void dl_blob_abort(struct dl_blob_writer *w);

/**
 * dl_blob_resume() - start writing a blob that a writer before may have
 * begun: in the entry tmp/HEX.part, which dl_blob_keep() (or the death of
 * its writer) leaves in tmp/ for the next writer of that blob to continue
 * (until a sweep takes it).  The bytes found there are hashed again and
 * kept, unless there are more than @size: then it starts from nothing.
 * When another process holds the entry, a fresh one is used instead, as
 * dl_blob_begin() does.
 * @digest: the digest it must have
 * @size: the size it must have, or -1 when unknown
 * @out: receives the writer, or NULL when the blob is present
 * @reason: receives the failure text
 * Return: as dl_blob_begin(); dl_blob_bytes() tells how many bytes the
 * writer already holds.
 */
extern int dl_blob_resume(const char *digest, int64_t size,
			  struct dl_blob_writer **out, char **reason);

/**
 * dl_blob_rewind() - drop what a writer holds, to write it from the start
 * @w: the writer
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_FAIL.
 */
extern int dl_blob_rewind(struct dl_blob_writer *w, char **reason);

/**
 * dl_blob_keep() - stop writing a blob, leaving what a writer of
 * dl_blob_resume() holds for the next one to continue (any other writer's
 * entry goes, as with dl_blob_abort()); it is never published
 * @w: the writer, or NULL
 */
extern void dl_blob_keep(struct dl_blob_writer *w);

/**
 * dl_blob_put_fd() - store the blob read from @fd
 * @fd: the content
 * @digest: the digest it must have, or NULL
 * @size: the size it must have, or -1: then at most @size + 1 bytes are
 *        read
 * @out: receives the digest, may be NULL
 * @stored: receives whether it was written (false: it was present and
 *          @fd was not read), may be NULL
 * @reason: receives the failure text
 * Return: as dl_blob_begin() and dl_blob_commit().
 */
extern int dl_blob_put_fd(int fd, const char *digest, int64_t size,
			  char out[DL_DIGEST_LEN + 1], bool *stored,
			  char **reason);

/**
 * dl_blob_open() - open a blob of the store for reading
 * @digest: the digest
 * @fd: receives the O_RDONLY|O_CLOEXEC descriptor, or -1
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_USAGE when @digest is not valid, DL_EXIT_NO when the
 * blob is absent, or DL_EXIT_FAIL.
 */
extern int dl_blob_open(const char *digest, int *fd, char **reason);

/**
 * dl_blob_read() - read a whole small blob into memory
 * @digest: the digest
 * @max: the largest size accepted
 * @buf: receives the malloc'd bytes, NUL-terminated
 * @len: receives their count
 * @reason: receives the failure text
 * Return: as dl_blob_open(), or DL_EXIT_REJECT when it is larger than
 * @max.
 */
extern int dl_blob_read(const char *digest, size_t max, char **buf,
			size_t *len, char **reason);

#endif
