/* SPDX-License-Identifier: Apache-2.0 */
/* dl-image.h: images in the store: their documents, listing, and the
 * Docker-shaped objects `docker image inspect` prints */
#ifndef DL_IMAGE_H
#define DL_IMAGE_H

#include <stddef.h>
#include <stdint.h>
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

/* What meta.json records of a new image (dl_image_docs_write()). */
struct dl_image_meta {
	const char *id;		/* the full image ID */
	const char *parent;	/* the full ID of its parent, or NULL/"" */
	const char *created;	/* RFC 3339 */
	const char *comment;	/* NULL or "" for none */
	const char *author;	/* NULL or "" for none */
	uint64_t size;		/* bytes, 0 when unknown */
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

/*
 * Publishing an image with names is two steps (the rename into images/,
 * then the names), so it is recorded first: tmp/ID.publish, held locked
 * by its maker (dl-tmp.h), holds intent.json {"id", "tags": [{"repo",
 * "tag", "old"}]}.  An intent nobody holds is the leftover of a dead
 * maker: dl_image_intent_undo() undoes what it got done.
 */

/**
 * dl_image_intent_begin() - record the publish of image @id with names
 * @id: the image ID
 * @tags: the names it is about to get
 * @old: the ID each name points at now, where @had_old says so
 * @had_old: whether each name points at an image now
 * @n: the number of names
 * @fd: receives the descriptor holding the record (-1 on failure)
 * @reason: receives the failure text
 * Return: 0 or a DL_EXIT_* code.  Needs root; the caller holds the refs
 * lock (dl_ref_lock()) until dl_image_intent_end().
 */
extern int dl_image_intent_begin(const char *id, const struct dl_ref *tags,
				 char (*old)[DL_ID_LEN + 1],
				 const bool *had_old, size_t n, int *fd,
				 char **reason);

/**
 * dl_image_intent_end() - drop the record: the publish is complete
 * @id: the image ID
 * @fd: the descriptor from dl_image_intent_begin(); set to -1
 */
extern void dl_image_intent_end(const char *id, int *fd);

/**
 * dl_image_intent_undo() - undo the publish recorded in tmp/@name, if
 * @name is such a record and its owner is gone: each name that still
 * points at the image goes back to what it was, then the image is
 * unpublished and deleted unless a name or a container uses it
 * @tfd: the tmp/ directory
 * @name: an entry of tmp/
 * @dry: only tell whether there is something to undo
 * @undone: receives true when it was (with @dry, would be) undone
 * @reason: receives the failure text
 * Return: 0 or a DL_EXIT_* code.  Takes the refs lock (and keeps it until
 * dl_ref_unlock() or exit).  Needs root.
 */
extern int dl_image_intent_undo(int tfd, const char *name, bool dry,
				bool *undone, char **reason);

/**
 * dl_image_pending() - whether a publish of image @id is recorded (it is
 * not listed until complete)
 * @id: the image ID
 * Return: true or false.
 */
extern bool dl_image_pending(const char *id);

/**
 * dl_image_user() - find a container made from image @id
 * @id: the image ID
 * @user: receives the first container ID found
 * Return: true when there is one.  Reliable against dl-container-new only
 * under the refs lock, which it holds while it references images.
 */
extern bool dl_image_user(const char *id, char user[DL_ID_LEN + 1]);

/**
 * dl_image_unpublish() - rename images/@id to tmp/@id, where it is gone
 * for every reader, ready for dl_tmp_remove_at()
 * @id: the image ID
 * @tfd: receives the tmp/ directory descriptor
 * @reason: receives the failure text
 * Return: 0 or a DL_EXIT_* code (DL_EXIT_NO when there is no such image,
 * DL_EXIT_CONFLICT when another process holds it).  Needs root.
 */
extern int dl_image_unpublish(const char *id, int *tfd, char **reason);

#endif
