/* SPDX-License-Identifier: Apache-2.0 */
/* image.h: images in the store: their documents, listing, and the
 * Docker-shaped objects `docker image inspect` prints */
#ifndef DL_IMAGE_H
#define DL_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "dl.h"
#include "dl/ref.h"

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
	bool hidden;		 /* a layer chain's image (meta "hidden") */
};

/**
 * dl_image_inspect() - describe image @id as `docker image inspect` does:
 * {"Id":"sha256:ID","RepoTags":[..],"RepoDigests":[..],"Parent":"sha256:ID"
 * or "","Comment","Created","Author","Config":{..},"Architecture","Os",
 * ["Variant",]"Size","RootFS":{"Type","Layers"[,"LayerDigests"]},
 * "Metadata":{"LastTagTime":..}}, from its config.json, meta.json and
 * names; RepoDigests ("REPO@MANIFEST") and LayerDigests for an image
 * dl image load made
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
 * dl_image_child() - whether an image other than @except has @id as its
 * parent
 * @id: the image ID
 * @except: an image ID not to count, or NULL
 * Return: true when there is one (or images/ cannot be read).
 */
extern bool dl_image_child(const char *id, const char *except);

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

/* What meta.json records of a new image (dl_image_docs_write()). */
struct dl_image_meta {
	const char *id;		/* the full image ID */
	const char *parent;	/* the full ID of its parent, or NULL/"" */
	const char *created;	/* RFC 3339 */
	const char *comment;	/* NULL or "" for none */
	const char *author;	/* NULL or "" for none */
	uint64_t size;		/* bytes, 0 when unknown */
	bool hidden;		/* "hidden": true (dl-image-ls -a only; dl
				 * image rm of its last child takes it) */
};

/**
 * dl_image_docs_write() - write config.json and meta.json of a new image
 * into @dir, the tmp/ID it is built in before being published
 * @dir: the directory
 * @meta: what meta.json records
 * @config: the image config
 * @flags: 0 (each file fsync'd), or DL_WRITE_NOSYNC when the caller makes
 *         the whole tree durable with dl_image_sync() before publishing
 * @reason: receives the failure text ("unable to write 'PATH': ...")
 * Return: 0 or DL_EXIT_FAIL.  Needs write access to @dir.
 */
extern int dl_image_docs_write(const char *dir,
			       const struct dl_image_meta *meta,
			       const json_t *config, unsigned int flags,
			       char **reason);

/**
 * dl_image_sync() - make everything written to the filesystem holding
 * @dir durable (file data and metadata, subvolumes, flags), in one
 * transaction commit; call it once, before the rename(2) that publishes
 * a tree built without fsync
 * @dir: a directory on the store's filesystem
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_FAIL.  Needs read access to @dir.
 */
extern int dl_image_sync(const char *dir, char **reason);

/**
 * dl_image_publish() - publish a tree built without fsync: dl_image_sync(),
 * rename(2) of @tmp to @image, then fsync(2) of the directory of @image,
 * so that the new name is durable before a ref names it
 * @tmp: the tree built (tmp/ID)
 * @image: its published name (images/ID), which must not exist
 * @published: set to true once the rename is made (even when the last
 *             fsync fails: the caller then renames it back)
 * @reason: receives the failure text ("unable to VERB 'OBJ': ...")
 * Return: 0 or DL_EXIT_FAIL.  Needs write access to both directories.
 */
extern int dl_image_publish(const char *tmp, const char *image,
			    bool *published, char **reason);

/**
 * dl_image_pending() - whether a publish of image @id is recorded (it is
 * not listed until complete)
 * @id: the image ID
 * Return: true or false.
 */
extern bool dl_image_pending(const char *id);

#endif
