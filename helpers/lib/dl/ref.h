/* SPDX-License-Identifier: Apache-2.0 */
/* ref.h: names of images and containers, kept under $DL_ROOT/refs */
#ifndef DL_REF_H
#define DL_REF_H

#include "dl.h"

/*
 * Every int function here returns 0, or a DL_EXIT_* code with @reason set
 * to a malloc'd text: DL_EXIT_USAGE for a malformed name, DL_EXIT_NO for a
 * name or ID that is not there, DL_EXIT_CONFLICT for a name taken or an ID
 * prefix that matches more than one object, DL_EXIT_FAIL for a system error.
 * Updates are atomic (temp + rename) and serialised by flock(2) on
 * $DL_ROOT/locks/refs.  They need write access to the store (root).
 */

#include "dl/refname.h"

/**
 * dl_ref_image_set() - point name @r at image @id (moves an existing tag)
 * @r: the name
 * @id: a full image ID; the image must exist
 * @reason: receives the failure text
 * Return: 0 or a DL_EXIT_* code.
 */
extern int dl_ref_image_set(const struct dl_ref *r, const char *id,
			    char **reason);

/**
 * dl_ref_image_get() - the image ID a name points at
 * @r: the name
 * @out: receives the ID
 * @reason: receives the failure text
 * Return: 0 or a DL_EXIT_* code (DL_EXIT_NO when the name is unknown).
 */
extern int dl_ref_image_get(const struct dl_ref *r, char out[DL_ID_LEN + 1],
			    char **reason);

/**
 * dl_ref_image_rm() - remove a name (not the image)
 * @r: the name
 * @reason: receives the failure text
 * Return: 0 or a DL_EXIT_* code (DL_EXIT_NO when the name is unknown).
 */
extern int dl_ref_image_rm(const struct dl_ref *r, char **reason);

/**
 * dl_image_resolve() - resolve a name, or a unique prefix of an image ID
 * @spec: "name[:tag]", a full ID, "sha256:ID", or an ID prefix
 * @out: receives the full ID
 * @reason: receives the failure text
 * Return: 0 or a DL_EXIT_* code (DL_EXIT_NO, DL_EXIT_CONFLICT ambiguous).
 */
extern int dl_image_resolve(const char *spec, char out[DL_ID_LEN + 1],
			    char **reason);

/**
 * dl_ref_lock() - take the refs lock (exclusive) until dl_ref_unlock(),
 * for a change of several names and objects that must look like one:
 * every dl_ref_* call of this process meanwhile runs under it
 * @reason: receives the failure text
 * Return: 0, DL_EXIT_CONFLICT on timeout, or DL_EXIT_FAIL.
 */
extern int dl_ref_lock(char **reason);

/**
 * dl_ref_unlock() - release what dl_ref_lock() took (no-op if none)
 */
extern void dl_ref_unlock(void);

/**
 * dl_container_exists() - whether container @id is published, or is being
 * made or removed by a live process (tmp/ID held, dl-tmp.h)
 * @id: the full container ID
 * Return: true or false.
 */
extern bool dl_container_exists(const char *id);

/**
 * dl_ref_container_set() - reserve container name @name for @id
 * @name: a Docker-style container name, [a-zA-Z0-9][a-zA-Z0-9_.-]*
 * @id: the container ID
 * @reason: receives the failure text
 * Return: 0 or a DL_EXIT_* code (DL_EXIT_CONFLICT when the name is taken).
 */
extern int dl_ref_container_set(const char *name, const char *id,
				char **reason);

/**
 * dl_ref_container_take() - dl_ref_container_set() for a container being
 * made, whose tmp/ID its caller holds: a name pointing at a container that
 * does not exist (dl_container_exists()) is the leftover of a dead
 * process, and is taken over
 * @name: the container name
 * @id: the new container's ID
 * @reason: receives the failure text
 * Return: 0 or a DL_EXIT_* code (DL_EXIT_CONFLICT when the name is taken).
 */
extern int dl_ref_container_take(const char *name, const char *id,
				 char **reason);

/**
 * dl_ref_container_rm() - release a container name
 * @name: the name
 * @reason: receives the failure text
 * Return: 0 or a DL_EXIT_* code (DL_EXIT_NO when the name is unknown).
 */
extern int dl_ref_container_rm(const char *name, char **reason);

/**
 * dl_ref_container_rm_if() - release container name @name, but only while
 * it names container @id; the check and the removal happen under one take
 * of the refs lock, so a name moved to another container is never removed
 * @name: the name
 * @id: the full container ID it must point at
 * @reason: receives the failure text
 * Return: 0 or a DL_EXIT_* code (DL_EXIT_NO when the name is unknown or
 * names another container, DL_EXIT_REJECT when its ref file is corrupt).
 */
extern int dl_ref_container_rm_if(const char *name, const char *id,
				  char **reason);

/**
 * dl_container_resolve() - resolve a container name, full ID or unique prefix
 * @spec: the name or ID
 * @out: receives the full ID
 * @reason: receives the failure text
 * Return: 0 or a DL_EXIT_* code (DL_EXIT_NO, DL_EXIT_CONFLICT ambiguous).
 */
extern int dl_container_resolve(const char *spec, char out[DL_ID_LEN + 1],
				char **reason);

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

#endif
