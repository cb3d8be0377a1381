/* SPDX-License-Identifier: Apache-2.0 */
/* dl-commit: make an image from a container's root filesystem */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <btrfsutil.h>
#include <jansson.h>

#include "dl.h"
#include "dl/btrfs.h"
#include "dl/freeze.h"
#include "dl/image.h"
#include "dl/imgconfig.h"
#include "dl/json.h"
#include "dl/publish.h"
#include "dl/ref.h"
#include "dl/time.h"
#include "dl/tmp.h"
#include "dl/tree.h"

#define USAGE                                                                  \
	"dl-commit [-P] [-H] [-C CONFIG] [-m MESSAGE] [-a AUTHOR] [-t NAME] "  \
	"CONTAINER_ID"
#define OPTIONS                                                                \
	"  -P          do not freeze a running container while copying\n"   \
	"  -H          a hidden image: listed by dl-image-ls -a only, and\n" \
	"              removed with its last child (the steps of dl build)\n" \
	"  -C CONFIG   the image config, used as it is (a file, - for stdin;\n" \
	"              make it with dl-image-config -b); default: the config\n" \
	"              of the container's image, stamped\n"                  \
	"  -m MESSAGE  commit message\n"                                      \
	"  -a AUTHOR   author\n"                                              \
	"  -t NAME     name the new image\n"

/* What a btrfs snapshot shows where a nested subvolume was. */
#define EMPTY_SUBVOL_DIR_INO 2

/* How often a nested subvolume that moved meanwhile is looked up again,
 * a millisecond apart, before the commit gives up (exit 3). */
#define MOVED_TRIES 200

static struct {
	const char *id;
	char *dir, *rootfs, *pub;
	struct dl_freeze fz;
	bool made_dir, published;
	bool done;
	int intent; /* tmp/IMGID.publish: the record of publish and tag */
} undo = { .intent = -1 };

/* Thaw the container, warning when it fails; the undo's first step. */
static void thaw(bool fatal)
{
	_cleanup_free_ char *why = NULL;

	if (!dl_freeze_end(&undo.fz, &why))
		return;
	if (fatal)
		dl_die(DL_EXIT_FAIL, "unable to thaw container '%s': %s",
		       undo.id, why);
	dl_warn("unable to thaw container '%s': %s", undo.id, why);
}

static void undo_all(void)
{
	char *why = NULL;

	thaw(false);
	if (undo.done)
		return;
	if (undo.published && rename(undo.pub, undo.dir) < 0) {
		dl_warn("unable to unpublish '%s': %s", undo.pub,
			strerror(errno));
		return;
	}
	if (undo.made_dir && dl_tmp_remove(undo.dir, &why))
		dl_warn("unable to remove '%s': %s", undo.dir, why);
	free(why);
	/* the tag was never set: nothing is left for the record to undo */
	if (undo.intent >= 0)
		dl_image_intent_end(strrchr(undo.pub, '/') + 1, &undo.intent);
}

/* Take the refs lock and record the publish of @img with name @r. */
static void record(const struct dl_ref *r, const char *img, const char *tag)
{
	_cleanup_free_ char *why = NULL;
	char old[DL_ID_LEN + 1] = "";
	bool had_old;
	int ret = dl_ref_lock(&why);

	if (!ret) {
		ret = dl_ref_image_get(r, old, &why);
		had_old = !ret;
		if (ret == DL_EXIT_NO)
			ret = 0;
	}
	if (!ret)
		ret = dl_image_intent_begin(img, r, &old, &had_old, 1,
					    &undo.intent, &why);
	if (ret)
		dl_die(ret, "unable to tag '%s': %s", tag, why);
}

static json_t *jcheck(json_t *j)
{
	if (!j)
		dl_die(DL_EXIT_FAIL, "unable to build 'config.json': out of "
		       "memory");
	return j;
}

