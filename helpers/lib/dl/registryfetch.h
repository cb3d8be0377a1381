/* SPDX-License-Identifier: Apache-2.0 */
/* registryfetch.h: blobs of a registry fetched into the content store,
 * several at once, each verified, layers applied as they arrive */
#ifndef DL_REGISTRYFETCH_H
#define DL_REGISTRYFETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "dl/ocidoc.h"
#include "dl/registry.h"

/* How many blobs are fetched at once. */
#define DL_REGISTRY_PARALLEL 4

/* One blob to fetch. */
struct dl_registry_blob {
	struct dl_oci_desc desc;
	long layer; /* its index among the image's layers, or -1 */
};

/* Where a blob's fetch stands, for a progress display. */
struct dl_registry_progress {
	const char *digest;
	uint64_t got, size;
	bool done;
};

/*
 * dl_registry_progress_fn - told every 200 ms, and when a blob is whole
 * @p: one entry a blob, in the order given
 * @n: how many
 * @seconds: the time since the first request
 * @done: the index of the blob just stored, or -1
 * @data: the caller's
 */
typedef void dl_registry_progress_fn(const struct dl_registry_progress *p,
				     size_t n, double seconds, long done,
				     void *data);

/**
 * dl_registry_fetch() - fetch blobs into the content store,
 * DL_REGISTRY_PARALLEL at once (curl multi): each written to a blob of
 * tmp/ as it comes, its size checked as it streams and its digest at the
 * end (dl/blob.h), then renamed into blobs/; the bytes a failed fetch
 * (or a dead one) got are kept (dl_blob_resume()) and asked for from
 * there with a Range, a 200 answer rewriting the blob from the start
 * @r: the session
 * @blobs: the blobs, none in the store yet, each once
 * @n: how many
 * @diff_ids: the config's rootfs.diff_ids, or NULL
 * @progress: called as the blobs come, or NULL
 * @data: for @progress
 * @reason: receives the failure text, naming the blob
 *
 * With @diff_ids, a layer that is no image of the store yet and whose
 * parent chain exists when its first byte comes (an image of the store,
 * or a chain made here) is applied as it arrives (dl/ahead.h) into
 * tmp/CHAINHEX, released for dl-image-unpack once every blob is stored;
 * a chain whose bytes give another chain ID is dropped.  That never fails
 * the fetch.
 *
 * Return: 0; DL_EXIT_NO when the registry has no such blob;
 * DL_EXIT_REJECT for a size or digest that is not the descriptor's;
 * DL_EXIT_FAIL.  On failure the chains made are dropped, and the blobs
 * being written too after DL_EXIT_REJECT (else kept for resuming); blobs
 * stored before stay.  Needs root.
 */
extern int dl_registry_fetch(struct dl_registry *r,
			     const struct dl_registry_blob *blobs, size_t n,
			     json_t *diff_ids, dl_registry_progress_fn *progress,
			     void *data, char **reason);

#endif
