/* SPDX-License-Identifier: Apache-2.0 */
/* dl-image-save: write images, their layers in the content store, as a
 * docker-archive, an OCI archive or an OCI layout directory */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/fs.h>

#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>

#include "dl.h"
#include "dl/blob.h"
#include "dl/digest.h"
#include "dl/imglayers.h"
#include "dl/json.h"
#include "dl/ocidoc.h"
#include "dl/ref.h"
#include "dl/time.h"
#include "dl/tmp.h"

#define USAGE                                                                  \
	"dl-image-save [-f docker-archive|oci-archive|oci-dir] "               \
	"[--source-date-epoch=N] -o PATH IMAGE..."
#define OPTIONS                                                                \
	"  -f FORMAT                docker-archive (default), oci-archive "  \
	"or oci-dir\n"                                                         \
	"  --source-date-epoch=N    the layers made with this clamp, and the " \
	"members'\n"                                                           \
	"                           mtime ($SOURCE_DATE_EPOCH; else 0)\n"     \
	"  -o PATH                  the archive (- for stdout), or the new "  \
	"directory\n"                                                          \
	"                           of oci-dir\n"                              \
	"  -h, --help               show this help\n"                          \
	"\nIMAGE is a name or an ID; the layers of images made by snapshots "  \
	"must be\nin the store (dl-image-layers -z none for docker-archive, "   \
	"-z gzip for OCI).\n"

#define CHUNK (1 << 20)

enum format { DOCKER_ARCHIVE, OCI_ARCHIVE, OCI_DIR };

/* A member of the output: bytes, a blob of the store, or a directory. */
struct member {
	char *name;
	char *buf; /* NULL: the blob @digest */
	size_t len;
	char digest[DL_DIGEST_LEN + 1];
	bool dir;
};

/* An image to save, once whatever the names it is given by. */
struct image {
	char id[DL_ID_LEN + 1];
	char **names;
	size_t nnames;
	char cfg_digest[DL_DIGEST_LEN + 1];
	size_t cfg_len;
	char man_digest[DL_DIGEST_LEN + 1];
	size_t man_len;
	struct dl_layer_desc *layers; /* borrowed from steps */
	size_t nlayers;
	struct dl_image_step *steps;
	size_t nsteps;
};

static struct {
	enum format format;
	struct dl_layer_key key;
	int64_t mtime;
	const char *out;
	struct member *m;
	size_t nm;
	struct image *img;
	size_t nimg;
	char *cleanup; /* the oci-dir being built, removed on failure */
} s;

static struct member *add_member(const char *name, char *buf, size_t len,
				 const char *digest)
{
	struct member *m;

	for (size_t i = 0; i < s.nm; i++)
		if (!strcmp(s.m[i].name, name)) {
			free(buf);
			return &s.m[i];
		}
	s.m = dl_xrealloc(s.m, (s.nm + 1) * sizeof(*s.m));
	m = &s.m[s.nm++];
	memset(m, 0, sizeof(*m));
	m->name = dl_xstrdup(name);
	m->buf = buf;
	m->len = len;
	if (digest)
		memcpy(m->digest, digest, DL_DIGEST_LEN + 1);
	return m;
}

static int cmp_member(const void *a, const void *b)
{
	return strcmp(((const struct member *)a)->name,
		      ((const struct member *)b)->name);
}

/* The member name of blob @digest in the output */
static char *blob_name(const char *digest, const char *suffix)
{
	if (s.format == DOCKER_ARCHIVE)
		return dl_xasprintf("%s%s", dl_digest_hex(digest), suffix);
	return dl_xasprintf("blobs/sha256/%s", dl_digest_hex(digest));
}

/* An OCI media type for a layer of media type @mt */
static const char *oci_layer_type(const char *mt)
{
	if (!strcmp(mt, DL_MT_DOCKER_LAYER))
		return DL_MT_OCI_LAYER_GZIP;
	if (!strcmp(mt, "application/vnd.docker.image.rootfs.diff.tar"))
		return DL_MT_OCI_LAYER;
	return mt;
}

