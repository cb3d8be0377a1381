/* SPDX-License-Identifier: Apache-2.0 */
/* rootprep.c: the mount points and the working directory of a spec, made
 * inside the container's root before it starts */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dl.h"
#include "dl/rootpath.h"
#include "dl/rootprep.h"
#include "dl/specload.h"

/* Make an empty file at @path (a bind mount point), the rest of the path
 * resolved inside the root; an existing one, even a symlink, is left. */
static int root_touch(int rootfd, const char *path)
{
	_cleanup_free_ char *name = NULL;
	_cleanup_close_ int pfd = dl_root_open_parent(rootfd, path, &name);
	int fd;

	if (pfd < 0)
		return -1;
	if (!name) {
		errno = EISDIR;
		return -1;
	}
	fd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
			       O_NOFOLLOW | O_NOCTTY, 0644);
	if (fd < 0)
		return errno == EEXIST ? 0 : -1;
	close(fd);
	return 0;
}

/* dl_root_mkdir_p() with the failure told in @reason */
static int root_mkdir(int rootfd, const char *path, char **reason)
{
	if (dl_root_mkdir_p(rootfd, path, 0755) == 0)
		return 0;
	*reason = dl_xasprintf("%s: %s", path, errno == ENOTDIR ?
			       "exists and is not a directory" :
			       strerror(errno));
	return DL_EXIT_FAIL;
}

int dl_root_prepare(int rootfd, const struct dl_spec *sp, char **reason)
{
	struct stat sb;
	size_t i;

	/* first every check, so that a failure leaves nothing behind */
	for (i = 0; i < sp->nmounts; i++) {
		const struct dl_mount *m = &sp->mounts[i];

		if (!dl_mount_lxc_owns(m) && dl_mount_is_bind(m) &&
		    (m->source[0] != '/' || stat(m->source, &sb) < 0)) {
			*reason = dl_xasprintf("invalid mount config for type \"bind\": bind source path does not exist: %s",
					       m->source);
			return DL_EXIT_FAIL;
		}
	}
	for (i = 0; i < sp->nmounts; i++) {
		const struct dl_mount *m = &sp->mounts[i];
		_cleanup_free_ char *parent = NULL;
		int r;

		if (dl_mount_lxc_owns(m))
			continue;
		if (!dl_mount_is_bind(m) || (stat(m->source, &sb) == 0 &&
				    S_ISDIR(sb.st_mode))) {
			if ((r = root_mkdir(rootfd, m->dest, reason)))
				return r;
			continue;
		}
		parent = dl_xstrdup(m->dest);
		*strrchr(parent, '/') = '\0';
		if (*parent && (r = root_mkdir(rootfd, parent, reason)))
			return r;
		if (root_touch(rootfd, m->dest) < 0) {
			*reason = dl_xasprintf("%s: %s", m->dest, strerror(errno));
			return DL_EXIT_FAIL;
		}
	}
	return root_mkdir(rootfd, sp->cwd, reason);
}