static noreturn void moved(const char *id)
{
	dl_die(DL_EXIT_CONFLICT, "unable to commit container '%s': its nested "
	       "subvolumes moved while being copied (commit it paused)", id);
}

static void nested(int fd, const char *src, struct dl_subvol_child **v,
		   size_t *n)
{
	_cleanup_free_ char *why = NULL;
	int ret = dl_subvol_children(fd, v, n, &why);

	if (ret)
		dl_die(ret, "unable to list subvolumes of '%s': %s", src, why);
}

static bool same_children(const struct dl_subvol_child *a, size_t na,
			  const struct dl_subvol_child *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (a[i].id != b[i].id || a[i].dir != b[i].dir ||
		    strcmp(a[i].name, b[i].name))
			return false;
	return true;
}

/*
 * Open nested subvolume @k of the live root @srcfd: by its directory's
 * inode, beneath the root with no symlink followed, and checked to be that
 * subvolume, so a process renaming things or putting symlinks in place
 * meanwhile can make us look again, or give up, but never lead out.
 */
static int open_live(int srcfd, const struct dl_subvol_child *k,
		     const char *id)
{
	const struct timespec ms = { 0, 1000 * 1000 };
	int i;

	for (i = 0; i < MOVED_TRIES; i++, nanosleep(&ms, NULL)) {
		_cleanup_free_ char *why = NULL;
		_cleanup_close_ int dfd = -1, fd = -1;
		uint64_t sid;
		int ret;

		ret = dl_subvol_open_dir(srcfd, k->dir, &dfd, &why);
		if (ret == DL_EXIT_CONFLICT || ret == DL_EXIT_NO)
			continue;
		if (ret)
			dl_die(ret, "unable to open subvolume '%s': %s",
			       k->name, why);
		fd = openat(dfd, k->name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && (errno == ENOENT || errno == ENOTDIR ||
			       errno == ELOOP))
			continue;
		if (fd < 0)
			dl_die_sys(DL_EXIT_FAIL, "unable to open subvolume "
				   "'%s'", k->name);
		if (btrfs_util_subvolume_id_fd(fd, &sid) || sid != k->id)
			continue;
		return dl_steal_fd(&fd);
	}
	moved(id);
}

/*
 * A snapshot shows a nested subvolume as an empty placeholder directory:
 * replace each by a real directory holding a reflink copy of its files
 * (dl_copy_tree() crosses into deeper subvolumes), so the image never
 * silently lacks what the container wrote there.  @kids are the children
 * listed before the snapshot: listed again after it, they must be the
 * same, and each must have its placeholder in the snapshot where it was
 * (found by inode, not path), or else the root changed under us (exit 3).
 */
static void lay_nested(const char *id, const char *src, int srcfd, int dstfd,
		       const struct dl_subvol_child *kids, size_t nkids)
{
	struct dl_subvol_child *now = NULL;
	size_t i, nnow = 0;

	nested(srcfd, src, &now, &nnow);
	if (!same_children(kids, nkids, now, nnow))
		moved(id);
	dl_subvol_children_free(now, nnow);
	for (i = 0; i < nkids; i++) {
		const struct dl_subvol_child *k = &kids[i];
		_cleanup_free_ char *why = NULL;
		_cleanup_close_ int sfd = -1, pfd = -1, dfd = -1;
		struct stat st;

		if (dl_subvol_open_dir(dstfd, k->dir, &pfd, &why) ||
		    fstatat(pfd, k->name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode) || st.st_ino != EMPTY_SUBVOL_DIR_INO)
			moved(id);
		sfd = open_live(srcfd, k, id);
		if (unlinkat(pfd, k->name, AT_REMOVEDIR) < 0 ||
		    mkdirat(pfd, k->name, 0700) < 0)
			dl_die_sys(DL_EXIT_FAIL, "unable to replace '%s'",
				   k->name);
		dfd = openat(pfd, k->name,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dfd < 0)
			dl_die_sys(DL_EXIT_FAIL, "unable to open '%s'", k->name);
		if (dl_copy_tree(sfd, dfd, 0, NULL, &why))
			dl_die(DL_EXIT_FAIL, "unable to copy subvolume '%s': %s",
			       k->name, why);
	}
}

