/* SPDX-License-Identifier: Apache-2.0 */
/* dl-image.h: images in the store: their documents, listing, and the
 * Docker-shaped objects `docker image inspect` prints */
#ifndef DL_IMAGE_H
#define DL_IMAGE_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "dl.h"
#include "dl-ref.h"

/*
 * The int functions here return 0, or a DL_EXIT_* code with @reason set to
 * a malloc'd text without the object (the caller says "unable to VERB
 * 'OBJ': REASON").  Reading needs read access to the store only.
 */

/* What a document must be for dl_image_doc_load(). */
enum dl_image_doc {
	DL_DOC_OBJECT, /* any JSON object */
	DL_DOC_CONFIG, /* an OCI image config: dl_image_config_check() */
	DL_DOC_META,   /* a dl meta.json: dl_image_meta_check() */
};

/**
 * dl_image_doc_load() - load a JSON document and check its shape
 * @path: the file, or "-" for stdin
 * @kind: what it must be
 * @out: receives a new reference
 * @reason: receives the failure text: strerror(errno), the jansson
 *          "FILE:LINE:COLUMN: text", or the field the check refused
 * Return: 0, DL_EXIT_NO when @path does not exist, DL_EXIT_REJECT when it
 * is not valid JSON or not of @kind, DL_EXIT_FAIL for another error.
 */
extern int dl_image_doc_load(const char *path, enum dl_image_doc kind,
			     json_t **out, char **reason);

/* One image, as dl_image_inspect() describes it. */
struct dl_image_info {
	char id[DL_ID_LEN + 1];
	json_t *obj;		 /* the Docker-shaped object */
	struct timespec created; /* its Created time, 0 when unknown */
};

/**
 * dl_image_inspect() - describe image @id as `docker image inspect` does:
 * {"Id":"sha256:ID","RepoTags":[..],"RepoDigests":[],"Parent":"sha256:ID"
 * or "","Comment","Created","Author","Config":{..},"Architecture","Os",
 * ["Variant",]"Size","RootFS":{..},"Metadata":{"LastTagTime":..}}, from
 * its config.json, meta.json and names
 * @id: a full image ID
 * @refs: the image names (dl_ref_image_list()), for RepoTags and
 *        LastTagTime (the newest mtime of a ref file naming @id)
 * @nrefs: how many
 * @out: receives the object (json_decref() out->obj) and its time
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_USAGE when @id is no full ID, DL_EXIT_NO when there is
 * no such image, DL_EXIT_REJECT when config.json or meta.json is missing
 * or not a JSON object (the reason names the file), DL_EXIT_FAIL for
 * another error.
 */
extern int dl_image_inspect(const char *id, const struct dl_ref_entry *refs,
			    size_t nrefs, struct dl_image_info *out,
			    char **reason);

/**
 * dl_image_info_sort() - sort images newest first; the same time by ID,
 * for a stable order
 * @v: the images
 * @n: how many
 */
extern void dl_image_info_sort(struct dl_image_info *v, size_t n);

/**
 * dl_image_ids() - the IDs of the images in the store, in directory order
 * @out: receives a malloc'd array of malloc'd IDs (free each, then it)
 * @n: receives how many
 * @reason: receives the failure text
 * Return: 0 (also with no images/ at all: no image) or DL_EXIT_FAIL.
 */
extern int dl_image_ids(char ***out, size_t *n, char **reason);

#endif
