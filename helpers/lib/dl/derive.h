/* SPDX-License-Identifier: Apache-2.0 */
/* derive.h: a new image made from another one's root, with no container:
 * a writable snapshot of the parent in tmp/ID that the caller changes,
 * then read-only and published with its config in one step */
#ifndef DL_DERIVE_H
#define DL_DERIVE_H

#include <stdbool.h>

#include <jansson.h>

#include "dl.h"

/*
 * The work entry tmp/ID is held (dl/tmp.h) from dl_derive_begin() until
 * the process ends: a crash leaves it to the next sweep.  The parent is
 * checked under the refs lock at publish time, so an image whose parent
 * went meanwhile is never published.
 */
struct dl_derive {
	char id[DL_ID_LEN + 1];	/* the new image ID */
	char *parent;		/* the parent's full ID */
	char *dir;		/* tmp/ID */
	char *rootfs;		/* tmp/ID/rootfs: the caller's to change */
	char *pub;		/* images/ID */
	int lock;		/* holds tmp/ID */
	bool made, published, done;
};

/**
 * dl_derive_begin() - make tmp/ID and snapshot image @parent's root in it
 * @d: receives the work (zeroed by the call)
 * @parent: the full ID of a published image
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_NO when there is no such image, or another DL_EXIT_*
 * code.  Whatever was made is for dl_derive_undo().  Needs root.
 */
extern int dl_derive_begin(struct dl_derive *d, const char *parent,
			   char **reason);

/**
 * dl_derive_publish() - make the root read-only, write config.json and
 * meta.json (parent, created now, @hidden) and publish images/ID, durable
 * in one commit (dl_image_publish())
 * @d: the work of dl_derive_begin()
 * @config: the image config, written as it is (its maker stamps it)
 * @hidden: a hidden image (the steps of dl build, dl/image.h)
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_CONFLICT when the parent was removed meanwhile, or
 * another DL_EXIT_* code.  Takes and releases the refs lock.
 */
extern int dl_derive_publish(struct dl_derive *d, const json_t *config,
			     bool hidden, char **reason);

/**
 * dl_derive_undo() - take back what dl_derive_begin() and
 * dl_derive_publish() did, unless the publish is complete; then free @d
 * @d: the work (may be one dl_derive_begin() failed on)
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_FAIL (the rest is left to a sweep).
 */
extern int dl_derive_undo(struct dl_derive *d, char **reason);

#endif
