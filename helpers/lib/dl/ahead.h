/* SPDX-License-Identifier: Apache-2.0 */
/* ahead.h: a layer applied while its bytes arrive, before the image that
 * has it is known: a layer chain made ahead in tmp/ for dl-image-unpack */
#ifndef DL_AHEAD_H
#define DL_AHEAD_H

#include <stdbool.h>
#include <stddef.h>

#include "dl/digest.h"

/*
 * A docker-archive or OCI archive gives its layers before the manifest
 * and config that say what they are.  A reader that stores a layer can
 * hand its bytes to dl_ahead_write() too: a thread of its own applies them
 * with dl_extract() (DL_EXTRACT_LAYER, the default limits) onto a new
 * subvolume, empty or a snapshot of the chain made ahead before it, while
 * the reader goes on.  At the end, its diff_id and chain ID known, the
 * work entry is renamed to tmp/ID (ID: the chain ID's hex) with a file
 * "ahead" naming the chain ID, written last: the same entry dl-image-unpack
 * makes for that chain, with the layer already applied.  Once the reader
 * lets it go (dl_ahead_release()) the entry has no owner: the unpacker
 * claims it (dl_ahead_claim()), and a sweep may remove it as dead work,
 * which costs only the time of applying the layer again.
 *
 * Nothing here ever fails the reader's own job: a layer that cannot be
 * applied (unsafe, malformed, not a layer at all) only means no chain made
 * ahead, and the unpacker applies it from its blob, refusing it then with
 * its own words.  The chain ID is computed from the bytes applied, so a
 * chain made ahead is used only for exactly the layers it holds.
 *
 * The int functions return 0, or a DL_EXIT_* code with @reason set to a
 * malloc'd text.  All need root (subvolumes, owners, device nodes).
 */

/* A layer being applied ahead; opaque. */
struct dl_ahead;

/**
 * dl_chain_id() - the chain ID of a layer over its parent chain
 * @parent: the parent's chain ID, or NULL for a base layer
 * @diff_id: the layer's diff_id
 * @out: receives sha256(PARENT + " " + DIFF_ID), or DIFF_ID for a base
 */
extern void dl_chain_id(const char *parent, const char *diff_id,
			char out[DL_DIGEST_LEN + 1]);

/**
 * dl_ahead_begin() - start applying a layer in a new work entry of tmp/
 * @parent: the chain it goes onto (its chain ID), or NULL for a base
 *          layer
 * @parent_root: that chain's root (a snapshot of it is the new root), or
 *               NULL for a base layer
 * @plain: the layer is an uncompressed tar (told by its ustar magic): its
 *         diff_id is its blob's digest, given to dl_ahead_finish(), and it
 *         is not hashed here
 * @out: receives the layer being applied
 * @reason: receives the failure text
 * Return: 0, or DL_EXIT_FAIL (nothing is left).
 */
extern int dl_ahead_begin(const char *parent, const char *parent_root,
			  bool plain, struct dl_ahead **out, char **reason);

/**
 * dl_ahead_write() - give the applier the next @len bytes of the layer
 * @a: the layer being applied
 * @buf: the bytes
 * @len: how many
 *
 * Blocks while the applier is behind by more than a socket buffer.  Once
 * the applier stopped (it refused the layer), the bytes are dropped.
 */
extern void dl_ahead_write(struct dl_ahead *a, const void *buf, size_t len);

/**
 * dl_ahead_finish() - end the layer, wait for the applier, and make the
 * entry the chain's: tmp/ID, with its "ahead" file
 * @a: the layer being applied; still held (release or drop it after)
 * @diff_id: the layer's diff_id when begun @plain (its blob's digest),
 *           else NULL
 * @chain: receives the chain ID
 * @reason: receives the failure text
 * Return: 0; DL_EXIT_REJECT when the layer could not be applied;
 * DL_EXIT_CONFLICT when tmp/ID exists (another process makes that chain);
 * DL_EXIT_FAIL.  On failure, drop it.
 */
extern int dl_ahead_finish(struct dl_ahead *a, const char *diff_id,
			   char chain[DL_DIGEST_LEN + 1], char **reason);

/**
 * dl_ahead_root() - the root of a finished chain made ahead
 * @a: the layer
 * Return: the path of its rootfs, owned by @a.
 */
extern const char *dl_ahead_root(const struct dl_ahead *a);

/**
 * dl_ahead_release() - let a finished chain go, its entry left in tmp/
 * for the unpacker
 * @a: the layer, or NULL; freed
 */
extern void dl_ahead_release(struct dl_ahead *a);

/**
 * dl_ahead_drop() - stop the applier if it runs, and remove the entry
 * @a: the layer, or NULL; freed
 */
extern void dl_ahead_drop(struct dl_ahead *a);

/**
 * dl_ahead_claim() - take the chain made ahead for @chain, when there is
 * one nobody holds
 * @chain: the chain ID
 * @lock: receives the locked entry tmp/ID (O_CLOEXEC), or -1
 * @reason: receives the failure text
 * Return: 0 when tmp/ID is a chain made ahead for @chain, its layer
 * applied on a writable subvolume tmp/ID/rootfs; DL_EXIT_NO when there is
 * none (an entry of another kind is left alone, still locked by nobody);
 * DL_EXIT_CONFLICT when a live process holds it.
 */
extern int dl_ahead_claim(const char *chain, int *lock, char **reason);

#endif
