/* SPDX-License-Identifier: Apache-2.0 */
/* imglayers.h: the layers an image goes out with (dl image save): the
 * steps of its parent chain, and the layers of snapshot steps cached */
#ifndef DL_IMGLAYERS_H
#define DL_IMGLAYERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dl.h"
#include "dl/digest.h"
#include "dl/tarwrite.h"

/*
 * An image is saved as the layers of its parent chain, base first.  The
 * chain is walked from the image down to the first image that came in as
 * layers (dl image load: meta.json "layers", every layer up to it), or to
 * the base.  A hidden chain image (meta.json "layer") has its one layer;
 * an image made by a snapshot (dl image create, dl commit) has the layer
 * of its step over its parent, computed once (dl-image-layers) and cached
 * in images/ID/layer.json, one entry a compression and source date epoch:
 *
 *   {"gzip":{"diffID","digest","size","mediaType"},"none@0":{..}}
 *
 * An entry counts only while its blob is in the store with its size.
 *
 * The int functions return 0, or a DL_EXIT_* code with @reason set to a
 * malloc'd text without the image's ID (the caller says "unable to VERB
 * 'IMAGE': REASON").  Reading needs read access to the store; the cache
 * is written by root.
 */

/* What an image of the chain is. */
enum dl_step_kind {
	DL_STEP_LOADED,	  /* came in as layers: all its layers known */
	DL_STEP_CHAIN,	  /* a hidden layer chain image: its one layer */
	DL_STEP_SNAPSHOT, /* made by a snapshot: its step's layer cached */
};

/* A layer: its descriptor, and the digest of its uncompressed tar. */
struct dl_layer_desc {
	char diff_id[DL_DIGEST_LEN + 1];
	char digest[DL_DIGEST_LEN + 1];
	int64_t size;
	char *media_type; /* malloc'd */
};

/* Which layer of a snapshot step: its compression and mtime clamp. */
struct dl_layer_key {
	enum dl_compress compress;
	bool clamp;
	int64_t epoch;
};

/* One image of the chain. */
struct dl_image_step {
	char id[DL_ID_LEN + 1];
	char parent[DL_ID_LEN + 1]; /* "" for none (or below a LOADED one) */
	enum dl_step_kind kind;
	char *created;		    /* meta.json "created" */
	size_t nhistory;	    /* entries of its config's history */
	/* LOADED: all its layers; CHAIN: its one; SNAPSHOT: the cached
	 * layer of the step, none when not computed yet */
	struct dl_layer_desc *layers;
	size_t nlayers;
};

/**
 * dl_image_steps() - the chain of image @id, base first, @id last
 * @id: a full image ID
 * @k: which cached layer a snapshot step gets
 * @out: receives the malloc'd steps (dl_image_steps_free())
 * @n: receives how many
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_NO when an image of the chain is missing, DL_EXIT_REJECT
 * when a meta.json or config.json is malformed or the chain loops, or
 * DL_EXIT_FAIL.
 */
extern int dl_image_steps(const char *id, const struct dl_layer_key *k,
			  struct dl_image_step **out, size_t *n,
			  char **reason);

/**
 * dl_image_steps_free() - free what dl_image_steps() returned
 * @v: the steps, or NULL
 * @n: how many
 */
extern void dl_image_steps_free(struct dl_image_step *v, size_t n);

/**
 * dl_layer_cache_put() - record the layer of the step of snapshot image
 * @id in its layer.json (temp + fsync + rename)
 * @id: a full image ID
 * @k: the compression and clamp it was made with
 * @d: the layer; its blob is in the store
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_NO when there is no such image, or DL_EXIT_FAIL.
 * Needs write access to the store.
 */
extern int dl_layer_cache_put(const char *id, const struct dl_layer_key *k,
			      const struct dl_layer_desc *d, char **reason);

/**
 * dl_layer_key_name() - the name of a cache entry: "gzip", "none@0"
 * @k: the key
 * Return: a malloc'd string.
 */
extern char *dl_layer_key_name(const struct dl_layer_key *k);

#endif
