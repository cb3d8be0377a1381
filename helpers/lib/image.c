/* SPDX-License-Identifier: Apache-2.0 */
/* image.c: images in the store: their documents, listing, and the
 * Docker-shaped objects `docker image inspect` prints */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/btrfs.h>

#include <jansson.h>

#include "dl.h"
#include "dl/change.h"
#include "dl/image.h"
#include "dl/registrydigest.h"
#include "dl/json.h"
#include "dl/ref.h"
#include "dl/time.h"

int dl_image_doc_load(const char *path, enum dl_image_doc kind, json_t **out,
		      char **reason)
{
	json_t *j;

	*reason = NULL;
	*out = NULL;
	if (strcmp(path, "-") && access(path, F_OK) < 0) {
		*reason = dl_xstrdup(strerror(errno));
		return errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL;
	}
	j = dl_json_load(path, reason);
	if (!j)
		return DL_EXIT_REJECT;
	if (kind == DL_DOC_OBJECT && !json_is_object(j))
		*reason = dl_xstrdup("not a JSON object");
	else if (kind != DL_DOC_OBJECT)
		*reason = kind == DL_DOC_META ? dl_image_meta_check(j)
					      : dl_image_config_check(j);
	if (*reason) {
		json_decref(j);
		return DL_EXIT_REJECT;
	}
	*out = j;
	return 0;
}

static const char *str(json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s && *s ? s : dflt;
}

/* The time a name last moved to @id: the newest mtime of its ref files */
static json_t *last_tag_time(const struct dl_ref_entry *refs, size_t n,
			     const char *id)
{
	struct timespec best = { 0, 0 };
	char out[DL_TIME_LEN + 1];
	size_t i;

	for (i = 0; i < n; i++) {
		_cleanup_free_ char *p = NULL;
		struct stat st;

		if (strcmp(refs[i].id, id))
			continue;
		p = dl_path("refs/images/%s/:%s", refs[i].repo, refs[i].tag);
		if (stat(p, &st) == 0 &&
		    (st.st_mtim.tv_sec > best.tv_sec ||
		     (st.st_mtim.tv_sec == best.tv_sec &&
		      st.st_mtim.tv_nsec > best.tv_nsec)))
			best = st.st_mtim;
	}
	if (best.tv_sec == 0 || dl_time_format(&best, out) < 0)
		return json_string("0001-01-01T00:00:00Z");
	return json_string(out);
}

/* @v itself when it is of the right type, else @dflt (a new reference) */
static json_t *or_default(json_t *v, bool ok, json_t *dflt)
{
	if (!ok)
		return dflt;
	json_decref(dflt);
	return json_incref(v);
}

/* RootFS in Docker's shape: {"Type", "Layers": diff_ids}, and the layer
 * digests of a loaded image (meta.json "layers") */
static json_t *rootfs_object(json_t *cfg, json_t *meta)
{
	json_t *r = json_object_get(cfg, "rootfs");
	json_t *ids = json_object_get(r, "diff_ids"), *layers, *l;
	json_t *o = json_pack("{s:s,s:O}", "Type", str(r, "type", "layers"),
			      "Layers", json_is_array(ids) ? ids : NULL);
	json_t *digests = json_array();
	size_t i;

	if (o && !json_is_array(ids))
		json_object_set_new(o, "Layers", json_array());
	layers = json_object_get(meta, "layers");
	json_array_foreach(layers, i, l)
		json_array_append_new(digests,
				      json_string(str(l, "digest", "")));
	if (o && json_array_size(layers) &&
	    json_object_set(o, "LayerDigests", digests) < 0)
		json_decref(dl_steal_pointer(&o));
	json_decref(digests);
	return o;
}

/* RepoDigests: "REPO@DIGEST" of each repository a registry told the
 * digest of (dl/registrydigest.h: pulled by an index, pushed), then of
 * each other repository naming @id, for an image with a manifest digest
 * (a loaded one) */
static json_t *repo_digests(json_t *meta, const struct dl_ref_entry *refs,
			    size_t nrefs, const char *id)
{
	const char *d = str(json_object_get(meta, "manifest"), "digest", "");
	json_auto_t *known = dl_repo_digests_load(id);
	json_t *out = json_array(), *kv;
	const char *repo;

	json_object_foreach(known, repo, kv)
		if (out && json_is_string(kv))
			json_array_append_new(out, json_sprintf("%s@%s", repo,
						json_string_value(kv)));
	for (size_t i = 0; out && *d && i < nrefs; i++) {
		_cleanup_free_ char *s = NULL;
		size_t k;
		json_t *v;
		bool dup = false;

		if (strcmp(refs[i].id, id) ||
		    json_object_get(known, refs[i].repo))
			continue;
		s = dl_xasprintf("%s@%s", refs[i].repo, d);
		json_array_foreach(out, k, v)
			dup = dup || !strcmp(json_string_value(v), s);
		if (!dup)
			json_array_append_new(out, json_string(s));
	}
	return out;
}

