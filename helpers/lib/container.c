/* SPDX-License-Identifier: Apache-2.0 */
/* container.c: containers in the store */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dl.h"
#include "dl/container.h"
#include "dl/json.h"
#include "dl/ref.h"
#include "dl/state.h"
#include "dl/tmp.h"

static int fail(char **reason, int code, const char *what, const char *why)
{
	return what ? dl_fail(reason, code, "%s: %s", what, why)
		    : dl_fail(reason, code, "%s", why);
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

/*
 * Remove containers/ID, whose lock (dl_state_lock()) the caller holds in
 * @lock: unpublish it by rename(2) to tmp/ID, where the lock, which
 * follows the directory, makes it ours (a leftover of an earlier,
 * interrupted removal there is swept first), release its name (annotation
 * org.dockerlite.name in spec.json) when the name still points at @id,
 * then delete tmp/ID whole: the rootfs subvolume with every subvolume
 * nested in it, and the rest (dl_tmp_remove_at()).  Once unpublished the
 * container is gone for every reader; a failure after that leaves tmp/ID
 * to dl-store-sweep.
 */
int dl_container_remove_held(const char *id, int lock, char **reason)
{
	_cleanup_free_ char *pub = NULL, *tmp = NULL, *tmpdir = NULL;
	_cleanup_free_ char *name = NULL, *why = NULL;
	_cleanup_free_ char *dir = NULL, *lxcpath = NULL;
	_cleanup_close_ int tfd = -1;
	bool swept;
	int ret;

	*reason = NULL;
	if (!dl_is_id(id))
		return fail(reason, DL_EXIT_USAGE, id, DL_ID_INVALID);
	if (lock < 0)
		return fail(reason, DL_EXIT_USAGE, id, "not locked");
	pub = dl_path("containers/%s", id);
	dir = dl_path("containers");
	tmpdir = dl_path("tmp");
	tmp = dl_path("tmp/%s", id);
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

int dl_container_remove(const char *id, char **reason)
{
	_cleanup_close_ int lock = -1;
	_cleanup_free_ char *why = NULL;
	int ret;

	*reason = NULL;
	if (!dl_is_id(id))
		return fail(reason, DL_EXIT_USAGE, id, DL_ID_INVALID);
	ret = dl_state_lock(id, true, &lock, &why);
	if (ret == DL_EXIT_CONFLICT)
		return fail(reason, ret, NULL, dl_container_busy(id));
	if (ret)
		return fail(reason, ret, NULL, why);
	return dl_container_remove_held(id, lock, reason);
}

const char *dl_container_busy(const char *id)
{
	_cleanup_free_ char *why = NULL;
	struct dl_state st;

	if (dl_state_read(id, &st, &why) == 0 &&
	    st.status == DL_STATUS_STARTING)
		return "container is starting";
	return "container is running";
}

void dl_lxc_forget(const char *lxcpath, const char *id)
{
	_cleanup_free_ char *lock = dl_xasprintf("/run/lxc/lock%s/.%s", lxcpath,
						 id);

	/* only the file: removing directories would race with liblxc
	 * making them for another container */
	unlink(lock);
}
