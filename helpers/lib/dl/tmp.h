/* SPDX-License-Identifier: Apache-2.0 */
/* tmp.h: work in progress under $DL_ROOT/tmp, owned by a lock */
#ifndef DL_TMP_H
#define DL_TMP_H

#include <stdbool.h>

/*
 * Every entry of tmp/ belongs to the process holding an exclusive flock(2)
 * on it (on the directory itself, opened O_RDONLY|O_DIRECTORY).  The lock
 * goes when its owner does, even by SIGKILL, so an entry nobody holds is
 * the leftover of a dead owner, and dl_tmp_sweep_at() may delete it.  An
 * owner keeps the descriptor open for as long as it works on the entry,
 * publishing it by rename(2) while still holding it.
 *
 * Every function here returns 0, or a DL_EXIT_* code with @reason set to
 * a malloc'd text without the entry's path (the caller says "unable to
 * VERB 'PATH': REASON").  All need write access to the store (root).
 */

/**
 * dl_tmp_make() - create the work entry tmp/NAME and lock it
 * @name: the entry name: an ID, or another single path component
 * @fd: receives the locked directory descriptor (O_CLOEXEC), or -1
 * @reason: receives the failure text (strerror(errno))
 *
 * The directory is made with mode 0700.  A sweep that takes it between
 * mkdir(2) and flock(2) is noticed (the locked directory is no longer at
 * tmp/NAME) and the entry made again.
 *
 * Return: 0, DL_EXIT_CONFLICT when tmp/NAME exists, DL_EXIT_NO when tmp/
 * does not, or DL_EXIT_FAIL.
 */
extern int dl_tmp_make(const char *name, int *fd, char **reason);

/**
 * dl_tmp_claim() - lock a directory that is, or is about to be renamed
 * into, an entry of tmp/: take it before the rename, so that it is never
 * in tmp/ without an owner
 * @path: the directory (a final symlink is not followed)
 * @fd: receives the locked directory descriptor (O_CLOEXEC), or -1
 * @reason: receives the failure text
 *
 * Does not wait: a directory another process holds is refused.
 *
 * Return: 0, DL_EXIT_NO when @path does not exist (or was renamed while
 * being locked), DL_EXIT_CONFLICT when another process holds it, or
 * DL_EXIT_FAIL.
 */
extern int dl_tmp_claim(const char *path, int *fd, char **reason);

/**
 * dl_tmp_remove_at() - delete @name in directory @dfd whole: subvolumes
 * (with those nested in them, read-only or not) by dl_subvol_delete(),
 * everything else by unlinkat(2), depth first
 * @dfd: the directory holding @name
 * @name: the entry; a symlink is removed, never followed
 * @reason: receives the failure text, naming the entry below @name that
 *          could not be removed
 *
 * No symlink is followed and no mount point entered: something mounted
 * inside makes it fail with DL_EXIT_CONFLICT.  Not atomic; the caller
 * holds the entry's lock, so that a failure leaves a half-deleted entry to
 * a later sweep only.
 *
 * Return: 0 (also when @name does not exist), DL_EXIT_CONFLICT (busy), or
 * DL_EXIT_FAIL.
 */
extern int dl_tmp_remove_at(int dfd, const char *name, char **reason);

/**
 * dl_tmp_remove() - dl_tmp_remove_at() on a path: delete @path whole
 * @path: the entry (its last component is never followed)
 * @reason: receives the failure text
 *
 * The undo of a helper that built something in tmp/ID (or published it and
 * must take it back): whatever it made there goes, files it did not name
 * included (a temp file of an interrupted write).
 *
 * Return: as dl_tmp_remove_at().
 */
extern int dl_tmp_remove(const char *path, char **reason);

/**
 * dl_tmp_sweep_at() - delete entry @name of tmp/ if its owner is gone
 * @tfd: the tmp/ directory
 * @name: the entry
 * @dry: only tell whether it would be deleted
 * @swept: receives true when it was (or, with @dry, would be) deleted;
 *         false when a live process holds it, or it went away meanwhile
 * @reason: receives the failure text
 *
 * A directory or regular file is locked with LOCK_EX|LOCK_NB and checked
 * to be still at tmp/NAME (its owner may have published it and exited
 * between our open and our lock); anything else (a symlink, a fifo) can
 * have no owner and goes.  The lock is kept while deleting.
 *
 * Return: 0, or a DL_EXIT_* code of dl_tmp_remove_at().
 */
extern int dl_tmp_sweep_at(int tfd, const char *name, bool dry, bool *swept,
			   char **reason);

#endif
