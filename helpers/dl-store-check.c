/* SPDX-License-Identifier: Apache-2.0 */
/* dl-store-check: find, and with -r repair, what crashes left in a store */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl/btrfs.h"
#include "dl/container.h"
#include "dl/image.h"
#include "dl/json.h"
#include "dl/publish.h"
#include "dl/ref.h"
#include "dl/tmp.h"
#include "dl/volume.h"

#define USAGE "dl-store-check [-r] [-j]"
#define OPTIONS                                                                \
	"  -r          repair: undo or delete each problem found\n"            \
	"  -j          print one JSON document instead of one line a problem\n" \
	"\nEach problem is printed as KIND PATH: DETAIL.  Exit 0 when the\n"   \
	"store is consistent (or was repaired), 1 when problems were found.\n"

static bool repair, as_json;
static json_t *problems;
static size_t found, failed;

/* Report one problem, and whether its repair (if any was tried) worked. */
static void report(const char *kind, const char *path, const char *detail,
		   int ret, const char *why)
{
	found++;
	if (repair && ret) {
		dl_warn("unable to repair '%s': %s", path, why ? why : "");
		failed++;
	}
	if (as_json)
		json_array_append_new(problems,
				      json_pack("{s:s,s:s,s:s,s:b}", "kind",
						kind, "path", path, "detail",
						detail, "repaired",
						repair && !ret));
	else
		printf("%s %s: %s\n", kind, path, detail);
}

static DIR *open_dir(const char *rel)
{
	_cleanup_free_ char *p = dl_path("%s", rel);
	DIR *d = opendir(p);

	if (!d && errno != ENOENT)
		dl_die_sys(DL_EXIT_FAIL, "unable to open '%s'", p);
	return d;
}

static bool has(const char *dir, const char *id, const char *what)
{
	_cleanup_free_ char *p = dl_path("%s/%s/%s", dir, id, what);

	return access(p, F_OK) == 0;
}

/* tmp/: records of publishes cut short, then entries nobody holds */
static void check_tmp(void)
{
	_cleanup_free_ char *top = dl_path("tmp");
	_cleanup_close_ int tfd = -1;
	struct dirent *e;
	DIR *d = open_dir("tmp");

	if (!d)
		return;
	tfd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tfd < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to open '%s'", top);
	while ((e = readdir(d))) {
		_cleanup_free_ char *why = NULL, *rel = NULL;
		bool hit;
		int ret;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		rel = dl_xasprintf("tmp/%s", e->d_name);
		ret = dl_image_intent_undo(tfd, e->d_name, !repair, &hit, &why);
		if (ret || hit) {
			report("pending-publish", rel,
			       "a publish of an image with names was cut short",
			       ret, why);
			continue;
		}
		ret = dl_tmp_sweep_at(tfd, e->d_name, !repair, &hit, &why);
		if (ret || hit)
			report("unowned-tmp", rel, "no live process owns it",
			       ret, why);
	}
	closedir(d);
}

/* Delete @rel, an entry of the store that is no object. */
static void stray(const char *kind, const char *rel, const char *detail)
{
	_cleanup_free_ char *p = dl_path("%s", rel), *why = NULL;
	int ret = repair ? dl_tmp_remove(p, &why) : 0;

	report(kind, rel, detail, ret, why);
}

/* An object's document is rewritten with a reference dropped. */
static int save_doc(const char *path, json_t *doc, char **why)
{
	if (dl_json_save(path, doc) < 0) {
		*why = dl_xstrdup(strerror(errno));
		return DL_EXIT_FAIL;
	}
	return 0;
}

/* A whole image whose parent is gone: its history ends there. */
static void check_parent(const char *id)
{
	_cleanup_free_ char *path = dl_path("images/%s/meta.json", id);
	_cleanup_free_ char *rel = NULL, *why = NULL, *detail = NULL;
	json_t *meta = dl_json_load(path, &why), *v;
	int ret = 0;

	v = json_object_get(meta, "parent");
	if (!json_is_string(v) || !dl_is_id(json_string_value(v)) ||
	    has("images", json_string_value(v), "meta.json")) {
		json_decref(meta);
		return;
	}
	rel = dl_xasprintf("images/%s", id);
	detail = dl_xasprintf("its parent image %.12s does not exist",
			      json_string_value(v));
	if (repair) {
		json_object_set_new(meta, "parent", json_string(""));
		ret = save_doc(path, meta, &why);
	}
	report("missing-parent", rel, detail, ret, why);
	json_decref(meta);
}