/* The object of image @id from its loaded @cfg and @meta, or NULL. */
static json_t *make_object(const char *id, json_t *cfg, json_t *meta,
			   const struct dl_ref_entry *refs, size_t nrefs)
{
	const char *parent = str(meta, "parent", "");
	json_t *tags = json_array(), *o, *c, *size, *rootfs, *variant;
	size_t i;

	for (i = 0; tags && i < nrefs; i++)
		if (!strcmp(refs[i].id, id) &&
		    json_array_append_new(tags,
					  json_string(refs[i].name)) < 0)
			json_decref(dl_steal_pointer(&tags));
	c = json_object_get(cfg, "config");
	size = json_object_get(meta, "size");
	rootfs = rootfs_object(cfg, meta);
	o = json_pack("{s:s+, s:o, s:o, s:s+, s:s, s:s, s:s, s:o, s:s, s:s,"
		      " s:o, s:o, s:{s:o}}",
		      "Id", "sha256:", id, "RepoTags", tags, "RepoDigests",
		      repo_digests(meta, refs, nrefs, id), "Parent", *parent ? "sha256:" : "", parent, "Comment",
		      str(meta, "comment", ""), "Created",
		      str(meta, "created", str(cfg, "created", "")), "Author",
		      str(meta, "author", str(cfg, "author", "")), "Config",
		      or_default(c, json_is_object(c), json_object()),
		      "Architecture", str(cfg, "architecture", ""), "Os",
		      str(cfg, "os", ""), "Size",
		      or_default(size, json_is_integer(size), json_integer(0)),
		      "RootFS", rootfs ? rootfs : json_object(),
		      "Metadata", "LastTagTime",
		      last_tag_time(refs, nrefs, id));
	variant = json_object_get(cfg, "variant");
	if (o && variant &&
	    json_object_set_new(o, "Variant", json_incref(variant)) < 0)
		json_decref(dl_steal_pointer(&o));
	return o;
}

int dl_image_inspect(const char *id, const struct dl_ref_entry *refs,
		     size_t nrefs, struct dl_image_info *out, char **reason)
{
	_cleanup_free_ char *cpath = dl_path("images/%s/config.json", id);
	_cleanup_free_ char *mpath = dl_path("images/%s/meta.json", id);
	_cleanup_free_ char *dir = dl_path("images/%s", id);
	json_t *cfg = NULL, *meta = NULL;
	struct stat st;
	int code;

	*reason = NULL;
	if (!dl_is_id(id)) {
		*reason = dl_xstrdup("not a full image ID");
		return DL_EXIT_USAGE;
	}
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		*reason = dl_xstrdup("no such image");
		return DL_EXIT_NO;
	}
	code = dl_image_doc_load(cpath, DL_DOC_OBJECT, &cfg, reason);
	if (!code)
		code = dl_image_doc_load(mpath, DL_DOC_OBJECT, &meta, reason);
	if (code) {
		char *w = dl_xasprintf("%s: %s", cfg ? mpath : cpath, *reason);

		free(*reason);
		*reason = w;
		json_decref(cfg);
		return code == DL_EXIT_NO ? DL_EXIT_REJECT : code;
	}
	memcpy(out->id, id, DL_ID_LEN + 1);
	out->hidden = json_is_true(json_object_get(meta, "hidden"));
	out->obj = make_object(id, cfg, meta, refs, nrefs);
	if (!out->obj ||
	    dl_time_parse(json_string_value(json_object_get(out->obj,
							    "Created")),
			  &out->created) < 0)
		out->created.tv_sec = out->created.tv_nsec = 0;
	json_decref(cfg);
	json_decref(meta);
	if (!out->obj) {
		*reason = dl_xstrdup("out of memory");
		return DL_EXIT_FAIL;
	}
	return 0;
}

bool dl_image_child(const char *id, const char *except)
{
	_cleanup_free_ char **ids = NULL;
	_cleanup_free_ char *why = NULL;
	bool found = false;
	size_t n = 0, i;

	if (dl_image_ids(&ids, &n, &why))
		return true;
	for (i = 0; i < n; i++) {
		_cleanup_free_ char *p = NULL;
		json_t *meta;

		if (!found && strcmp(ids[i], id) &&
		    (!except || strcmp(ids[i], except))) {
			p = dl_path("images/%s/meta.json", ids[i]);
			meta = dl_json_load(p, &why);
			free(why);
			why = NULL;
			found = !strcmp(str(meta, "parent", ""), id);
			json_decref(meta);
		}
		free(ids[i]);
	}
	return found;
}

static int cmp_image(const void *a, const void *b)
{
	const struct dl_image_info *x = a, *y = b;

	if (x->created.tv_sec != y->created.tv_sec)
		return x->created.tv_sec < y->created.tv_sec ? 1 : -1;
	if (x->created.tv_nsec != y->created.tv_nsec)
		return x->created.tv_nsec < y->created.tv_nsec ? 1 : -1;
	return strcmp(x->id, y->id);
}

