/* SPDX-License-Identifier: Apache-2.0 */
/* node.c: the owner and mode of one node, set without following it */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dl.h"
#include "dl/node.h"

int dl_node_own_fd(int fd, uid_t uid, gid_t gid, mode_t perm,
		   const char **verb)
{
	struct stat st;

	/* what is already so is not set again: each change is an inode
	 * update, and a node made here is often made so */
	*verb = "stat";
	if (fstat(fd, &st) < 0)
		return -1;
	*verb = "chown";
	if ((st.st_uid != uid || st.st_gid != gid) && fchown(fd, uid, gid) < 0)
		return -1;
	*verb = "chmod";
	if (st.st_uid == uid && st.st_gid == gid &&
	    (st.st_mode & 07777) == (perm & 07777))
		return 0;
	return fchmod(fd, perm);
}

int dl_node_own_at(int dirfd, const char *name, uid_t uid, gid_t gid,
		   mode_t perm, const char **verb)
{
	_cleanup_close_ int fd = -1;
	char path[64];
	struct stat st;

	*verb = "chown";
	if (fchownat(dirfd, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (perm == DL_NODE_LINK)
		return 0;
	*verb = "open";
	fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return -1;
	*verb = "chmod";
	if (S_ISLNK(st.st_mode)) {
		errno = ELOOP;
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (chmod(path, perm) == 0)
		return 0;
	/* no /proc: the node is ours and not a symlink, fchmodat is fine */
	if (errno != ENOENT)
		return -1;
	return fchmodat(dirfd, name, perm, 0);
}

int dl_node_proc_path(char *buf, size_t n, int dirfd, const char *name)
{
	int r = snprintf(buf, n, "/proc/self/fd/%d/%s", dirfd, name);

	return r >= 0 && (size_t)r < n ? 0 : -1;
}