/* A container made from images that are gone (deleted by hand, or by an
 * older dl that did not lock): it runs as it is, but commit and diff
 * need its image.  The repair drops the references, so they say so. */
static void check_container_images(const char *id, json_t *spec)
{
	static const char *const keys[] = { "org.dockerlite.image",
					    "org.dockerlite.images" };
	_cleanup_free_ char *path = dl_path("containers/%s/spec.json", id);
	_cleanup_free_ char *rel = NULL, *why = NULL, *detail = NULL;
	json_t *ann;
	size_t i;
	int ret = 0;

	ann = json_object_get(spec, "annotations");
	for (i = 0; i < sizeof(keys) / sizeof(*keys) && !detail; i++) {
		json_t *v = json_object_get(ann, keys[i]);
		_cleanup_free_ char *list = NULL;
		char *one, *save = NULL;

		if (!json_is_string(v))
			continue;
		list = dl_xstrdup(json_string_value(v));
		for (one = strtok_r(list, ",+", &save); one && !detail;
		     one = strtok_r(NULL, ",+", &save))
			if (dl_is_id(one) && !has("images", one, "meta.json"))
				detail = dl_xasprintf("its image %.12s does "
						      "not exist", one);
	}
	if (!detail)
		return;
	rel = dl_xasprintf("containers/%s", id);
	if (repair) {
		for (i = 0; i < sizeof(keys) / sizeof(*keys); i++)
			if (json_object_get(ann, keys[i]))
				json_object_set_new(ann, keys[i],
						    json_string(""));
		ret = save_doc(path, spec, &why);
	}
	report("missing-image", rel, detail, ret, why);
}

/* A subvolume where no object keeps one: the root of a btrfs subvolume
 * is inode 256 (BTRFS_FIRST_FREE_OBJECTID). */
static bool is_subvol(int dfd, const char *name)
{
	struct stat st;

	return fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode) && st.st_ino == 256;
}

/* Subvolumes in @rel (the store, or one object's directory) but @keep. */
static void check_subvols(const char *rel, const char *keep)
{
	_cleanup_free_ char *p = dl_path("%s", rel);
	_cleanup_close_ int dfd = -1;
	struct dirent *e;
	DIR *d;

	dfd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	d = opendir(p);
	if (!d)
		return;
	while ((e = readdir(d))) {
		_cleanup_free_ char *sub = NULL;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    (keep && !strcmp(e->d_name, keep)) ||
		    !is_subvol(dfd, e->d_name))
			continue;
		sub = *rel ? dl_xasprintf("%s/%s", rel, e->d_name)
			   : dl_xstrdup(e->d_name);
		stray("orphan-subvolume", sub, "a subvolume no object keeps");
	}
	closedir(d);
}

static void check_images(void)
{
	struct dirent *e;
	DIR *d = open_dir("images");

	if (!d)
		return;
	while ((e = readdir(d))) {
		_cleanup_free_ char *rel = NULL, *why = NULL;
		_cleanup_close_ int tfd = -1;
		char user[DL_ID_LEN + 1];
		int ret = 0;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		rel = dl_xasprintf("images/%s", e->d_name);
		/* a directory that is no object: an orphan subvolume or the
		 * leftover of an older layout (a file is a person's) */
		if (!dl_is_id(e->d_name) && e->d_type == DT_DIR) {
			stray("stray-entry", rel, "not an image ID");
			continue;
		}
		if (!dl_is_id(e->d_name)) {
			continue;
		}
		if (has("images", e->d_name, "rootfs") &&
		    has("images", e->d_name, "config.json") &&
		    has("images", e->d_name, "meta.json")) {
			check_parent(e->d_name);
			check_subvols(rel, "rootfs");
			continue;
		}
		if (repair && dl_image_user(e->d_name, user)) {
			why = dl_xasprintf("in use by container %.12s", user);
			ret = DL_EXIT_CONFLICT;
		} else if (repair) {
			ret = dl_image_unpublish(e->d_name, &tfd, &why);
			if (!ret)
				ret = dl_tmp_remove_at(tfd, e->d_name, &why);
		}
		report("broken-image", rel,
		       "rootfs, config.json or meta.json is missing", ret, why);
	}
	closedir(d);
}