/* The container's spec: its image ID and command. */
static json_t *load_spec(const char *id, const char **image)
{
	_cleanup_free_ char *path = dl_path("containers/%s/spec.json", id);
	_cleanup_free_ char *why = NULL;
	json_t *spec = dl_json_load(path, &why), *v;

	if (!spec)
		dl_die(DL_EXIT_REJECT, "unable to load '%s': %s", path, why);
	v = json_object_get(json_object_get(spec, "annotations"),
			    "org.dockerlite.image");
	*image = json_is_string(v) && dl_is_id(json_string_value(v))
			 ? json_string_value(v)
			 : "";
	return spec;
}

/* Stamp the config as Docker's commit does: created, author, and one
 * history entry made by the container's command. */
static void stamp(json_t *cfg, json_t *spec, const char *now,
		  const char *msg, const char *author)
{
	json_t *args = json_object_get(json_object_get(spec, "process"),
				       "args"), *v;
	_cleanup_free_ char *by = dl_xstrdup("");
	struct dl_history h = { .created = now, .comment = msg,
				.author = author };
	size_t i;

	json_array_foreach(args, i, v) {
		char *s = dl_xasprintf("%s%s%s", by, i ? " " : "",
				       json_string_value(v) ?: "");
		free(by);
		by = s;
	}
	h.created_by = by;
	if (dl_imgconfig_stamp(cfg, &h) < 0)
		dl_die_sys(errno == EINVAL ? DL_EXIT_REJECT : DL_EXIT_FAIL,
			   "unable to stamp 'config.json'");
}

