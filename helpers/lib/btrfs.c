/* SPDX-License-Identifier: Apache-2.0 */
/* btrfs.c: subvolumes via libbtrfsutil */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/btrfs.h>
#include <linux/openat2.h>

#include <btrfsutil.h>

#include "dl.h"
#include "dl/btrfs.h"
#include "dl/rootpath.h"
#include "dl/tree.h"

/* The inode number of a subvolume's root directory. */
#define SUBVOL_ROOT_INO 256

/* How many random temporary names dl_clone() tries before giving up. */
#define TMP_TRIES 32

/* Set *@reason to "[WHAT: ]TEXT" and return @code. */
static int fail(char **reason, int code, const char *what, const char *text)
{
	return what ? dl_fail(reason, code, "%s: %s", what, text)
		    : dl_fail(reason, code, "%s", text);
}

static int code_of_errno(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		return DL_EXIT_NO;
	case EEXIST:
	case ENOTEMPTY:
	case EBUSY:
		return DL_EXIT_CONFLICT;
	default:
		return DL_EXIT_FAIL;
	}
}

/* A failed system call: the reason is strerror(errno). */
static int sys_fail(char **reason, const char *what)
{
	int e = errno;

	return fail(reason, code_of_errno(e), what, strerror(e));
}

/* A failed libbtrfsutil call: "btrfs_util_strerror(err): strerror(errno)",
 * without errno where libbtrfsutil does not set a meaningful one. */
static int bt_fail(char **reason, enum btrfs_util_error err, const char *what)
{
	_cleanup_free_ char *text = NULL;
	int e = errno;

	switch (err) {
	case BTRFS_UTIL_ERROR_NOT_BTRFS:
	case BTRFS_UTIL_ERROR_NOT_SUBVOLUME:
	case BTRFS_UTIL_ERROR_SUBVOLUME_NOT_FOUND:
		return fail(reason, DL_EXIT_NO, what, btrfs_util_strerror(err));
	case BTRFS_UTIL_ERROR_NO_MEMORY:
	case BTRFS_UTIL_ERROR_INVALID_ARGUMENT:
		return fail(reason, DL_EXIT_FAIL, what,
			    btrfs_util_strerror(err));
	default:
		text = dl_xasprintf("%s: %s", btrfs_util_strerror(err),
				    strerror(e));
		return fail(reason, code_of_errno(e), what, text);
	}
}

/*
 * Open the directory that holds @path and return its descriptor, with the
 * last component of @path (trailing slashes dropped) in *@name.
 * Return: the descriptor, or -1 with errno set.
 */
static int open_parent(const char *path, char **name)
{
	_cleanup_free_ char *copy = dl_xstrdup(path);
	size_t n = strlen(copy);
	const char *dir = ".";
	char *base = copy, *slash;
	int fd;

	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	slash = strrchr(copy, '/');
	if (slash) {
		*slash = '\0';
		base = slash + 1;
		dir = slash == copy ? "/" : copy;
	}
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) {
		errno = EINVAL;
		return -1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	*name = dl_xstrdup(base);
	return fd;
}

/*
 * Open subvolume @path (relative to @dirfd) into *@fdp, following a final
 * symlink only when @follow is set.
 * Return: 0 or a DL_EXIT_* code (DL_EXIT_NO when it is not a subvolume).
 */
static int open_subvol_at(int dirfd, const char *path, bool follow, int *fdp,
			  const char *what, char **reason)
{
	_cleanup_close_ int fd = -1;
	enum btrfs_util_error err;

	fd = openat(dirfd, path,
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC |
			(follow ? 0 : O_NOFOLLOW));
	if (fd < 0) {
		/* a symlink (not followed) or a non-directory */
		if (errno == ELOOP || errno == ENOTDIR)
			return bt_fail(reason, BTRFS_UTIL_ERROR_NOT_SUBVOLUME,
				       what);
		return sys_fail(reason, what);
	}
	err = btrfs_util_is_subvolume_fd(fd);
	if (err)
		return bt_fail(reason, err, what);
	*fdp = dl_steal_fd(&fd);
	return 0;
}