/* volumes/: each entry a valid name holding the subvolume _data and a
 * readable volume.json, and no other subvolume */
static void check_volumes(void)
{
	struct dirent *e;
	DIR *d = open_dir("volumes");

	if (!d)
		return;
	while ((e = readdir(d))) {
		_cleanup_free_ char *rel = NULL, *data = NULL, *why = NULL;
		json_t *info = NULL;
		char **users = NULL;
		size_t n = 0;
		int ret = 0;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		rel = dl_xasprintf("volumes/%s", e->d_name);
		if (dl_volume_name_check(e->d_name, NULL)) {
			if (e->d_type == DT_DIR)
				stray("stray-entry", rel, "not a volume name");
			continue;
		}
		data = dl_volume_data(e->d_name);
		if (dl_subvol_is(data) == 1 &&
		    dl_volume_inspect(e->d_name, &info, &why) == 0) {
			json_decref(info);
			check_subvols(rel, "_data");
			continue;
		}
		free(dl_steal_pointer(&why));
		if (repair) {
			ret = dl_volume_users(e->d_name, &users, &n, &why);
			if (!ret && n) {
				why = dl_xasprintf("in use by container %.12s",
						   users[0]);
				ret = DL_EXIT_CONFLICT;
			}
			dl_volume_names_free(users);
		}
		if (ret) {
			report("broken-volume", rel, "_data or volume.json is "
			       "missing or unreadable", ret, why);
			continue;
		}
		stray("broken-volume", rel,
		      "_data or volume.json is missing or unreadable");
	}
	closedir(d);
}

/* The container's spec.json when it is there and loads (a power loss can
 * leave it empty), else NULL */