/* Store @len bytes as a blob (present already: nothing written) */
static void store_doc(const char *buf, size_t len, const char *digest)
{
	_cleanup_free_ char *why = NULL;
	struct dl_blob_writer *w = NULL;
	int r = dl_blob_begin(digest, (int64_t)len, &w, &why);

	if (!r && w && !(r = dl_blob_write(w, buf, len, &why)))
		r = dl_blob_commit(w, NULL, &why);
	else if (w)
		dl_blob_abort(w);
	if (r)
		dl_die(r, "unable to store '%s': %s", digest, why);
}

/*
 * The config an image of snapshots goes out with: its own, with
 * rootfs.diff_ids the layers' and one history entry a layer (the last
 * entry of each step; the others marked empty_layer), base first.
 */
static json_t *saved_config(struct image *img, json_t *cfg)
{
	json_t *hist = json_object_get(cfg, "history");
	json_t *ids = json_array(), *nh = json_array(), *e;
	size_t c = 0, total = json_array_size(hist);

	for (size_t i = 0; i < img->nlayers; i++)
		json_array_append_new(ids,
				      json_string(img->layers[i].diff_id));
	for (size_t k = 0; k < img->nsteps; k++) {
		struct dl_image_step *st = &img->steps[k];
		size_t end = st->nhistory > c ? st->nhistory : c;

		if (end > total)
			end = total;
		if (st->kind == DL_STEP_LOADED) {
			/* its history matches its layers already */
			for (; c < end; c++)
				json_array_append(nh, json_array_get(hist, c));
			continue;
		}
		if (end == c) {
			json_array_append_new(
				nh, json_pack("{s:s,s:s}", "created",
					      st->created, "created_by",
					      "dl"));
			continue;
		}
		for (; c < end; c++) {
			e = json_deep_copy(json_array_get(hist, c));
			if (!json_is_object(e))
				dl_oom();
			if (c + 1 < end)
				json_object_set_new(e, "empty_layer",
						    json_true());
			else
				json_object_del(e, "empty_layer");
			json_array_append_new(nh, e);
		}
	}
	for (; c < total; c++) {
		e = json_deep_copy(json_array_get(hist, c));
		if (json_is_object(e))
			json_object_set_new(e, "empty_layer", json_true());
		json_array_append_new(nh, e);
	}
	cfg = json_deep_copy(cfg);
	if (!cfg ||
	    json_object_set_new(cfg, "rootfs",
				json_pack("{s:s,s:o}", "type", "layers",
					  "diff_ids", ids)) < 0 ||
	    json_object_set_new(cfg, "history", nh) < 0)
		dl_oom();
	return cfg;
}

/* The config of @img into the output (and the store, when new) */
static void add_config(struct image *img, bool loaded)
{
	_cleanup_free_ char *path = dl_path("images/%s/config.json", img->id);
	_cleanup_free_ char *why = NULL, *name = NULL;
	json_t *cfg, *out;
	char *buf = NULL;
	size_t len = 0;

	if (loaded) {
		/* byte for byte as it came */
		if (dl_read_file(path, &buf, &len) < 0)
			dl_die_sys(errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
				   "unable to read '%s'", path);
	} else {
		cfg = dl_json_load(path, &why);
		if (!cfg)
			dl_die(DL_EXIT_REJECT, "unable to read '%s': %s", path,
			       why);
		out = saved_config(img, cfg);
		buf = dl_json_dumps(out);
		len = strlen(buf);
		json_decref(out);
		json_decref(cfg);
	}
	dl_sha256_buf(buf, len, img->cfg_digest);
	img->cfg_len = len;
	if (!loaded)
		store_doc(buf, len, img->cfg_digest);
	name = blob_name(img->cfg_digest, ".json");
	add_member(name, buf, len, img->cfg_digest);
}

/* The stored manifest of loaded image @img when an OCI output can keep it
 * unchanged (its digest kept): an OCI manifest of this config */
