/* SPDX-License-Identifier: Apache-2.0 */
/* derive.c: a new image made from another one's root, with no container */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dl.h"
#include "dl/btrfs.h"
#include "dl/derive.h"
#include "dl/image.h"
#include "dl/ref.h"
#include "dl/time.h"
#include "dl/tmp.h"

int dl_derive_begin(struct dl_derive *d, const char *parent, char **reason)
{
	_cleanup_free_ char *src = NULL, *why = NULL;
	struct stat st;
	int ret;

	*d = (struct dl_derive){ .lock = -1 };
	d->parent = dl_xstrdup(parent);
	src = dl_path("images/%s/rootfs", parent);
	if (lstat(src, &st) < 0)
		return dl_fail(reason, errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
			       "unable to open image '%s': %s", parent,
			       errno == ENOENT ? "no such image"
					       : strerror(errno));
	if (dl_new_id(d->id) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "unable to make 'image ID': %s",
			       strerror(errno));
	d->dir = dl_path("tmp/%s", d->id);
	d->rootfs = dl_path("tmp/%s/rootfs", d->id);
	d->pub = dl_path("images/%s", d->id);
	/* tmp/ID is ours while locked; a sweep takes it once we are gone */
	ret = dl_tmp_make(d->id, &d->lock, &why);
	if (ret)
		return dl_fail(reason, ret, "unable to create '%s': %s", d->dir,
			       why);
	d->made = true;
	ret = dl_subvol_snapshot(src, d->rootfs, false, &why);
	if (ret)
		return dl_fail(reason, ret, "unable to snapshot '%s': %s", src,
			       why);
	return 0;
}

int dl_derive_publish(struct dl_derive *d, const json_t *config, bool hidden,
		      char **reason)
{
	_cleanup_free_ char *par = dl_path("images/%s", d->parent), *why = NULL;
	char now[DL_TIME_LEN + 1];
	struct dl_image_meta meta;
	struct stat st;
	int ret;

	if (dl_time_now(now) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "unable to read 'the clock': %s",
			       strerror(errno));
	ret = dl_subvol_set_ro(d->rootfs, true, &why);
	if (ret)
		return dl_fail(reason, ret, "unable to set '%s' read-only: %s",
			       d->rootfs, why);
	/* size: unknown; counting would walk the whole tree */
	meta = (struct dl_image_meta){ .id = d->id, .parent = d->parent,
				       .created = now, .hidden = hidden };
	ret = dl_image_docs_write(d->dir, &meta, config, DL_WRITE_NOSYNC,
				  reason);
	if (ret)
		return ret;
	dl_fault("dl-derive:docs");
	/* dl image rm decides under this lock: the parent is there, or this
	 * image is not published */
	ret = dl_ref_lock(&why);
	if (ret)
		return dl_fail(reason, ret, "unable to lock 'refs': %s", why);
	if (lstat(par, &st) < 0)
		ret = dl_fail(reason, errno == ENOENT ? DL_EXIT_CONFLICT
						      : DL_EXIT_FAIL,
			      "unable to publish image '%s': %s", d->id,
			      errno == ENOENT ? "its parent was removed"
					      : strerror(errno));
	if (!ret)
		ret = dl_image_publish(d->dir, d->pub, &d->published, reason);
	dl_ref_unlock();
	if (!ret)
		d->done = true;
	return ret;
}

int dl_derive_undo(struct dl_derive *d, char **reason)
{
	_cleanup_free_ char *why = NULL;
	int ret = 0;

	if (!d->done && d->published && rename(d->pub, d->dir) < 0)
		ret = dl_fail(reason, DL_EXIT_FAIL, "unable to unpublish '%s': %s",
			      d->pub, strerror(errno));
	else if (!d->done && d->made && dl_tmp_remove(d->dir, &why))
		ret = dl_fail(reason, DL_EXIT_FAIL, "unable to remove '%s': %s",
			      d->dir, why);
	dl_closep(&d->lock);
	free(d->parent);
	free(d->dir);
	free(d->rootfs);
	free(d->pub);
	*d = (struct dl_derive){ .lock = -1 };
	return ret;
}