static json_t *load_spec(const char *id)
{
	_cleanup_free_ char *p = dl_path("containers/%s/spec.json", id);
	_cleanup_free_ char *why = NULL;
	json_t *j = dl_json_load(p, &why);

	if (!json_is_object(j)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static void check_containers(void)
{
	struct dirent *e;
	DIR *d = open_dir("containers");

	if (!d)
		return;
	while ((e = readdir(d))) {
		_cleanup_free_ char *rel = NULL, *why = NULL;
		json_auto_t *spec = NULL;
		int ret = 0;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		rel = dl_xasprintf("containers/%s", e->d_name);
		if (!dl_is_id(e->d_name) && e->d_type == DT_DIR) {
			stray("stray-entry", rel, "not a container ID");
			continue;
		}
		if (!dl_is_id(e->d_name)) {
			continue;
		}
		if (has("containers", e->d_name, "rootfs") &&
		    (spec = load_spec(e->d_name))) {
			check_container_images(e->d_name, spec);
			check_subvols(rel, "rootfs");
			continue;
		}
		if (repair) {
			ret = dl_container_remove(e->d_name, &why);
			if (ret == DL_EXIT_NO)
				ret = 0;
		}
		report("broken-container", rel, "rootfs or spec.json is missing or unreadable",
		       ret, why);
	}
	closedir(d);
}

/* A file under refs/ that is no ID (a write cut short, or junk). */
static int ref_file(const char *path, const struct stat *st, int type,
		    struct FTW *ftw)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, top = strlen(dl_root()) + 1;

	if (type != FTW_F && type != FTW_SL)
		return 0;
	if (type == FTW_F && dl_read_file(path, &buf, &len) == 0 &&
	    len == DL_ID_LEN + 1 && buf[DL_ID_LEN] == '\n') {
		buf[DL_ID_LEN] = '\0';
		if (dl_is_id(buf) && !strstr(path + ftw->base, ".tmp."))
			return 0;
	}
	report("corrupt-ref", path + top, "not a name file holding an ID",
	       repair && unlink(path) < 0 ? DL_EXIT_FAIL : 0, strerror(errno));
	(void)st;
	return 0;
}

static void check_refs(void)
{
	_cleanup_free_ char *top = dl_path("refs");
	struct dl_ref_entry *v = NULL;
	char *why = NULL;
	size_t n = 0, i;
	int ret;

	if (nftw(top, ref_file, 16, FTW_PHYS) < 0 && errno != ENOENT)
		dl_die_sys(DL_EXIT_FAIL, "unable to walk '%s'", top);
	ret = dl_ref_container_list(&v, &n, &why);
	if (ret)
		dl_die(ret, "unable to list 'refs/containers': %s", why);
	for (i = 0; i < n; i++) {
		_cleanup_free_ char *rel = NULL, *detail = NULL;

		if (dl_container_exists(v[i].id))
			continue;
		rel = dl_xasprintf("refs/containers/%s", v[i].name);
		detail = dl_xasprintf("container %.12s does not exist",
				      v[i].id);
		free(why);
		why = NULL;
		ret = repair ? dl_ref_container_rm_if(v[i].name, v[i].id, &why)
			     : 0;
		report("dangling-name", rel, detail,
		       ret == DL_EXIT_NO ? 0 : ret, why);
	}
	dl_ref_entries_free(v, n);
	ret = dl_ref_image_list(NULL, &v, &n, &why);
	if (ret)
		dl_die(ret, "unable to list 'refs/images': %s", why);
	for (i = 0; i < n; i++) {
		_cleanup_free_ char *rel = NULL, *detail = NULL, *img = NULL;
		struct dl_ref r = { v[i].repo, v[i].tag };

		img = dl_path("images/%s", v[i].id);
		if (access(img, F_OK) == 0)
			continue;
		rel = dl_xasprintf("refs/images/%s/:%s", v[i].repo, v[i].tag);
		detail = dl_xasprintf("image %.12s does not exist", v[i].id);
		free(why);
		why = NULL;
		ret = repair ? dl_ref_image_rm(&r, &why) : 0;
		report("dangling-name", rel, detail,
		       ret == DL_EXIT_NO ? 0 : ret, why);
	}
	dl_ref_entries_free(v, n);
	free(why);
}

/* liblxc's lock files of containers that are gone */
static void check_locks(void)
{
	_cleanup_free_ char *dir = dl_path("containers"), *real = NULL;
	_cleanup_free_ char *locks = NULL;
	struct dirent *e;
	DIR *d;

	real = realpath(dir, NULL);
	if (!real)
		return;
	locks = dl_xasprintf("/run/lxc/lock%s", real);
	d = opendir(locks);
	if (!d)
		return;
	while ((e = readdir(d))) {
		_cleanup_free_ char *p = NULL;

		if (e->d_name[0] != '.' || !dl_is_id(e->d_name + 1) ||
		    has("containers", e->d_name + 1, "."))
			continue;
		p = dl_xasprintf("%s/%s", locks, e->d_name);
		report("stale-lock", p, "its container does not exist",
		       repair && unlink(p) < 0 && errno != ENOENT
			       ? DL_EXIT_FAIL
			       : 0,
		       strerror(errno));
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *why = NULL;
	int opt, ret;

	dl_set_prog(argv[0]);
	opterr = 0; /* dl_usage() says it, in the one format */
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	while ((opt = getopt(argc, argv, "+rj")) != -1) {
		if (opt == 'r')
			repair = true;
		else if (opt == 'j')
			as_json = true;
		else
			dl_usage(USAGE);
	}
	if (optind != argc)
		dl_usage(USAGE);
	dl_store_need();
	problems = json_array();
	if (!problems)
		dl_die(DL_EXIT_FAIL, "unable to check 'store': out of memory");
	/* nothing is made, named or removed meanwhile */
	ret = dl_ref_lock(&why);
	if (ret)
		dl_die(ret, "unable to lock 'refs': %s", why);
	check_tmp();
	/* the store's own directories are never subvolumes */
	check_subvols("", NULL);
	check_images();
	check_containers();
	check_volumes();
	check_refs();
	check_locks();
	dl_ref_unlock();
	if (as_json) {
		json_t *doc = json_pack("{s:o,s:b}", "problems", problems,
					"repaired", repair && !failed);

		if (!doc || dl_json_print(doc) < 0)
			dl_die_sys(DL_EXIT_FAIL, "unable to write 'stdout'");
		json_decref(doc);
	} else {
		json_decref(problems);
	}
	ret = dl_finish_stdout();
	if (ret)
		return ret;
	if (failed)
		dl_die(DL_EXIT_FAIL, "unable to repair 'store': %zu of %zu "
		       "problems left", failed, found);
	return found && !repair ? DL_EXIT_NO : 0;
}