static char *kept_manifest(struct image *img, size_t *len)
{
	_cleanup_free_ char *mp = dl_path("images/%s/meta.json", img->id);
	_cleanup_free_ char *why = NULL;
	json_t *meta = dl_json_load(mp, &why), *m = NULL;
	const char *d = json_string_value(
		json_object_get(json_object_get(meta, "manifest"), "digest"));
	char *buf = NULL;
	struct dl_oci_desc cd;

	if (d && dl_digest_valid(d) &&
	    !dl_blob_read(d, DL_OCIDOC_MAX, &buf, len, &why) &&
	    !dl_ocidoc_parse(buf, *len, DL_OCIDOC_MANIFEST, NULL, NULL, &m,
			     &why) &&
	    !strcmp(json_string_value(json_object_get(m, "mediaType"))
			    ?: DL_MT_OCI_MANIFEST,
		    DL_MT_OCI_MANIFEST) &&
	    !dl_ocidoc_desc(json_object_get(m, "config"), "config", &cd,
			    &why) &&
	    !strcmp(cd.digest, img->cfg_digest) &&
	    !strcmp(cd.media_type, DL_MT_OCI_CONFIG)) {
		json_decref(m);
		json_decref(meta);
		return buf;
	}
	free(buf);
	json_decref(m);
	json_decref(meta);
	return NULL;
}

/* The OCI manifest of @img into the output */
static void add_manifest(struct image *img, bool loaded)
{
	_cleanup_free_ char *name = NULL;
	json_t *layers = json_array(), *m;
	char *buf = loaded ? kept_manifest(img, &img->man_len) : NULL;

	if (!buf) {
		for (size_t i = 0; i < img->nlayers; i++)
			json_array_append_new(
				layers,
				json_pack("{s:s,s:s,s:I}", "mediaType",
					  oci_layer_type(
						  img->layers[i].media_type),
					  "digest", img->layers[i].digest,
					  "size",
					  (json_int_t)img->layers[i].size));
		m = json_pack("{s:i,s:s,s:{s:s,s:s,s:I},s:o}", "schemaVersion",
			      2, "mediaType", DL_MT_OCI_MANIFEST, "config",
			      "mediaType", DL_MT_OCI_CONFIG, "digest",
			      img->cfg_digest, "size",
			      (json_int_t)img->cfg_len, "layers", layers);
		if (!m)
			dl_oom();
		buf = dl_json_dumps(m);
		img->man_len = strlen(buf);
		json_decref(m);
	} else {
		json_decref(layers);
	}
	dl_sha256_buf(buf, img->man_len, img->man_digest);
	name = blob_name(img->man_digest, "");
	add_member(name, buf, img->man_len, img->man_digest);
}

/* Everything of image @img: config, layers, manifest */
static void add_image_members(struct image *img)
{
	_cleanup_free_ char *why = NULL;
	struct dl_image_step *top;
	int r;

	r = dl_image_steps(img->id, &s.key, &img->steps, &img->nsteps, &why);
	if (r)
		dl_die(r, "unable to save '%s': %s", img->id, why);
	top = &img->steps[img->nsteps - 1];
	for (size_t k = 0; k < img->nsteps; k++) {
		struct dl_image_step *st = &img->steps[k];

		if (st->kind == DL_STEP_SNAPSHOT && !st->nlayers)
			dl_die(DL_EXIT_NO, "unable to save '%s': the layer of "
			       "'%s' is not in the store (dl-image-layers)",
			       img->id, st->id);
		img->layers = dl_xrealloc(img->layers,
					  (img->nlayers + st->nlayers + 1) *
						  sizeof(*img->layers));
		memcpy(img->layers + img->nlayers, st->layers,
		       st->nlayers * sizeof(*st->layers));
		img->nlayers += st->nlayers;
	}
	for (size_t i = 0; i < img->nlayers; i++) {
		_cleanup_free_ char *name =
			blob_name(img->layers[i].digest, ".tar");
		uint64_t have;

		r = dl_blob_stat(img->layers[i].digest, &have, &why);
		if (r)
			dl_die(r, "unable to save '%s': layer '%s': %s",
			       img->id, img->layers[i].digest, why);
		add_member(name, NULL, (size_t)have, img->layers[i].digest);
	}
	add_config(img, top->kind == DL_STEP_LOADED);
	if (s.format != DOCKER_ARCHIVE)
		add_manifest(img, top->kind == DL_STEP_LOADED);
}

