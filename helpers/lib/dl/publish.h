/* SPDX-License-Identifier: Apache-2.0 */
/* publish.h: publishing an image with its names as one step, recorded so
 * that a crash in between is undone; removing one under the refs lock */
#ifndef DL_PUBLISH_H
#define DL_PUBLISH_H

#include <stdbool.h>

#include "dl.h"
#include "dl/refname.h"

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
