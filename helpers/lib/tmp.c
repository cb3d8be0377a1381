/* SPDX-License-Identifier: Apache-2.0 */
/* tmp.c: work in progress under $DL_ROOT/tmp, owned by a lock */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dl.h"
#include "dl/btrfs.h"
#include "dl/tmp.h"

/* The inode number of the root directory of every btrfs subvolume. */
#define BTRFS_SUBVOL_ROOT_INO 256
/* How often dl_tmp_make() makes its entry again after a sweep took it. */
#define MAKE_TRIES 8

/* Set *@reason to "[WHAT: ]TEXT" and return @code. */
static int fail(char **reason, int code, const char *what, const char *text)
{
	return what ? dl_fail(reason, code, "%s: %s", what, text)
		    : dl_fail(reason, code, "%s", text);
}

static int sys_fail(char **reason, const char *what)
{
	int e = errno;
	int code = e == ENOENT || e == ENOTDIR ? DL_EXIT_NO
		 : e == EEXIST || e == EBUSY || e == EWOULDBLOCK
			 ? DL_EXIT_CONFLICT
			 : DL_EXIT_FAIL;

	return fail(reason, code, what, strerror(e));
}

static int lock(int fd, bool wait)
{
	for (;;) {
		if (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

/* Whether @fd is still the entry @name of @dfd (not renamed, not gone). */
static bool still_at(int fd, int dfd, const char *name)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && a.st_nlink > 0 &&
	       fstatat(dfd, name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int dl_tmp_make(const char *name, int *fd, char **reason)
{
	_cleanup_free_ char *top = dl_path("tmp");
	_cleanup_close_ int tfd = -1;
	int i;

	*fd = -1;
	*reason = NULL;
	tfd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tfd < 0)
		return sys_fail(reason, NULL);
	for (i = 0; i < MAKE_TRIES; i++) {
		_cleanup_close_ int efd = -1;

		if (mkdirat(tfd, name, 0700) < 0)
			return sys_fail(reason, NULL);
		efd = openat(tfd, name,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (efd < 0 && errno != ENOENT)
			return sys_fail(reason, NULL);
		/* a sweep holds the lock only while it deletes the entry */
		if (efd >= 0 && lock(efd, true) < 0)
			return sys_fail(reason, NULL);
		/* ...so it may have taken it between our mkdir and flock */
		if (efd >= 0 && still_at(efd, tfd, name)) {
			*fd = dl_steal_fd(&efd);
			return 0;
		}
	}
	return fail(reason, DL_EXIT_FAIL, NULL,
		    "swept away while being made, again and again");
}

int dl_tmp_claim(const char *path, int *fd, char **reason)
{
	_cleanup_close_ int efd = -1;
	struct stat a, b;

	*fd = -1;
	*reason = NULL;
	efd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (efd < 0)
		return sys_fail(reason, NULL);
	if (lock(efd, false) < 0) {
		if (errno == EWOULDBLOCK)
			return fail(reason, DL_EXIT_CONFLICT, NULL,
				    "in use by another process");
		return sys_fail(reason, NULL);
	}
	if (fstat(efd, &a) < 0)
		return sys_fail(reason, NULL);
	if (lstat(path, &b) < 0 || a.st_nlink == 0 || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino) {
		errno = ENOENT;
		return sys_fail(reason, NULL);
	}
	*fd = dl_steal_fd(&efd);
	return 0;
}

/* "REL/NAME", or NAME at the top */
static char *sub(const char *rel, const char *name)
{
	return rel ? dl_xasprintf("%s/%s", rel, name) : dl_xstrdup(name);
}

/* Delete subvolume @name of @dfd, nested ones included: DL_EXIT_NO when it
 * is no subvolume after all. */
static int delete_subvol(int dfd, const char *name, const char *what,
			 char **reason)
{
	/* the path of @dfd itself, so no symlink on the way can redirect */
	_cleanup_free_ char *path = dl_xasprintf("/proc/self/fd/%d/%s", dfd,
						 name);
	_cleanup_free_ char *why = NULL;
	int ret = dl_subvol_delete(path, &why);

	if (ret && ret != DL_EXIT_NO)
		return fail(reason, ret, what, why);
	return ret;
}

static int remove_at(int dfd, const char *name, const char *rel,
		     char **reason);

/*
 * Whether directory @stx (in @dfd) has something mounted on it.  Before
 * Linux 5.8 statx(2) cannot tell: then another device that is no btrfs
 * subvolume root counts as a mount.
 */
static bool is_mount_root(int dfd, const struct statx *stx)
{
	struct stat parent;

	if (stx->stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
		return stx->stx_attributes & STATX_ATTR_MOUNT_ROOT;
	return stx->stx_ino != BTRFS_SUBVOL_ROOT_INO &&
	       fstat(dfd, &parent) == 0 &&
	       makedev(stx->stx_dev_major, stx->stx_dev_minor) !=
		       parent.st_dev;
}

/* Empty directory @fd (which this closes), @what below the top. */
static int empty_dir(int fd, const char *what, char **reason)
{
	struct dirent *e;
	int ret = 0;
	DIR *d;

	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return sys_fail(reason, what);
	}
	while ((errno = 0, e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		ret = remove_at(dirfd(d), e->d_name, what, reason);
		if (ret)
			break;
	}
	if (!ret && errno)
		ret = sys_fail(reason, what);
	closedir(d);
	return ret;
}

static int remove_at(int dfd, const char *name, const char *rel,
		     char **reason)
{
	_cleanup_free_ char *what = sub(rel, name);
	struct statx stx;
	int fd, ret;

	if (statx(dfd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT,
		  STATX_TYPE | STATX_INO, &stx) < 0)
		return errno == ENOENT ? 0 : sys_fail(reason, what);
	if (!S_ISDIR(stx.stx_mode)) {
		if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
			return sys_fail(reason, what);
		return 0;
	}
	if (is_mount_root(dfd, &stx)) {
		errno = EBUSY;
		return sys_fail(reason, what);
	}
	if (stx.stx_ino == BTRFS_SUBVOL_ROOT_INO) {
		ret = delete_subvol(dfd, name, what, reason);
		if (ret != DL_EXIT_NO)
			return ret;
		/* not btrfs, or a plain directory: remove it file by file */
	}
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : sys_fail(reason, what);
	ret = empty_dir(fd, what, reason);
	if (ret)
		return ret;
	if (unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return sys_fail(reason, what);
	return 0;
}

int dl_tmp_remove_at(int dfd, const char *name, char **reason)
{
	*reason = NULL;
	return remove_at(dfd, name, NULL, reason);
}

int dl_tmp_sweep_at(int tfd, const char *name, bool dry, bool *swept,
		    char **reason)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	*swept = false;
	*reason = NULL;
	if (fstatat(tfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : sys_fail(reason, name);
	if (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)) {
		fd = openat(tfd, name,
			    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC |
				    (S_ISDIR(st.st_mode) ? O_DIRECTORY : 0));
		if (fd < 0)
			return errno == ENOENT || errno == ENOTDIR ||
					       errno == ELOOP
				       ? 0
				       : sys_fail(reason, name);
		if (lock(fd, false) < 0)
			return errno == EWOULDBLOCK ? 0
						    : sys_fail(reason, name);
		/* its owner may have published it and exited between our
		 * open and our lock: only what is still here is ours */
		if (!still_at(fd, tfd, name))
			return 0;
	}
	if (!dry) {
		int ret = dl_tmp_remove_at(tfd, name, reason);

		if (ret)
			return ret;
	}
	*swept = true;
	return 0;
}

int dl_tmp_remove(const char *path, char **reason)
{
	_cleanup_free_ char *copy = dl_xstrdup(path);
	_cleanup_close_ int dfd = -1;
	char *slash = strrchr(copy, '/');
	const char *name = copy;

	*reason = NULL;
	if (slash) {
		*slash = '\0';
		name = slash + 1;
	}
	dfd = open(slash ? (*copy ? copy : "/") : ".",
		   O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		*reason = dl_xasprintf("%s: %s", path, strerror(errno));
		return errno == ENOENT ? 0 : DL_EXIT_FAIL;
	}
	return dl_tmp_remove_at(dfd, name, reason);
}
