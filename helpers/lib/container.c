/* SPDX-License-Identifier: Apache-2.0 */
/* container.c: containers in the store */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dl.h"
#include "dl-container.h"
#include "dl-json.h"
#include "dl-ref.h"
#include "dl-tmp.h"

static int fail(char **reason, int code, const char *what, const char *why)
{
	*reason = what ? dl_xasprintf("%s: %s", what, why) : dl_xstrdup(why);
	return code;
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
	int ret;

	ret = dl_ref_container_rm_if(name, id, &why);
	/* gone, moved to another container, or unreadable: not ours */
	if (ret && ret != DL_EXIT_NO && ret != DL_EXIT_REJECT)
		return fail(reason, ret, name, why ? why : "unable to release");
	return 0;
}

/**
 * dl_container_remove() - remove a stopped container whole
 * @id: the full container ID
 * @reason: receives the failure text
 *
 * Locks containers/ID (dl_tmp_claim()) and unpublishes it by rename(2) to
 * tmp/ID, where the lock makes it ours (a leftover of an earlier,
 * interrupted removal there is swept first), releases its name
 * (annotation org.dockerlite.name in spec.json) when the name still points
 * at @id, then deletes tmp/ID whole: the rootfs subvolume with every
 * subvolume nested in it, and the rest (dl_tmp_remove_at()).  Once
 * unpublished the container is gone for every reader; a failure after
 * that leaves tmp/ID to dl-store-sweep.  Needs root.  The caller makes
 * sure the container is not running.
 *
 * Return: 0 or a DL_EXIT_* code (DL_EXIT_NO when there is no such
 * container, DL_EXIT_CONFLICT when another process holds it locked).
 */
int dl_container_remove(const char *id, char **reason)
{
	_cleanup_free_ char *pub = NULL, *tmp = NULL, *tmpdir = NULL;
	_cleanup_free_ char *name = NULL, *why = NULL;
	_cleanup_free_ char *dir = NULL, *lxcpath = NULL;
	_cleanup_close_ int lock = -1, tfd = -1;
	bool swept;
	int ret;

	*reason = NULL;
	if (!dl_is_id(id))
		return fail(reason, DL_EXIT_USAGE, id, "not a full ID");
	pub = dl_path("containers/%s", id);
	dir = dl_path("containers");
	tmpdir = dl_path("tmp");
	tmp = dl_path("tmp/%s", id);
	ret = dl_tmp_claim(pub, &lock, &why);
	if (ret == DL_EXIT_NO)
		return fail(reason, ret, NULL, "no such container");
	if (ret)
		return fail(reason, ret, pub, why);
	name = container_name(pub);

	tfd = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tfd < 0)
		return fail(reason, DL_EXIT_FAIL, tmpdir, strerror(errno));
	/* a removal of this very container was interrupted */
	ret = dl_tmp_sweep_at(tfd, id, false, &swept, &why);
	if (ret)
		return fail(reason, ret, tmp, why);
	if (renameat2(AT_FDCWD, pub, tfd, id, RENAME_NOREPLACE) < 0) {
		if (errno == ENOENT)
			return fail(reason, DL_EXIT_NO, NULL,
				    "no such container");
		/* EEXIST: a live process holds that leftover */
		return fail(reason, errno == EEXIST ? DL_EXIT_CONFLICT
						    : DL_EXIT_FAIL,
			    tmp, strerror(errno));
	}

	dl_fault("container-remove:unpublish");
	if (name && (ret = release_name(name, id, reason)))
		return ret;
	dl_fault("container-remove:name");
	ret = dl_tmp_remove_at(tfd, id, &why);
	if (ret) {
		*reason = dl_xasprintf("%s/%s", tmpdir, why);
		return ret;
	}
	lxcpath = realpath(dir, NULL);
	if (lxcpath)
		dl_lxc_forget(lxcpath, id);
	return 0;
}

void dl_lxc_forget(const char *lxcpath, const char *id)
{
	_cleanup_free_ char *lock = dl_xasprintf("/run/lxc/lock%s/.%s", lxcpath,
						 id);

	/* only the file: removing directories would race with liblxc
	 * making them for another container */
	unlink(lock);
}