void dl_image_info_sort(struct dl_image_info *v, size_t n)
{
	if (n)
		qsort(v, n, sizeof(*v), cmp_image);
}

int dl_image_ids(char ***out, size_t *n, char **reason)
{
	_cleanup_free_ char *images = dl_path("images");
	char **v = NULL;
	size_t cap = 0, i;
	struct dirent *de;
	DIR *d;

	*reason = NULL;
	*out = NULL;
	*n = 0;
	d = opendir(images);
	if (!d) {
		if (errno == ENOENT)
			return 0;
		*reason = dl_xstrdup(strerror(errno));
		return DL_EXIT_FAIL;
	}
	while ((errno = 0, de = readdir(d))) {
		if (!dl_is_id(de->d_name) || dl_image_pending(de->d_name))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			v = dl_xrealloc(v, cap * sizeof(*v));
		}
		v[(*n)++] = dl_xstrdup(de->d_name);
	}
	if (errno) {
		*reason = dl_xstrdup(strerror(errno));
		closedir(d);
		for (i = 0; i < *n; i++)
			free(v[i]);
		free(v);
		*n = 0;
		return DL_EXIT_FAIL;
	}
	closedir(d);
	*out = v;
	return 0;
}

int dl_image_docs_write(const char *dir, const struct dl_image_meta *m,
			const json_t *config, unsigned int flags,
			char **reason)
{
	_cleanup_free_ char *cpath = dl_xasprintf("%s/config.json", dir);
	_cleanup_free_ char *mpath = dl_xasprintf("%s/meta.json", dir);
	const char *bad = NULL;
	json_t *meta;

	*reason = NULL;
	meta = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "id", m->id,
			 "parent", m->parent ? m->parent : "", "created",
			 m->created, "comment", m->comment ? m->comment : "",
			 "author", m->author ? m->author : "", "size",
			 (json_int_t)m->size);
	if (!meta || (m->hidden &&
		      json_object_set_new(meta, "hidden", json_true()) < 0)) {
		json_decref(meta);
		*reason = dl_xasprintf("unable to build '%s': invalid UTF-8 "
				       "or out of memory", mpath);
		return DL_EXIT_FAIL;
	}
	if (dl_json_save_flags(cpath, config, flags) < 0)
		bad = cpath;
	else if (dl_json_save_flags(mpath, meta, flags) < 0)
		bad = mpath;
	if (bad)
		*reason = dl_xasprintf("unable to write '%s': %s", bad,
				       strerror(errno));
	json_decref(meta);
	return bad ? DL_EXIT_FAIL : 0;
}

/*
 * Why one sync before the publishing rename is enough, on btrfs:
 * BTRFS_IOC_SYNC (as syncfs(2), which is measured a little slower here)
 * writes back every dirty page of the filesystem, waits for it, and commits
 * the running transaction.  btrfs is copy-on-write: a transaction reaches
 * the disk whole (new trees, then the superblock pointing at them) or not
 * at all, and transactions commit in order.  The rename is made after the
 * commit that holds all the data of tmp/ID, its subvolume, files and
 * read-only flag, so no later state of the disk, whether from a commit or
 * from a replayed fsync log, can show images/ID without them: after a
 * crash it is either not published (tmp/ID is swept as dead work) or whole.
 * One commit instead of an fsync per file: the first fsync after making a
 * subvolume costs a full commit anyway, and each one after it a log write.
 */
int dl_image_sync(const char *dir, char **reason)
{
	_cleanup_close_ int fd = -1;

	*reason = NULL;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && ioctl(fd, BTRFS_IOC_SYNC, NULL) == 0)
		return 0;
	/* not btrfs (ENOTTY): the generic call */
	if (fd < 0 || syncfs(fd) < 0) {
		*reason = dl_xasprintf("unable to sync '%s': %s", dir,
				       strerror(errno));
		return DL_EXIT_FAIL;
	}
	return 0;
}

int dl_image_publish(const char *tmp, const char *image, bool *published,
		     char **reason)
{
	_cleanup_free_ char *parent = dl_xstrdup(image);
	_cleanup_close_ int fd = -1;
	char *slash;
	int r;

	*published = false;
	if ((r = dl_image_sync(tmp, reason)))
		return r;
	if (rename(tmp, image) < 0) {
		*reason = dl_xasprintf("unable to publish '%s': %s", image,
				       strerror(errno));
		return DL_EXIT_FAIL;
	}
	*published = true;
	/* the name made durable before any ref can point at it */
	slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = '\0';
	fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0) {
		*reason = dl_xasprintf("unable to sync '%s': %s", parent,
				       strerror(errno));
		return DL_EXIT_FAIL;
	}
	return 0;
}

bool dl_image_pending(const char *id)
{
	_cleanup_free_ char *p = dl_path("tmp/%s.publish", id);

	return access(p, F_OK) == 0;
}