/* The image of operand @spec, and the name it was given by, if any */
static void add_operand(const char *spec)
{
	_cleanup_free_ char *why = NULL;
	struct dl_ref ref = { 0 };
	char id[DL_ID_LEN + 1], named[DL_ID_LEN + 1];
	struct image *img = NULL;
	char *name = NULL;
	int r;

	r = dl_image_resolve(spec, id, &why);
	if (r)
		dl_die(r, "unable to resolve '%s': %s", spec, why);
	free(why);
	why = NULL;
	if (!dl_ref_parse(spec, &ref, &why) &&
	    !dl_ref_image_get(&ref, named, &why) && !strcmp(named, id))
		name = dl_xasprintf("%s:%s", ref.repo, ref.tag);
	dl_ref_free(&ref);
	for (size_t i = 0; i < s.nimg; i++)
		if (!strcmp(s.img[i].id, id))
			img = &s.img[i];
	if (!img) {
		s.img = dl_xrealloc(s.img, (s.nimg + 1) * sizeof(*s.img));
		img = &s.img[s.nimg++];
		memset(img, 0, sizeof(*img));
		memcpy(img->id, id, sizeof(id));
	}
	if (!name)
		return;
	for (size_t i = 0; i < img->nnames; i++)
		if (!strcmp(img->names[i], name)) {
			free(name);
			return;
		}
	img->names = dl_xrealloc(img->names,
				 (img->nnames + 1) * sizeof(*img->names));
	img->names[img->nnames++] = name;
}

/* docker-archive's manifest.json: an entry an image */
static void add_docker_manifest(void)
{
	json_t *list = json_array();
	char *buf;

	for (size_t i = 0; i < s.nimg; i++) {
		struct image *img = &s.img[i];
		json_t *tags = img->nnames ? json_array() : json_null();
		json_t *layers = json_array();

		for (size_t k = 0; k < img->nnames; k++)
			json_array_append_new(tags,
					      json_string(img->names[k]));
		for (size_t k = 0; k < img->nlayers; k++) {
			_cleanup_free_ char *n = blob_name(
				img->layers[k].digest, ".tar");

			json_array_append_new(layers, json_string(n));
		}
		json_array_append_new(
			list,
			json_pack("{s:s+,s:o,s:o}", "Config",
				  dl_digest_hex(img->cfg_digest), ".json",
				  "RepoTags", tags, "Layers", layers));
	}
	buf = dl_json_dumps(list);
	json_decref(list);
	add_member("manifest.json", buf, strlen(buf), NULL);
}

/* OCI's index.json (a manifest a name) and oci-layout */
static void add_oci_index(void)
{
	json_t *ms = json_array(), *idx;
	char *buf;

	for (size_t i = 0; i < s.nimg; i++) {
		struct image *img = &s.img[i];

		for (size_t k = 0; k < img->nnames || k == 0; k++) {
			json_t *d = json_pack("{s:s,s:s,s:I}", "mediaType",
					      DL_MT_OCI_MANIFEST, "digest",
					      img->man_digest, "size",
					      (json_int_t)img->man_len);

			if (img->nnames) {
				const char *n = img->names[k];

				json_object_set_new(
					d, "annotations",
					json_pack("{s:s,s:s}",
						  "io.containerd.image.name",
						  n,
						  "org.opencontainers.image.ref.name",
						  strrchr(n, ':') + 1));
			}
			json_array_append_new(ms, d);
		}
	}
	idx = json_pack("{s:i,s:s,s:o}", "schemaVersion", 2, "mediaType",
			DL_MT_OCI_INDEX, "manifests", ms);
	buf = dl_json_dumps(idx);
	json_decref(idx);
	add_member("index.json", buf, strlen(buf), NULL);
	buf = dl_xstrdup("{\"imageLayoutVersion\":\"1.0.0\"}\n");
	add_member("oci-layout", buf, strlen(buf), NULL);
	add_member("blobs", NULL, 0, NULL)->dir = true;
	add_member("blobs/sha256", NULL, 0, NULL)->dir = true;
}

