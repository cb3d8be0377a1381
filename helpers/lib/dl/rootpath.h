/* SPDX-License-Identifier: Apache-2.0 */
/* rootpath.h: paths and users inside a container root, resolved as the
 * container would see them and never outside it (openat2 RESOLVE_IN_ROOT) */
#ifndef DL_ROOTPATH_H
#define DL_ROOTPATH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/**
 * dl_openat2() - openat2(2) with O_CLOEXEC added, tried again a few times
 * on EAGAIN (a rename or mount raced with the resolution) and EINTR
 * @dirfd: the directory @path is looked up from
 * @path: the path
 * @flags: open(2) flags
 * @mode: the mode of a file made by O_CREAT or O_TMPFILE, else ignored
 * @resolve: RESOLVE_* flags (linux/openat2.h): RESOLVE_BENEATH,
 *           RESOLVE_IN_ROOT, RESOLVE_NO_SYMLINKS...
 *
 * Needs Linux 5.6.
 *
 * Return: the descriptor, or -1 with errno set.
 */
extern int dl_openat2(int dirfd, const char *path, int flags, mode_t mode,
		      uint64_t resolve);

/**
 * dl_root_open() - open @path inside a root, as if the root were "/"
 * @rootfd: a directory descriptor of the root (O_PATH will do)
 * @path: the path, absolute or not; "..", absolute symlinks and ".." in
 *        symlinks stay inside the root (chroot-like), magic links
 *        (/proc/self/fd/N) are refused
 * @flags: open(2) flags; O_CLOEXEC is always added; add O_NOFOLLOW to
 *         refuse a final symlink
 * @mode: the mode of a file made by O_CREAT, else 0
 *
 * Needs Linux 5.6 (openat2).
 *
 * Return: the descriptor, or -1 with errno set.
 */
extern int dl_root_open(int rootfd, const char *path, int flags, mode_t mode);

/**
 * dl_root_open_parent() - open the directory holding the last component
 * of @path inside a root
 * @rootfd: a directory descriptor of the root
 * @path: the path; trailing slashes are ignored
 * @name: receives the last component (malloc'd), or NULL when @path names
 *        a directory itself ("/", ending in "." or "..")
 *
 * The directory is opened O_RDONLY|O_DIRECTORY with every symlink on the
 * way resolved inside the root; the last component is not looked at, so a
 * caller can use *at() calls with AT_SYMLINK_NOFOLLOW on it.  When *@name
 * is NULL the descriptor is the directory @path itself.
 *
 * Return: the descriptor, or -1 with errno set.
 */
extern int dl_root_open_parent(int rootfd, const char *path, char **name);

/**
 * dl_root_mkdir_p() - make a directory and its parents inside a root
 * @rootfd: a directory descriptor of the root
 * @path: the directory
 * @mode: the mode of the directories made (owned by the caller)
 *
 * Symlinks on the way are followed inside the root.
 *
 * Return: 0 (also when it exists), or -1 with errno set (ENOTDIR when a
 * component is not a directory).
 */
extern int dl_root_mkdir_p(int rootfd, const char *path, mode_t mode);

/* A user as a process in the root runs it. */
struct dl_user {
	uid_t uid;
	gid_t gid;
	gid_t *gids;  /* supplementary groups, from /etc/group membership */
	size_t ngids;
	char *home;   /* the passwd home, or "/" */
};

/**
 * dl_root_user() - resolve a Docker user spec with the root's passwd and
 * group files, as Docker (runc's GetExecUser) does
 * @rootfd: a directory descriptor of the root
 * @spec: "USER[:GROUP]", each a name or a number; "" means root
 * @out: receives the user (free with dl_user_free())
 * @reason: receives the failure text, in Docker's words ("unable to find
 *          user 'x': no matching entries in passwd file"),
 *          a whole message to print after "PROG: fatal: "
 *
 * /etc/passwd and /etc/group are read inside the root; a symlink never
 * leads out, and anything but a regular file counts as missing.  A number
 * that no entry matches is taken as it is.  Supplementary groups are those
 * whose member list names the user, only when no GROUP was given.
 *
 * Return: 0; DL_EXIT_NO for an unknown user or group name; DL_EXIT_USAGE
 * for a malformed spec or an ID out of range; DL_EXIT_FAIL for a system
 * error.
 */
extern int dl_root_user(int rootfd, const char *spec, struct dl_user *out,
			char **reason);

/**
 * dl_user_free() - free what dl_root_user() allocated
 * @u: the user; may be zeroed
 */
extern void dl_user_free(struct dl_user *u);

#endif