static int clear_ro_fd(int fd, const char *what, char **reason)
{
	enum btrfs_util_error err;
	bool ro;

	err = btrfs_util_get_subvolume_read_only_fd(fd, &ro);
	if (!err && ro)
		err = btrfs_util_set_subvolume_read_only_fd(fd, false);
	return err ? bt_fail(reason, err, what) : 0;
}

/*
 * Clear the read-only flag of every subvolume nested in subvolume @fd, and
 * of @fd itself when it holds any: removing a subvolume's entry needs its
 * parent writable.  Subvolumes that hold nothing are left as they are.
 */
static int unlock_nested(int fd, char **reason)
{
	struct btrfs_util_subvolume_iterator *iter = NULL;
	enum btrfs_util_error err;
	bool any = false;
	int ret = 0;

	err = btrfs_util_create_subvolume_iterator_fd(fd, 0, 0, &iter);
	if (err)
		return bt_fail(reason, err, NULL);
	for (;;) {
		_cleanup_free_ char *rel = NULL;
		_cleanup_close_ int sfd = -1;

		err = btrfs_util_subvolume_iterator_next(iter, &rel, NULL);
		if (err == BTRFS_UTIL_ERROR_STOP_ITERATION)
			break;
		if (err) {
			ret = bt_fail(reason, err, NULL);
			break;
		}
		if (!any) {
			ret = clear_ro_fd(fd, NULL, reason);
			if (ret)
				break;
			any = true;
		}
		sfd = openat(fd, rel,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sfd < 0) {
			ret = sys_fail(reason, rel);
			break;
		}
		ret = clear_ro_fd(sfd, rel, reason);
		if (ret)
			break;
	}
	btrfs_util_destroy_subvolume_iterator(iter);
	return ret;
}

/* Delete subvolume @name in @pfd and all nested in it, read-only or not. */
static int delete_at(int pfd, const char *name, char **reason)
{
	_cleanup_close_ int fd = -1;
	enum btrfs_util_error err;
	int ret;

	ret = open_subvol_at(pfd, name, false, &fd, NULL, reason);
	if (ret)
		return ret;
	ret = unlock_nested(fd, reason);
	if (ret)
		return ret;
	dl_closep(&fd);
	err = btrfs_util_delete_subvolume_fd(
	    pfd, name, BTRFS_UTIL_DELETE_SUBVOLUME_RECURSIVE);
	return err ? bt_fail(reason, err, NULL) : 0;
}

/**
 * dl_subvol_create() - create an empty subvolume at @path
 * @path: the new subvolume (its parent must exist)
 * @reason: receives the failure text
 *
 * Needs root (or a filesystem that lets the caller create subvolumes).
 *
 * Return: 0, DL_EXIT_NO when the parent is missing, DL_EXIT_CONFLICT when
 * @path exists, or DL_EXIT_FAIL.
 */
int dl_subvol_create(const char *path, char **reason)
{
	_cleanup_free_ char *name = NULL;
	_cleanup_close_ int pfd = -1;
	enum btrfs_util_error err;

	pfd = open_parent(path, &name);
	if (pfd < 0)
		return sys_fail(reason, NULL);
	err = btrfs_util_create_subvolume_fd(pfd, name, 0, NULL, NULL);
	return err ? bt_fail(reason, err, NULL) : 0;
}

/**
 * dl_subvol_snapshot() - snapshot subvolume @src at @dst
 * @src: an existing subvolume (a final symlink is followed)
 * @dst: the new snapshot (must not exist)
 * @readonly: make the snapshot read-only
 * @reason: receives the failure text
 *
 * Subvolumes nested in @src show as empty directories in the snapshot.
 * Needs root for a read-only snapshot.
 *
 * Return: 0, DL_EXIT_NO when @src is not a subvolume or the parent of @dst
 * is missing, DL_EXIT_CONFLICT when @dst exists, or DL_EXIT_FAIL.
 */