/* The output: a tar (libarchive) or a directory */
struct sink {
	struct archive *a;
	int dfd;
	int fd;          /* the tar's descriptor */
	uint64_t off;    /* what libarchive has written of it */
	uint64_t placed; /* bytes it writes next that are there already */
	bool clone;      /* the tar may take reflinks (the last one did) */
};

/* Where a blob's data starts in a tar: a block of the filesystem, so that
 * it can be a reflink of the stored blob (all but the tail block) */
#define TAR_ALIGN 4096
#define TAR_BLOCK 512

static noreturn void fail_out(const char *name, const char *why)
{
	dl_die(DL_EXIT_FAIL, "unable to write '%s': %s: %s", s.out, name, why);
}

static void tar_data(struct archive *a, const char *name, const char *p,
		     size_t len)
{
	while (len > 0) {
		la_ssize_t n = archive_write_data(a, p, len);

		if (n <= 0)
			fail_out(name, archive_error_string(a) ?: "write error");
		p += n;
		len -= (size_t)n;
	}
}

static void file_data(int fd, const char *name, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			fail_out(name, strerror(errno));
		p += n;
		len -= (size_t)n;
	}
}

/* Copy blob @src of @size bytes to @dst: a reflink where the filesystem
 * can, else copy_file_range(2), else read and write */
