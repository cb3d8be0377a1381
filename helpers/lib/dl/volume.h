/* SPDX-License-Identifier: Apache-2.0 */
/* volume.h: named volumes, btrfs subvolumes under volumes/NAME */
#ifndef DL_VOLUME_H
#define DL_VOLUME_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/*
 * A volume is the directory volumes/NAME: the subvolume _data (what a
 * container mounts) and volume.json, its record
 * {"name","created","driver":"local","labels":{},"options":{}}.  It is
 * made whole under tmp/ID (owned by its lock, dl/tmp.h) and published by
 * renameat2(RENAME_NOREPLACE); it is removed by renaming it back into a
 * locked tmp/ID, then deleting that.  A container uses the volumes its
 * spec.json names in the annotation org.dockerlite.volumes ("A,B"); the
 * check that none does and the removal run under the refs lock
 * (dl_ref_lock()), which dl-container-new holds from the making of its
 * volumes to the publishing of the container.
 *
 * An anonymous volume (made for -v /PATH or an image's VOLUME) has a
 * 64-hex name and the label com.docker.volume.anonymous, as Docker 23+.
 *
 * Every int function returns 0, or a DL_EXIT_* code with @reason set to a
 * bare malloc'd text.  All but dl_volume_name_check() need root.
 */

#define DL_VOLUME_ANON_LABEL "com.docker.volume.anonymous"

/**
 * dl_volume_name_check() - check a volume name against Docker's grammar
 * [a-zA-Z0-9][a-zA-Z0-9_.-]+ (and at most 255 bytes)
 * @name: the name
 * @reason: receives the text
 * Return: 0, or DL_EXIT_USAGE.
 */
extern int dl_volume_name_check(const char *name, char **reason);

/**
 * dl_volume_data() - the path of the data of volume @name
 * @name: a valid name
 * Return: "$DL_ROOT/volumes/NAME/_data", malloc'd.
 */
extern char *dl_volume_data(const char *name);

/* Flags of dl_volume_make(). */
#define DL_VOLUME_EXIST_OK 0x1U /* a volume of that name is success */

/**
 * dl_volume_make() - make volume @name, empty, a snapshot of another, or
 * filled by @fill, and publish it
 * @name: a valid name
 * @labels: an object of string labels (borrowed), or NULL
 * @from: the volume to snapshot (O(1)), or NULL
 * @fill: called with the descriptor of the new, empty data directory to
 *        fill it before publishing, or NULL
 * @arg: passed to @fill
 * @flags: 0 or DL_VOLUME_EXIST_OK
 * @made: receives whether this call made it (may be NULL)
 * @reason: receives the text
 *
 * Nothing is left behind on failure (tmp/ID goes, or the sweep takes it).
 *
 * Return: 0; DL_EXIT_CONFLICT when @name exists (without
 * DL_VOLUME_EXIST_OK); DL_EXIT_NO when @from does not; what @fill returns;
 * or DL_EXIT_FAIL.
 */
extern int dl_volume_make(const char *name, json_t *labels, const char *from,
			  int (*fill)(int fd, void *arg, char **reason),
			  void *arg, unsigned flags, bool *made,
			  char **reason);

/**
 * dl_volume_inspect() - volume @name in the shape of docker volume inspect
 * @name: a valid name
 * @out: receives {"CreatedAt","Driver","Labels","Mountpoint","Name",
 *       "Options","Scope"} (a new reference)
 * @reason: receives the text
 * Return: 0, DL_EXIT_NO (no such volume), DL_EXIT_REJECT (a bad record)
 * or DL_EXIT_FAIL.
 */
extern int dl_volume_inspect(const char *name, json_t **out, char **reason);

/**
 * dl_volume_list() - the names of the volumes, sorted
 * @names: receives a NULL-ended malloc'd array (dl_volume_names_free())
 * @n: receives its length
 * @reason: receives the text
 * Return: 0 or DL_EXIT_FAIL.
 */
extern int dl_volume_list(char ***names, size_t *n, char **reason);

/**
 * dl_volume_names_free() - free an array of names
 * @names: the array, or NULL
 */
extern void dl_volume_names_free(char **names);

/**
 * dl_volume_of_spec() - the volumes a container's spec.json names
 * @spec: the document
 * @n: receives how many
 * Return: a NULL-ended malloc'd array (dl_volume_names_free()).
 */
extern char **dl_volume_of_spec(json_t *spec, size_t *n);

/**
 * dl_volume_users() - the containers (published) whose spec names @name
 * @name: a valid name
 * @ids: receives a NULL-ended array of IDs (dl_volume_names_free())
 * @n: receives its length
 * @reason: receives the text
 * Return: 0 or DL_EXIT_FAIL.  The caller holds the refs lock for an
 * answer that stays true.
 */
extern int dl_volume_users(const char *name, char ***ids, size_t *n,
			   char **reason);

/**
 * dl_volume_is_anonymous() - whether volume @name has the anonymous label
 * @name: a valid name
 * Return: true or false (false also when it cannot be read).
 */
extern bool dl_volume_is_anonymous(const char *name);

/**
 * dl_volume_remove() - remove volume @name unless a container uses it,
 * under the refs lock, taken and released here (so the caller must not
 * hold it)
 * @name: a valid name
 * @reason: receives the text ("volume is in use by container ID")
 * Return: 0, DL_EXIT_NO (no such volume), DL_EXIT_CONFLICT (in use, or
 * the lock timed out) or DL_EXIT_FAIL.
 */
extern int dl_volume_remove(const char *name, char **reason);

/**
 * dl_volume_drop_anonymous() - remove those of @names that are anonymous
 * and used by no container (after their container went: rm -v, --rm)
 * @names: the names
 * @n: how many
 * @reason: receives the text of the first failure; the others are tried
 * Return: 0 or the DL_EXIT_* code of the first failure.
 */
extern int dl_volume_drop_anonymous(char *const *names, size_t n,
				    char **reason);

/**
 * dl_volume_copy_up() - fill the data of volume @name, when it is empty,
 * with what directory @path of a container root holds, as Docker does the
 * first time a volume is mounted over image files: reflink copies
 * (dl_copy_tree()), owners, modes, times and xattrs kept, and the data
 * directory itself given the owner and mode of @path
 * @name: a valid name
 * @rootfd: the container root
 * @path: the mount target, inside the root
 * @reason: receives the text
 * Return: 0 (also when @path is no directory, or the volume not empty),
 * or DL_EXIT_FAIL.
 */
extern int dl_volume_copy_up(const char *name, int rootfd, const char *path,
			     char **reason);

#endif