int dl_subvol_snapshot(const char *src, const char *dst, bool readonly,
		       char **reason)
{
	_cleanup_free_ char *name = NULL;
	_cleanup_close_ int sfd = -1, pfd = -1;
	enum btrfs_util_error err;
	int ret;

	ret = open_subvol_at(AT_FDCWD, src, true, &sfd, NULL, reason);
	if (ret)
		return ret;
	pfd = open_parent(dst, &name);
	if (pfd < 0)
		return sys_fail(reason, NULL);
	err = btrfs_util_create_snapshot_fd2(
	    sfd, pfd, name, readonly ? BTRFS_UTIL_CREATE_SNAPSHOT_READ_ONLY : 0,
	    NULL, NULL);
	return err ? bt_fail(reason, err, NULL) : 0;
}

/**
 * dl_subvol_set_ro() - set or clear the read-only flag of a subvolume
 * @path: the subvolume (a final symlink is followed)
 * @ro: the new value
 * @reason: receives the failure text
 *
 * Needs root.
 *
 * Return: 0, DL_EXIT_NO when @path is not a subvolume, or DL_EXIT_FAIL.
 */
int dl_subvol_set_ro(const char *path, bool ro, char **reason)
{
	_cleanup_close_ int fd = -1;
	enum btrfs_util_error err;
	int ret;

	ret = open_subvol_at(AT_FDCWD, path, true, &fd, NULL, reason);
	if (ret)
		return ret;
	err = btrfs_util_set_subvolume_read_only_fd(fd, ro);
	return err ? bt_fail(reason, err, NULL) : 0;
}

int dl_subvol_get_ro(const char *path, bool *ro, char **reason)
{
	_cleanup_close_ int fd = -1;
	enum btrfs_util_error err;
	int ret;

	ret = open_subvol_at(AT_FDCWD, path, true, &fd, NULL, reason);
	if (ret)
		return ret;
	err = btrfs_util_get_subvolume_read_only_fd(fd, ro);
	return err ? bt_fail(reason, err, NULL) : 0;
}

/**
 * dl_subvol_delete() - delete a subvolume and every subvolume nested in it
 * @path: the subvolume (a final symlink is not followed)
 * @reason: receives the failure text
 *
 * Read-only flags are cleared first where a nested subvolume must be
 * removed from its parent; a container can create nested subvolumes, and
 * make them read-only.  Not atomic: on failure some nested subvolumes may
 * be gone and read-only flags cleared.  Needs root.
 *
 * Return: 0, DL_EXIT_NO when @path is missing or not a subvolume,
 * DL_EXIT_CONFLICT when something is mounted inside (busy), or DL_EXIT_FAIL.
 */
int dl_subvol_delete(const char *path, char **reason)
{
	_cleanup_free_ char *name = NULL;
	_cleanup_close_ int pfd = -1;

	pfd = open_parent(path, &name);
	if (pfd < 0)
		return sys_fail(reason, NULL);
	return delete_at(pfd, name, reason);
}

/**
 * dl_subvol_is() - tell whether @path is a subvolume
 * @path: the path (a final symlink is followed)
 *
 * Return: 1 yes, 0 no (a plain directory, a file, not btrfs), -1 with errno
 * set on error (ENOENT when @path does not exist).
 */
int dl_subvol_is(const char *path)
{
	enum btrfs_util_error err = btrfs_util_is_subvolume(path);

	switch (err) {
	case BTRFS_UTIL_OK:
		return 1;
	case BTRFS_UTIL_ERROR_NOT_BTRFS:
	case BTRFS_UTIL_ERROR_NOT_SUBVOLUME:
		return 0;
	default:
		return -1;
	}
}

/* A fresh name "BASE.tmp-XXXXXX" (random lowercase letters and digits). */
static char *tmp_name(const char *base)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char rnd[6];
	char suffix[sizeof(rnd) + 1];
	size_t i;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return NULL;
	for (i = 0; i < sizeof(rnd); i++)
		suffix[i] = set[rnd[i] % (sizeof(set) - 1)];
	suffix[sizeof(rnd)] = '\0';
	return dl_xasprintf("%s.tmp-%s", base, suffix);
}

