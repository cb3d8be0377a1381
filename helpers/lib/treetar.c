/* SPDX-License-Identifier: Apache-2.0 */
/* treetar.c: one file or tree, as a tar stream */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dl.h"
#include "dl/tarwrite.h"
#include "dl/treetar.h"

/* Add @path (relative to @root) and, for a directory, all below it; no
 * symlink is followed (each step is O_NOFOLLOW beneath the last). */
static int walk(int parent, const char *leaf, const char *path,
		struct dl_tar_list *l, char **reason)
{
	struct stat st;
	struct dirent *e;
	DIR *d;
	int fd;

	if (fstatat(parent, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return dl_fail(reason, errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
			       "'%s': %s", path, strerror(errno));
	dl_tar_list_add(l, path, DL_TAR_ENTRY);
	if (!S_ISDIR(st.st_mode))
		return 0;
	fd = openat(parent, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					  O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		int e2 = errno;

		if (fd >= 0)
			close(fd);
		return dl_fail(reason, DL_EXIT_FAIL, "'%s': %s", path,
			       strerror(e2));
	}
	while ((errno = 0, e = readdir(d))) {
		_cleanup_free_ char *sub = NULL;
		int r;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		sub = dl_xasprintf("%s/%s", path, e->d_name);
		r = walk(dirfd(d), e->d_name, sub, l, reason);
		if (r == DL_EXIT_NO) {
			/* gone while we read: as tar, left out */
			free(*reason);
			*reason = NULL;
			continue;
		}
		if (r) {
			closedir(d);
			return r;
		}
	}
	closedir(d);
	return 0;
}

int dl_tree_tar(int dirfd_, const char *name, int outfd, char **reason)
{
	struct dl_tar_list l = { 0 };
	struct dl_tar_opts o = { .compress = DL_COMPRESS_NONE };
	struct dl_tar_desc d;
	_cleanup_close_ int root = openat(dirfd_, ".", O_RDONLY | O_DIRECTORY |
							 O_CLOEXEC);
	int r;

	if (root < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "%s", strerror(errno));
	r = walk(root, name, name, &l, reason);
	if (!r)
		r = dl_tar_write(root, &l, &o, outfd, &d, reason);
	dl_tar_list_free(&l);
	return r;
}