int main(int argc, char **argv)
{
	const char *config = NULL, *msg = "", *author = "", *tag = NULL;
	const char *id, *parent;
	_cleanup_free_ char *src = NULL, *path = NULL, *why = NULL;
	_cleanup_close_ int srcfd = -1, dstfd = -1, lock = -1;
	struct dl_subvol_child *kids = NULL;
	struct dl_ref ref = { 0 };
	char img[DL_ID_LEN + 1], now[DL_TIME_LEN + 1];
	struct dl_image_meta meta;
	bool pause = true, hidden = false;
	size_t nkids = 0;
	json_t *spec, *cfg;
	struct stat st;
	int c, ret;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	while ((c = getopt(argc, argv, "+PHC:m:a:t:")) != -1) {
		switch (c) {
		case 'P':
			pause = false;
			break;
		case 'H':
			hidden = true;
			break;
		case 'C':
			config = optarg;
			break;
		case 'm':
			msg = optarg;
			break;
		case 'a':
			author = optarg;
			break;
		case 't':
			tag = optarg;
			break;
		default:
			dl_usage(USAGE);
		}
	}
	if (argc - optind != 1)
		dl_usage(USAGE);
	if (!dl_is_id(argv[optind]))
		dl_die(DL_EXIT_USAGE, "unable to commit container '%s': " DL_ID_INVALID,
		       argv[optind]);
	dl_store_need();
	id = argv[optind];
	if (tag && (ret = dl_ref_parse(tag, &ref, &why)))
		dl_die(ret, "unable to use name '%s': %s", tag, why);

	src = dl_path("containers/%s/rootfs", id);
	if (lstat(src, &st) < 0)
		dl_die(errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
		       "unable to commit container '%s': %s", id,
		       errno == ENOENT ? "no such container" : strerror(errno));
	spec = load_spec(id, &parent);
	if (!config && !*parent)
		dl_die(DL_EXIT_REJECT, "unable to commit container '%s': its "
		       "spec names no image", id);
	path = config ? dl_xstrdup(config)
		      : dl_path("images/%s/config.json", parent);
	ret = dl_imgconfig_load(path, &cfg, &why);
	if (ret)
		dl_die(ret, "%s", why);
	if (dl_time_now(now) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to read 'the clock'");
	/* a CONFIG given is stamped by its maker (dl-image-config -b) */
	if (!config)
		stamp(cfg, spec, now, msg, author);
	/* layer digests are computed lazily, at export */
	json_object_set_new(cfg, "rootfs",
			    jcheck(json_pack("{s:s,s:[]}", "type", "layers",
					     "diff_ids")));
	if (dl_new_id(img) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to make 'image ID'");

	/* side effects from here on: undone at exit unless done */
	undo.id = id;
	undo.dir = dl_path("tmp/%s", img);
	undo.rootfs = dl_path("tmp/%s/rootfs", img);
	undo.pub = dl_path("images/%s", img);
	atexit(undo_all);
	/* tmp/ID is ours while locked; a sweep takes it once we are gone */
	ret = dl_tmp_make(img, &lock, &why);
	if (ret)
		dl_die(DL_EXIT_FAIL, "unable to create '%s': %s", undo.dir,
		       why);
	undo.made_dir = true;
	dl_fault("dl-commit:tmp");
	srcfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (srcfd < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to open '%s'", src);
	/* as docker commit: nothing in the container moves while we copy;
	 * the guard thaws it again even if we are killed */
	if (pause && (ret = dl_freeze_start(id, &undo.fz, &why)))
		dl_die(ret, "unable to freeze container '%s': %s", id, why);
	dl_fault("dl-commit:frozen");
	nested(srcfd, src, &kids, &nkids);
	ret = dl_subvol_snapshot(src, undo.rootfs, false, &why);
	if (ret)
		dl_die(DL_EXIT_FAIL, "unable to snapshot '%s': %s", src, why);
	dl_fault("dl-commit:snapshot");
	dstfd = open(undo.rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dstfd < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to open '%s'", undo.rootfs);
	lay_nested(id, src, srcfd, dstfd, kids, nkids);
	dl_subvol_children_free(kids, nkids);
	dl_fault("dl-commit:copied");
	thaw(true);
	dl_fault("dl-commit:thawed");
	ret = dl_subvol_set_ro(undo.rootfs, true, &why);
	if (ret)
		dl_die(DL_EXIT_FAIL, "unable to set '%s' read-only: %s",
		       undo.rootfs, why);

	/* size: unknown for a commit; counting would walk the whole tree */
	meta = (struct dl_image_meta){ .id = img, .parent = parent,
				       .created = now, .comment = msg,
				       .author = author, .hidden = hidden };
	ret = dl_image_docs_write(undo.dir, &meta, cfg, DL_WRITE_NOSYNC, &why);
	if (ret)
		dl_die(ret, "%s", why);
	dl_fault("dl-commit:meta");
	/* the publish and the tag are one step for every other command (they
	 * wait on the refs lock), recorded so that a crash in between is
	 * undone by the next dl-store-sweep or dl system check --repair */
	if (tag)
		record(&ref, img, tag);
	dl_fault("dl-commit:record");
	/* the nested copies and documents were not fsync'd: one commit */
	ret = dl_image_publish(undo.dir, undo.pub, &undo.published, &why);
	if (ret)
		dl_die(ret, "%s", why);
	dl_fault("dl-commit:published");
	if (tag && (ret = dl_ref_image_set(&ref, img, &why)))
		dl_die(ret, "unable to tag '%s': %s", tag, why);
	undo.done = true;
	if (tag) {
		dl_image_intent_end(img, &undo.intent);
		dl_ref_unlock();
	}
	dl_closep(&lock);
	printf("%s\n", img);

	dl_ref_free(&ref);
	json_decref(cfg);
	json_decref(spec);
	free(undo.dir);
	free(undo.rootfs);
	free(undo.pub);
	return dl_finish_stdout();
}