/* Snapshot @srcfd writable into a fresh temporary name beside @base. */
static int snapshot_tmp(int srcfd, int pfd, const char *base, char **tmp,
			char **reason)
{
	enum btrfs_util_error err;
	int i;

	for (i = 0; i < TMP_TRIES; i++) {
		_cleanup_free_ char *name = tmp_name(base);

		if (!name)
			return sys_fail(reason, NULL);
		err = btrfs_util_create_snapshot_fd2(srcfd, pfd, name, 0, NULL,
						     NULL);
		if (!err) {
			*tmp = dl_steal_pointer(&name);
			return 0;
		}
		if (errno != EEXIST)
			return bt_fail(reason, err, NULL);
	}
	errno = EEXIST;
	return fail(reason, DL_EXIT_FAIL, NULL,
		    "no free temporary name: File exists");
}

/* Lay the files of each later source over the temporary subvolume @tfd. */
static int merge_sources(int tfd, const int *fds, const char *const *srcs,
			 size_t nsrcs, char **reason)
{
	size_t i;

	for (i = 1; i < nsrcs; i++) {
		_cleanup_free_ char *why = NULL, *what = NULL;
		int ret = dl_copy_tree(fds[i], tfd, DL_COPY_MERGE, NULL, &why);

		if (ret) {
			what = dl_xasprintf("source '%s'", srcs[i]);
			return fail(reason, ret, what,
				    why ? why : "copy failed");
		}
	}
	return 0;
}

/**
 * dl_clone() - make a writable subvolume @dest from image roots, atomically
 * @dest: the new subvolume (must not exist)
 * @srcs: the image root subvolumes; @srcs[0] is snapshotted (O(1)), the
 *        files of each later one are laid over it with dl_copy_tree()
 *        (DL_COPY_MERGE, reflinks)
 * @nsrcs: how many, at least 1
 * @reason: receives the failure text
 *
 * Built beside @dest as "DEST.tmp-XXXXXX" and renamed into place without
 * replacing anything, so @dest appears whole or not at all; on failure the
 * temporary subvolume is deleted.  Every source is checked before anything
 * is made.  Needs root.
 *
 * Return: 0, DL_EXIT_NO when a source is missing or not a subvolume (or the
 * parent of @dest is missing), DL_EXIT_CONFLICT when @dest exists,
 * DL_EXIT_USAGE when @nsrcs is 0, or DL_EXIT_FAIL.
 */
int dl_clone(const char *dest, const char *const *srcs, size_t nsrcs,
	     char **reason)
{
	return dl_clone_flags(dest, srcs, nsrcs, 0, reason);
}

int dl_clone_flags(const char *dest, const char *const *srcs, size_t nsrcs,
		   unsigned flags, char **reason)
{
	_cleanup_free_ char *name = NULL, *tmp = NULL;
	_cleanup_free_ int *fds = NULL;
	_cleanup_close_ int pfd = -1, tfd = -1;
	enum btrfs_util_error err;
	struct stat st;
	size_t i, opened = 0;
	int ret;

	if (nsrcs == 0)
		return fail(reason, DL_EXIT_USAGE, NULL, "no source given");
	fds = dl_xcalloc(nsrcs, sizeof(*fds));
	for (i = 0; i < nsrcs; i++, opened++) {
		_cleanup_free_ char *what =
		    dl_xasprintf("source '%s'", srcs[i]);

		ret = open_subvol_at(AT_FDCWD, srcs[i], true, &fds[i], what,
				     reason);
		if (ret)
			goto out;
	}
	pfd = open_parent(dest, &name);
	if (pfd < 0) {
		ret = sys_fail(reason, NULL);
		goto out;
	}
	if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		errno = EEXIST;
		ret = sys_fail(reason, NULL);
		goto out;
	}
	if (errno != ENOENT) {
		ret = sys_fail(reason, NULL);
		goto out;
	}

	ret = snapshot_tmp(fds[0], pfd, name, &tmp, reason);
	if (ret)
		goto out;
	if (nsrcs > 1) {
		tfd = openat(pfd, tmp,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (tfd < 0) {
			ret = sys_fail(reason, tmp);
			goto on_error;
		}
		ret = merge_sources(tfd, fds, srcs, nsrcs, reason);
		if (ret)
			goto on_error;
		/* commit the copied files before the name makes them visible:
		 * after a crash, DEST is whole or absent */
		err = btrfs_util_sync_fd(tfd);
		if (err) {
			ret = bt_fail(reason, err, NULL);
			goto on_error;
		}
		dl_closep(&tfd);
	}
	if (renameat2(pfd, tmp, pfd, name, RENAME_NOREPLACE) < 0) {
		ret = sys_fail(reason, NULL);
		goto on_error;
	}
	/* make the new name durable; the snapshot itself is committed */
	if (!(flags & DL_CLONE_NOSYNC) && fsync(pfd) < 0) {
		ret = sys_fail(reason, NULL);
		delete_at(pfd, name, NULL);
		goto out;
	}
	ret = 0;
	goto out;

on_error:
	dl_closep(&tfd);
	delete_at(pfd, tmp, NULL);
out:
	for (i = 0; i < opened; i++)
		close(fds[i]);
	return ret;
}