static void copy_blob(int src, int dst, const char *name, uint64_t size)
{
	_cleanup_free_ char *buf = NULL;
	uint64_t done = 0;

	if (ioctl(dst, FICLONE, src) == 0)
		return;
	while (done < size) {
		ssize_t n = copy_file_range(src, NULL, dst, NULL,
					    size - done, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (uint64_t)n;
	}
	if (done == size)
		return;
	buf = dl_xmalloc(CHUNK);
	for (;;) {
		ssize_t n = pread(src, buf, CHUNK, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			fail_out(name, strerror(errno));
		if (n == 0)
			break;
		if (pwrite(dst, buf, (size_t)n, (off_t)done) != n)
			fail_out(name, strerror(errno ? errno : EIO));
		done += (uint64_t)n;
	}
	if (done != size)
		fail_out(name, "the blob changed size");
}

/* libarchive's output: written as it comes, but for the bytes of a blob
 * already placed by a reflink, which are skipped */
static la_ssize_t tar_write(struct archive *a, void *p, const void *buf,
			    size_t len)
{
	struct sink *k = p;
	const char *b = buf;
	size_t left = len;

	if (k->placed) {
		size_t skip = left < k->placed ? left : (size_t)k->placed;

		k->placed -= skip;
		k->off += skip;
		b += skip;
		left -= skip;
		if (!k->placed && lseek(k->fd, (off_t)k->off, SEEK_SET) < 0) {
			archive_set_error(a, errno, "%s", strerror(errno));
			return -1;
		}
	}
	while (left > 0) {
		ssize_t n = write(k->fd, b, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			archive_set_error(a, errno, "%s", strerror(errno));
			return -1;
		}
		b += n;
		left -= (size_t)n;
		k->off += (uint64_t)n;
	}
	return (la_ssize_t)len;
}

/*
 * Before a blob's header: entries of its directory again (a tar allows
 * it; a reader makes the directory once), as many as make its data start on
 * a TAR_ALIGN boundary, where the filesystem can share the blob's blocks.
 * The same whatever the output, so that a save gives the same bytes.
 */
static void tar_align(struct sink *k, const char *name)
{
	const char *slash = strrchr(name, '/');
	_cleanup_free_ char *dir = NULL;
	/* where the data would start: the last member's data is padded to a
	 * block when the next header is written, then comes the header */
	uint64_t at = (k->off + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK +
		      TAR_BLOCK;

	if (at % TAR_ALIGN == 0)
		return;
	/* a blob at the top (docker-archive): the top directory */
	dir = slash ? dl_xasprintf("%.*s", (int)(slash - name), name)
		    : dl_xstrdup(".");
	while (at % TAR_ALIGN) {
		struct archive_entry *e = archive_entry_new();

		if (!e)
			dl_oom();
		archive_entry_set_pathname(e, dir);
		archive_entry_set_filetype(e, AE_IFDIR);
		archive_entry_set_perm(e, 0755);
		archive_entry_set_uid(e, 0);
		archive_entry_set_gid(e, 0);
		archive_entry_set_mtime(e, s.mtime, 0);
		archive_entry_set_size(e, 0);
		if (archive_write_header(k->a, e) != ARCHIVE_OK)
			fail_out(name, archive_error_string(k->a));
		archive_entry_free(e);
		at += TAR_BLOCK;
	}
}

/* The data of blob @src, @size bytes, as a reflink at the tar's end when
 * the filesystem takes it; libarchive then writes zeros there, which
 * tar_write() skips.  Return: whether it was placed. */
static bool tar_clone(struct sink *k, int src, uint64_t size)
{
	struct file_clone_range r = { .src_fd = src, .src_offset = 0,
				      .src_length = size,
				      .dest_offset = k->off };

	if (!k->clone || !size || k->off % TAR_ALIGN)
		return false;
	if (ioctl(k->fd, FICLONERANGE, &r) < 0) {
		/* another filesystem, or none that clones: copied from now */
		k->clone = false;
		return false;
	}
	k->placed = size;
	return true;
}

static void write_member(struct sink *k, const struct member *m)
{
	_cleanup_free_ char *why = NULL, *buf = NULL;
	_cleanup_close_ int src = -1, dst = -1;
	struct archive_entry *e;
	uint64_t size = m->len;
	struct stat st;
	int r;

	if (!m->dir && !m->buf) {
		r = dl_blob_open(m->digest, &src, &why);
		if (r)
			dl_die(r, "unable to read blob '%s': %s", m->digest,
			       why);
		if (fstat(src, &st) < 0)
			fail_out(m->name, strerror(errno));
		size = (uint64_t)st.st_size;
	}
	if (k->dfd >= 0) {
		if (m->dir) {
			if (mkdirat(k->dfd, m->name, 0755) < 0)
				fail_out(m->name, strerror(errno));
			return;
		}
		dst = openat(k->dfd, m->name,
			     O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (dst < 0)
			fail_out(m->name, strerror(errno));
		if (m->buf)
			file_data(dst, m->name, m->buf, m->len);
		else
			copy_blob(src, dst, m->name, size);
		if (fsync(dst) < 0)
			fail_out(m->name, strerror(errno));
		return;
	}
	e = archive_entry_new();
	if (!e)
		dl_oom();
	archive_entry_set_pathname(e, m->name);
	archive_entry_set_filetype(e, m->dir ? AE_IFDIR : AE_IFREG);
	archive_entry_set_perm(e, m->dir ? 0755 : 0644);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_mtime(e, s.mtime, 0);
	archive_entry_set_size(e, m->dir ? 0 : (la_int64_t)size);
	if (!m->dir && !m->buf)
		tar_align(k, m->name);
	if (archive_write_header(k->a, e) != ARCHIVE_OK)
		fail_out(m->name, archive_error_string(k->a));
	archive_entry_free(e);
	if (m->dir)
		return;
	if (m->buf) {
		tar_data(k->a, m->name, m->buf, m->len);
		return;
	}
	buf = dl_xmalloc(CHUNK);
	if (tar_clone(k, src, size)) {
		/* libarchive counts the bytes: zeros, which are not written */
		memset(buf, 0, CHUNK);
		for (uint64_t done = 0; done < size;) {
			size_t n = size - done < CHUNK ? (size_t)(size - done)
						       : CHUNK;

			tar_data(k->a, m->name, buf, n);
			done += n;
		}
		if (k->placed)
			fail_out(m->name, "the tar writer kept bytes back");
		return;
	}
	for (uint64_t done = 0; done < size;) {
		ssize_t n = read(src, buf, CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			fail_out(m->name, strerror(errno));
		if (n == 0 || done + (uint64_t)n > size)
			fail_out(m->name, "the blob changed size");
		tar_data(k->a, m->name, buf, (size_t)n);
		done += (uint64_t)n;
	}
}

static void write_all(struct sink *k)
{
	qsort(s.m, s.nm, sizeof(*s.m), cmp_member);
	for (size_t i = 0; i < s.nm; i++)
		write_member(k, &s.m[i]);
}

/* The archive to @fd */
static void write_tar(int fd)
{
	struct sink k = { .dfd = -1, .fd = fd };
	struct stat st;

	/* a regular file, empty: the offsets are the file's */
	k.clone = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		  st.st_size == 0 && lseek(fd, 0, SEEK_CUR) == 0;
	k.a = archive_write_new();
	if (!k.a)
		dl_oom();
	/* unblocked: each header and datum reaches tar_write() at once */
	if (archive_write_set_format_pax_restricted(k.a) != ARCHIVE_OK ||
	    archive_write_add_filter_none(k.a) != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(k.a, 0) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(k.a, 1) != ARCHIVE_OK ||
	    archive_write_open2(k.a, &k, NULL, tar_write, NULL, NULL) !=
		    ARCHIVE_OK)
		fail_out("tar", archive_error_string(k.a));
	write_all(&k);
	if (archive_write_close(k.a) != ARCHIVE_OK)
		fail_out("tar", archive_error_string(k.a));
	archive_write_free(k.a);
}

/*
 * FILE: an unnamed file in its directory (O_TMPFILE), linked in under a
 * temporary name and renamed over FILE once written whole, so that
 * nothing is left behind if we fail or die before.
 */
static void write_file(const char *file)
{
	_cleanup_close_ int fd = dl_file_new(file);

	if (fd < 0)
		dl_die_sys(errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
			   "unable to write '%s'", file);
	write_tar(fd);
	if (dl_file_publish(fd, file) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to write '%s'", file);
}

static void remove_partial(void)
{
	_cleanup_free_ char *why = NULL;

	if (s.cleanup && dl_tmp_remove(s.cleanup, &why))
		dl_warn("unable to remove '%s': %s", s.cleanup, why);
}

/*
 * DIR, a new OCI layout: built in a locked entry of the store's tmp/ when
 * on the same filesystem (the sweep removes it if we die), else in a
 * hidden directory beside DIR, and renamed to DIR once whole.
 */
static void write_dir(const char *dir)
{
	_cleanup_free_ char *parent = NULL, *tmpdir = dl_path("tmp");
	_cleanup_free_ char *why = NULL, *base = NULL, *build = NULL;
	_cleanup_close_ int lock = -1, dfd = -1;
	const char *slash;
	struct stat st, tst;
	char id[DL_ID_LEN + 1];
	struct sink k = { .dfd = -1 };
	int r;

	base = dl_xstrdup(dir);
	while (strlen(base) > 1 && base[strlen(base) - 1] == '/')
		base[strlen(base) - 1] = '\0';
	slash = strrchr(base, '/');
	parent = slash ? dl_xasprintf("%.*s", (int)(slash - base + 1), base)
		       : dl_xstrdup(".");
	if (lstat(dir, &st) == 0)
		dl_die(DL_EXIT_CONFLICT, "unable to write '%s': it exists",
		       dir);
	if (stat(parent, &st) < 0)
		dl_die_sys(errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
			   "unable to write '%s'", dir);
	if (dl_new_id(id) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to make 'random ID'");
	if (stat(tmpdir, &tst) == 0 && tst.st_dev == st.st_dev) {
		_cleanup_free_ char *name = dl_xasprintf("%.32s.save", id);

		r = dl_tmp_make(name, &lock, &why);
		if (r)
			dl_die(r == DL_EXIT_NO ? DL_EXIT_FAIL : r,
			       "unable to create 'tmp/%s': %s", name, why);
		build = dl_path("tmp/%s", name);
		s.cleanup = build;
	} else {
		build = dl_xasprintf("%s.%s.%.16s", parent,
				     slash ? slash + 1 : base, id);
		if (mkdir(build, 0700) < 0)
			dl_die_sys(DL_EXIT_FAIL, "unable to create '%s'",
				   build);
		s.cleanup = build;
	}
	atexit(remove_partial);
	k.dfd = open(build, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (k.dfd < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to open '%s'", build);
	dfd = k.dfd;
	write_all(&k);
	if (fchmod(dfd, 0755) < 0 || fsync(dfd) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to write '%s'", build);
	dl_fault("dl-image-save:publish");
	if (renameat2(AT_FDCWD, build, AT_FDCWD, dir, RENAME_NOREPLACE) < 0)
		dl_die_sys(errno == EEXIST ? DL_EXIT_CONFLICT : DL_EXIT_FAIL,
			   "unable to write '%s'", dir);
	s.cleanup = NULL;
	{
		_cleanup_close_ int pfd = open(parent, O_RDONLY | O_DIRECTORY |
							       O_CLOEXEC);

		if (pfd < 0 || fsync(pfd) < 0)
			dl_die_sys(DL_EXIT_FAIL, "unable to write '%s'", dir);
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "source-date-epoch", required_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *epoch = NULL, *text, *format = "docker-archive";
	int opt, r;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+f:o:h", longopts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'f':
			format = optarg;
			break;
		case 'o':
			s.out = optarg;
			break;
		case 'E':
			epoch = optarg;
			break;
		case 'h':
			dl_help(USAGE, OPTIONS);
		default:
			dl_usage(USAGE);
		}
	}
	if (argc - optind < 1 || !s.out || !*s.out)
		dl_usage(USAGE);
	if (!strcmp(format, "docker-archive"))
		s.format = DOCKER_ARCHIVE;
	else if (!strcmp(format, "oci-archive"))
		s.format = OCI_ARCHIVE;
	else if (!strcmp(format, "oci-dir"))
		s.format = OCI_DIR;
	else
		dl_die(DL_EXIT_USAGE, "unable to use format '%s': not "
		       "docker-archive, oci-archive or oci-dir", format);
	r = dl_epoch_get(epoch, &s.key.epoch, &text);
	if (r < 0)
		dl_die(DL_EXIT_USAGE, "unable to use source date epoch '%s': "
		       "not a whole number of seconds", text);
	s.key.clamp = r > 0;
	s.mtime = s.key.clamp ? s.key.epoch : 0;
	s.key.compress = s.format == DOCKER_ARCHIVE ? DL_COMPRESS_NONE
						    : DL_COMPRESS_GZIP;
	if (s.format == OCI_DIR && !strcmp(s.out, "-"))
		dl_die(DL_EXIT_USAGE, "unable to write an OCI layout to "
		       "stdout: give a new directory");
	if (!strcmp(s.out, "-") && isatty(STDOUT_FILENO))
		dl_die(DL_EXIT_USAGE, "unable to write 'stdout': it is a "
		       "terminal (give -o FILE, or redirect it)");
	dl_store_need();

	/* everything read and checked before the first byte goes out */
	for (int i = optind; i < argc; i++)
		add_operand(argv[i]);
	for (size_t i = 0; i < s.nimg; i++)
		add_image_members(&s.img[i]);
	if (s.format == DOCKER_ARCHIVE)
		add_docker_manifest();
	else
		add_oci_index();

	if (s.format == OCI_DIR)
		write_dir(s.out);
	else if (!strcmp(s.out, "-"))
		write_tar(STDOUT_FILENO);
	else
		write_file(s.out);
	return dl_finish_stdout();
}
