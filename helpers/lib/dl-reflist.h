/* SPDX-License-Identifier: Apache-2.0 */
/* dl-reflist.h: listing the names under $DL_ROOT/refs (ref.c); belongs
 * with dl-ref.h, kept apart only while that contract is frozen */
#ifndef DL_REFLIST_H
#define DL_REFLIST_H

#include "dl.h"

/* One name: an image tag (repo, tag set) or a container name (both NULL). */
struct dl_ref_entry {
	char *name; /* "repo:tag", or the container name */
	char *repo;
	char *tag;
	char id[DL_ID_LEN + 1];
};

/**
 * dl_ref_image_list() - every image name, sorted by "repo:tag"
 * @id: keep only the names pointing at this image ID, or NULL for all
 * @out: receives the array (free with dl_ref_entries_free())
 * @n: receives its length
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_FAIL.  A store without refs/ gives 0 names.  Takes
 * the refs lock shared when it can, so it never sees a half-made update.
 */
extern int dl_ref_image_list(const char *id, struct dl_ref_entry **out,
			     size_t *n, char **reason);

/**
 * dl_ref_container_list() - every container name, sorted
 * @out: receives the array (free with dl_ref_entries_free())
 * @n: receives its length
 * @reason: receives the failure text
 * Return: 0 or DL_EXIT_FAIL.
 */
extern int dl_ref_container_list(struct dl_ref_entry **out, size_t *n,
				 char **reason);

/**
 * dl_ref_entries_free() - free what a dl_ref_*_list() call returned
 * @v: the array, may be NULL
 * @n: its length
 */
extern void dl_ref_entries_free(struct dl_ref_entry *v, size_t n);

/**
 * dl_is_container_name() - tell whether @name is a valid container name,
 * [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 255 characters
 * @name: the name
 * Return: true or false.
 */
extern bool dl_is_container_name(const char *name);

#endif