static int cmp_child(const void *a, const void *b)
{
	const struct dl_subvol_child *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

void dl_subvol_children_free(struct dl_subvol_child *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i].name);
	free(v);
}

int dl_subvol_children(int fd, struct dl_subvol_child **out, size_t *n,
		       char **reason)
{
	struct btrfs_util_subvolume_iterator *iter = NULL;
	struct dl_subvol_child *v = NULL;
	enum btrfs_util_error err;
	size_t len = 0, cap = 0;
	uint64_t self;
	int ret = 0;

	err = btrfs_util_subvolume_id_fd(fd, &self);
	if (!err)
		err = btrfs_util_create_subvolume_iterator_fd(fd, 0, 0, &iter);
	if (err)
		return bt_fail(reason, err, NULL);
	for (;;) {
		struct btrfs_util_subvolume_info info;
		_cleanup_free_ char *rel = NULL;
		const char *base;

		err = btrfs_util_subvolume_iterator_next_info(iter, &rel, &info);
		if (err == BTRFS_UTIL_ERROR_STOP_ITERATION)
			break;
		if (err) {
			ret = bt_fail(reason, err, NULL);
			break;
		}
		if (info.parent_id != self)
			continue; /* deeper: copied with its parent */
		if (len == cap) {
			cap = cap ? 2 * cap : 8;
			v = dl_xrealloc(v, cap * sizeof(*v));
		}
		base = strrchr(rel, '/');
		v[len++] = (struct dl_subvol_child){
			.id = info.id, .dir = info.dir_id,
			.name = dl_xstrdup(base ? base + 1 : rel),
		};
	}
	btrfs_util_destroy_subvolume_iterator(iter);
	if (ret) {
		dl_subvol_children_free(v, len);
		return ret;
	}
	if (len)
		qsort(v, len, sizeof(*v), cmp_child);
	*out = v;
	*n = len;
	return 0;
}

int dl_subvol_open_dir(int fd, uint64_t ino, int *dirfd, char **reason)
{
	struct btrfs_ioctl_ino_lookup_args args = { .objectid = ino };
	_cleanup_close_ int dfd = -1;
	struct stat top, st;
	const char *path = ".";

	if (ino != SUBVOL_ROOT_INO) {
		/* treeid 0: the subvolume of @fd; the name ends in '/' */
		if (ioctl(fd, BTRFS_IOC_INO_LOOKUP, &args) < 0)
			return sys_fail(reason, NULL);
		args.name[sizeof(args.name) - 1] = '\0';
		if (*args.name)
			path = args.name;
	}
	dfd = dl_openat2(fd, path, O_RDONLY | O_DIRECTORY, 0,
			 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
				 RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV);
	if (dfd < 0) {
		switch (errno) {
		case ENOENT:
		case ENOTDIR:
		case ELOOP:
		case EXDEV:
		case EAGAIN:
			return fail(reason, DL_EXIT_CONFLICT, NULL,
				    "moved while being opened");
		default:
			return sys_fail(reason, NULL);
		}
	}
	if (fstat(fd, &top) < 0 || fstat(dfd, &st) < 0)
		return sys_fail(reason, NULL);
	if (st.st_dev != top.st_dev || st.st_ino != ino)
		return fail(reason, DL_EXIT_CONFLICT, NULL,
			    "moved while being opened");
	*dirfd = dl_steal_fd(&dfd);
	return 0;
}
