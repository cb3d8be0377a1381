/* SPDX-License-Identifier: Apache-2.0 */
/* container.c: containers in the store */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl-btrfs.h"
#include "dl-container.h"
#include "dl-json.h"
#include "dl-ref.h"

static int fail(char **reason, int code, const char *what, const char *why)
{
	*reason = what ? dl_xasprintf("%s: %s", what, why) : dl_xstrdup(why);
	return code;
}

/*
 * Remove @name in @dfd and everything below it, never following a symlink
 * and never crossing into another filesystem or subvolume (those are
 * refused with EXDEV rather than emptied).
 */
static int rm_rf_at(int dfd, const char *name, dev_t dev)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	DIR *d;
	struct dirent *e;
	int ret = 0;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dfd, name, 0) < 0 && errno != ENOENT ? -1 : 0;
	if (st.st_dev != dev) {
		errno = EXDEV;
		return -1;
	}
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	d = fdopendir(dl_steal_fd(&fd));
	if (!d)
		return -1;
	while ((errno = 0, e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (rm_rf_at(dirfd(d), e->d_name, dev) < 0) {
			ret = -1;
			break;
		}
	}
	if (!ret && errno)
		ret = -1;
	closedir(d);
	if (ret)
		return -1;
	return unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT ? -1
									 : 0;
}

/* The name of the container in @dir (annotation org.dockerlite.name). */
static char *container_name(const char *dir)
{
	_cleanup_free_ char *path = dl_xasprintf("%s/spec.json", dir);
	_cleanup_free_ char *why = NULL;
	json_t *spec = dl_json_load(path, &why), *v;
	char *name = NULL;

	if (!spec)
		return NULL;
	v = json_object_get(json_object_get(spec, "annotations"),
			    "org.dockerlite.name");
	if (json_is_string(v) && *json_string_value(v))
		name = dl_xstrdup(json_string_value(v));
	json_decref(spec);
	return name;
}

/* Release @name, but only while it still names container @id. */
static int release_name(const char *name, const char *id, char **reason)
{
	_cleanup_free_ char *why = NULL;
	char cur[DL_ID_LEN + 1];
	int ret;

	ret = dl_container_resolve(name, cur, &why);
	if (ret || strcmp(cur, id) != 0)
		return 0;
	free(dl_steal_pointer(&why));
	ret = dl_ref_container_rm(name, &why);
	if (ret && ret != DL_EXIT_NO)
		return fail(reason, ret, name, why ? why : "unable to release");
	return 0;
}

/**
 * dl_container_remove() - remove a stopped container whole
 * @id: the full container ID
 * @reason: receives the failure text
 *
 * Unpublishes containers/ID by rename(2) to tmp/ID (a leftover of an
 * earlier, interrupted removal there is removed first), releases its name
 * (annotation org.dockerlite.name in spec.json) when the name still points
 * at @id, deletes the rootfs subvolume with every subvolume nested in it,
 * then the rest of the directory.  Once unpublished the container is gone
 * for every reader; a failure after that leaves tmp/ID for a later sweep.
 * Needs root.  The caller makes sure the container is not running.
 *
 * Return: 0 or a DL_EXIT_* code (DL_EXIT_NO when there is no such
 * container).
 */
int dl_container_remove(const char *id, char **reason)
{
	_cleanup_free_ char *pub = NULL, *tmp = NULL, *tmpdir = NULL;
	_cleanup_free_ char *rootfs = NULL, *name = NULL, *why = NULL;
	_cleanup_close_ int tfd = -1;
	struct stat st;
	int ret;

	*reason = NULL;
	if (!dl_is_id(id))
		return fail(reason, DL_EXIT_USAGE, id, "not a full ID");
	pub = dl_path("containers/%s", id);
	tmpdir = dl_path("tmp");
	tmp = dl_path("tmp/%s", id);
	rootfs = dl_xasprintf("%s/rootfs", tmp);
	if (lstat(pub, &st) < 0)
		return errno == ENOENT ? fail(reason, DL_EXIT_NO, NULL,
					     "no such container")
				       : fail(reason, DL_EXIT_FAIL, pub,
					      strerror(errno));
	name = container_name(pub);

	if (lstat(tmp, &st) == 0) {
		/* a removal of this very container was interrupted */
		if (dl_subvol_is(rootfs) == 1 &&
		    (ret = dl_subvol_delete(rootfs, &why)))
			return fail(reason, ret, tmp, why);
		tfd = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (tfd < 0 || rm_rf_at(tfd, id, st.st_dev) < 0)
			return fail(reason, DL_EXIT_FAIL, tmp, strerror(errno));
		dl_closep(&tfd);
	}
	if (rename(pub, tmp) < 0)
		return fail(reason, errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
			    errno == ENOENT ? NULL : pub,
			    errno == ENOENT ? "no such container"
					    : strerror(errno));

	if (name && (ret = release_name(name, id, reason)))
		return ret;

	ret = dl_subvol_is(rootfs);
	if (ret == 1 && (ret = dl_subvol_delete(rootfs, &why)))
		return fail(reason, ret, rootfs, why);
	if (ret < 0 && errno != ENOENT)
		return fail(reason, DL_EXIT_FAIL, rootfs, strerror(errno));
	tfd = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tfd < 0 || fstatat(tfd, id, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    rm_rf_at(tfd, id, st.st_dev) < 0)
		return fail(reason, DL_EXIT_FAIL, tmp, strerror(errno));
	return 0;
}
