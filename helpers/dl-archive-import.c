/* SPDX-License-Identifier: Apache-2.0 */
/* dl-archive-import: store the blobs of an image archive (docker-archive,
 * OCI archive) or OCI layout in the content store, and print its images */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>

#include "dl.h"
#include "dl/ahead.h"
#include "dl/blob.h"
#include "dl/digest.h"
#include "dl/imgconfig.h"
#include "dl/json.h"
#include "dl/ocidoc.h"
#include "dl/ref.h"

#define USAGE "dl-archive-import [-a] SOURCE"
#define OPTIONS                                                                \
	"  -a   apply the layers of an archive as they come, each onto the\n" \
	"       one before it, leaving the chains an image has in tmp/ for\n" \
	"       dl-image-unpack\n"                                               \
	"\nSOURCE is a docker-archive or an OCI archive (a tar, plain or\n"   \
	"compressed), - for one on stdin, or an OCI layout directory.\n"      \
	"Prints a line an image: its manifest digest, then its names.\n"

/* How deep an index may nest, and a symlink chain go, in an archive. */
#define MAX_DEPTH 8
#define CHUNK (1 << 20)

/* A member of the archive: a blob stored, or a link to another member. */
struct member {
	char *path;
	char digest[DL_DIGEST_LEN + 1];
	char *link; /* the member it links to (normalised), or NULL */
};

/* A layer chain made ahead (-a), kept while it may be an image's. */
struct made {
	struct dl_ahead *a;
	char chain[DL_DIGEST_LEN + 1];
};

/* An image found: its manifest, and its names. */
struct image {
	char digest[DL_DIGEST_LEN + 1];
	char **names;
	size_t nnames;
};

static struct {
	struct member *m;
	size_t n;
	struct image *img;
	size_t nimg;
	char *doc[3]; /* index.json, manifest.json, oci-layout */
	size_t len[3];
	int dir;      /* the OCI layout directory, or -1: an archive */
	const char *source;
	/* -a: the chain the next layer goes onto ("" and NULL: none, a
	 * base layer), the chains made, the chains the images have */
	bool ahead;
	char top[DL_DIGEST_LEN + 1];
	char *top_root;
	struct dl_ahead *cur; /* the layer being applied */
	struct made *made;
	size_t nmade;
	char (*want)[DL_DIGEST_LEN + 1];
	size_t nwant;
} s = { .dir = -1 };

static const char *const docs[3] = { "index.json", "manifest.json",
				     "oci-layout" };

static noreturn void reject(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static noreturn void reject(const char *fmt, ...)
{
	_cleanup_free_ char *why = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&why, fmt, ap) < 0)
		dl_oom();
	va_end(ap);
	dl_die(DL_EXIT_REJECT, "unable to import '%s': %s", s.source, why);
}

static noreturn void fail(int code, const char *what, const char *why)
{
	dl_die(code, "unable to import '%s': %s: %s", s.source, what, why);
}

/*
 * @path normalised below the archive's root: "./" and empty components
 * dropped, ".." taken back; NULL when it is absolute or leaves the root.
 * @base is the directory it is relative to ("" for the root).
 */
static char *normalise(const char *base, const char *path)
{
	_cleanup_free_ char *all = NULL;
	char *out, *c, *save = NULL;
	size_t len = 0;

	if (*path == '/')
		return NULL;
	all = *base ? dl_xasprintf("%s/%s", base, path) : dl_xstrdup(path);
	out = dl_xcalloc(strlen(all) + 1, 1);
	for (c = strtok_r(all, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			char *slash;

			if (len == 0) {
				free(out);
				return NULL;
			}
			slash = strrchr(out, '/');
			len = slash ? (size_t)(slash - out) : 0;
			out[len] = '\0';
			continue;
		}
		if (len)
			out[len++] = '/';
		strcpy(out + len, c);
		len += strlen(c);
	}
	return out;
}

static struct member *add_member(const char *path)
{
	struct member *m;

	s.m = dl_xrealloc(s.m, (s.n + 1) * sizeof(*s.m));
	m = &s.m[s.n++];
	memset(m, 0, sizeof(*m));
	m->path = dl_xstrdup(path);
	return m;
}

/* The blob member @path stands for, links followed */
static const char *member_digest(const char *path)
{
	for (int depth = 0; depth < MAX_DEPTH; depth++) {
		struct member *m = NULL;

		for (size_t i = s.n; i-- > 0;)
			if (!strcmp(s.m[i].path, path)) {
				m = &s.m[i];
				break;
			}
		if (!m)
			return NULL;
		if (!m->link)
			return m->digest;
		path = m->link;
	}
	return NULL;
}

/* "blobs/sha256/HEX": the digest it names, into @out */
static bool blob_name(const char *path, char out[DL_DIGEST_LEN + 1])
{
	if (strncmp(path, "blobs/sha256/", 13))
		return false;
	snprintf(out, DL_DIGEST_LEN + 1, "sha256:%s", path + 13);
	return dl_digest_valid(out) && strlen(path + 13) == DL_DIGEST_HEX_LEN;
}

/* Read the data of the current member into memory, up to the limit. */
static void read_doc(struct archive *a, const char *name, int k)
{
	size_t cap = 4096, got = 0;
	char *b = dl_xmalloc(cap + 1);

	for (;;) {
		la_ssize_t n;

		if (got == cap) {
			if (cap > DL_OCIDOC_MAX)
				reject("member '%s': larger than the limit %u "
				       "bytes", name, DL_OCIDOC_MAX);
			cap *= 2;
			b = dl_xrealloc(b, cap + 1);
		}
		n = archive_read_data(a, b + got, cap - got);
		if (n < 0)
			reject("malformed archive: %s", archive_error_string(a));
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got > DL_OCIDOC_MAX)
		reject("member '%s': larger than the limit %u bytes", name,
		       DL_OCIDOC_MAX);
	b[got] = '\0';
	free(s.doc[k]);
	s.doc[k] = b;
	s.len[k] = got;
}

/* -a: no more layers applied ahead in this archive */
static void stop_ahead(void)
{
	dl_ahead_drop(s.cur);
	s.cur = NULL;
	s.ahead = false;
}

/* The digest a member's name gives ("HEX.tar", "blobs/sha256/HEX"),
 * into @out; "" when none */
static void name_hint(const char *path, char out[DL_DIGEST_LEN + 1])
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strspn(base, "0123456789abcdef");
	*out = '\0';
	if (n == DL_DIGEST_HEX_LEN && (!base[n] || !strcmp(base + n, ".tar")))
		snprintf(out, DL_DIGEST_LEN + 1, "sha256:%.*s", (int)n, base);
}

/*
 * -a: a member whose first bytes @buf say it is a layer (a tar, gzip or
 * zstd) is applied ahead onto the chain before it.  A plain tar whose name
 * gives its diff_id, whose chain is an image already, is not applied
 * again: @hint receives that diff_id, checked at the end.
 */
static void begin_ahead(const char *path, const void *buf, size_t len,
			bool *plain, char hint[DL_DIGEST_LEN + 1])
{
	_cleanup_free_ char *why = NULL, *img = NULL;
	const unsigned char *b = buf;
	char chain[DL_DIGEST_LEN + 1];
	struct stat st;

	*plain = len > 262 && !memcmp(b + 257, "ustar", 5);
	if (!*plain && !(len >= 4 && ((b[0] == 0x1f && b[1] == 0x8b) ||
				     !memcmp(b, "\x28\xb5\x2f\xfd", 4))))
		return;
	if (*plain) {
		name_hint(path, hint);
		if (*hint) {
			dl_chain_id(*s.top ? s.top : NULL, hint, chain);
			img = dl_path("images/%s", dl_digest_hex(chain));
			if (stat(img, &st) == 0)
				return;
			*hint = '\0';
		}
	}
	if (dl_ahead_begin(*s.top ? s.top : NULL, s.top_root, *plain, &s.cur,
			   &why))
		stop_ahead();
}

/* -a: the member stored as @digest: its chain made ahead, or found */
static void end_ahead(const char *digest, bool plain, const char *hint)
{
	_cleanup_free_ char *why = NULL;
	char chain[DL_DIGEST_LEN + 1];

	if (*hint) {
		/* not applied: its chain is an image, if its name said true */
		if (strcmp(hint, digest)) {
			stop_ahead();
			return;
		}
		dl_chain_id(*s.top ? s.top : NULL, hint, chain);
		memcpy(s.top, chain, sizeof(chain));
		free(s.top_root);
		s.top_root = dl_path("images/%s/rootfs", dl_digest_hex(chain));
		return;
	}
	if (!s.cur)
		return; /* not a layer */
	if (dl_ahead_finish(s.cur, plain ? digest : NULL, chain, &why)) {
		stop_ahead();
		return;
	}
	s.made = dl_xrealloc(s.made, (s.nmade + 1) * sizeof(*s.made));
	s.made[s.nmade].a = s.cur;
	memcpy(s.made[s.nmade++].chain, chain, sizeof(chain));
	memcpy(s.top, chain, sizeof(chain));
	free(s.top_root);
	s.top_root = dl_xstrdup(dl_ahead_root(s.cur));
	s.cur = NULL;
}

/* -a: the chains of an image of config @cfg are wanted */
static void want_chains(json_t *cfg)
{
	json_t *ids = json_object_get(json_object_get(cfg, "rootfs"),
				      "diff_ids");
	char chain[DL_DIGEST_LEN + 1] = "";
	json_t *d;
	size_t i;

	json_array_foreach(ids, i, d) {
		const char *id = json_string_value(d);

		if (!id || !dl_digest_valid(id))
			return;
		dl_chain_id(i ? chain : NULL, id, chain);
		s.want = dl_xrealloc(s.want, (s.nwant + 1) * sizeof(*s.want));
		memcpy(s.want[s.nwant++], chain, sizeof(chain));
	}
}

/* -a, all checked: the chains made that an image has, and that are not
 * images already, are left for dl-image-unpack; the others go */
static void settle_ahead(void)
{
	for (size_t i = 0; i < s.nmade; i++) {
		_cleanup_free_ char *img = dl_path(
			"images/%s", dl_digest_hex(s.made[i].chain));
		struct stat st;
		bool keep = stat(img, &st) < 0 && errno == ENOENT;
		size_t k;

		for (k = 0; keep && k < s.nwant; k++)
			if (!strcmp(s.want[k], s.made[i].chain))
				break;
		if (keep && k < s.nwant)
			dl_ahead_release(s.made[i].a);
		else
			dl_ahead_drop(s.made[i].a);
	}
	s.nmade = 0;
}

/* On a failure: every chain made ahead goes. */
static void drop_ahead(void)
{
	dl_ahead_drop(s.cur);
	s.cur = NULL;
	for (size_t i = 0; i < s.nmade; i++)
		dl_ahead_drop(s.made[i].a);
	s.nmade = 0;
}

/* Store the data of the current member as a blob (its digest checked when
 * its name is one), into @m */
static void store(struct archive *a, struct archive_entry *e,
		  struct member *m)
{
	_cleanup_free_ char *why = NULL;
	struct dl_blob_writer *w = NULL;
	char named[DL_DIGEST_LEN + 1];
	bool is_blob = blob_name(m->path, named);
	int64_t size = archive_entry_size_is_set(e) ? archive_entry_size(e)
						    : -1;
	int r;

	bool first = true, plain = false;
	char hint[DL_DIGEST_LEN + 1] = "";

	r = dl_blob_begin(is_blob ? named : NULL, size, &w, &why);
	if (r)
		dl_die(r, "unable to import '%s': member '%s': %s", s.source,
		       m->path, why);
	if (!w) {
		/* present already: nothing to read, nor to apply on */
		memcpy(m->digest, named, sizeof(named));
		stop_ahead();
		return;
	}
	for (;;) {
		const void *buf;
		size_t len;
		la_int64_t off;

		r = archive_read_data_block(a, &buf, &len, &off);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK) {
			dl_blob_abort(w);
			reject("malformed archive: %s", archive_error_string(a));
		}
		if (first && s.ahead)
			begin_ahead(m->path, buf, len, &plain, hint);
		first = false;
		/* a sparse member: its holes are zeros of the blob */
		while ((uint64_t)off > dl_blob_bytes(w)) {
			static const char zero[4096];
			uint64_t gap = (uint64_t)off - dl_blob_bytes(w);
			size_t k = gap < sizeof(zero) ? (size_t)gap
						      : sizeof(zero);

			if ((r = dl_blob_write(w, zero, k, &why)))
				break;
			if (s.cur)
				dl_ahead_write(s.cur, zero, k);
		}
		if (!r)
			r = dl_blob_write(w, buf, len, &why);
		if (!r && s.cur)
			dl_ahead_write(s.cur, buf, len);
		if (r) {
			dl_blob_abort(w);
			dl_die(r, "unable to import '%s': member '%s': %s",
			       s.source, m->path, why);
		}
	}
	r = dl_blob_commit(w, m->digest, &why);
	if (r)
		dl_die(r, "unable to import '%s': member '%s': %s", s.source,
		       m->path, why);
	if (s.ahead)
		end_ahead(m->digest, plain, hint);
}

/* One pass over the archive: every blob stored, the documents kept. */
static void read_archive(int fd)
{
	struct archive_entry *e;
	struct archive *a = archive_read_new();
	int r;

	if (!a)
		dl_oom();
	if (archive_read_support_filter_all(a) != ARCHIVE_OK ||
	    archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_open_fd(a, fd, CHUNK) != ARCHIVE_OK)
		reject("malformed archive: %s", archive_error_string(a));
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *raw = archive_entry_pathname(e);
		_cleanup_free_ char *name = NULL;
		mode_t type = archive_entry_filetype(e);
		const char *base;
		struct member *m;
		int k;

		name = raw ? normalise("", raw) : NULL;
		if (!name)
			reject("member '%s': absolute, or leaves the archive",
			       raw ? raw : "");
		if (!*name || type == AE_IFDIR)
			continue;
		if (archive_entry_hardlink(e) || type == AE_IFLNK) {
			const char *t = archive_entry_hardlink(e);
			_cleanup_free_ char *dir = dl_xstrdup(name);
			char *slash = strrchr(dir, '/');

			/* a hard link names a member; a symlink is relative
			 * to its own directory */
			if (!t)
				*(slash ? slash : dir) = '\0';
			base = t ? "" : dir;
			if (!t)
				t = archive_entry_symlink(e);
			m = add_member(name);
			m->link = t ? normalise(base, t) : NULL;
			if (!m->link)
				reject("member '%s': links outside the archive",
				       name);
			continue;
		}
		if (type != AE_IFREG)
			reject("member '%s': not a file, directory or link",
			       name);
		for (k = 0; k < 3 && strcmp(name, docs[k]); k++)
			;
		if (k < 3) {
			read_doc(a, name, k);
			continue;
		}
		base = strrchr(name, '/');
		base = base ? base + 1 : name;
		/* the legacy docker-archive files nothing reads */
		if (!strcmp(name, "repositories") || !strcmp(base, "json") ||
		    !strcmp(base, "VERSION")) {
			archive_read_data_skip(a);
			continue;
		}
		m = add_member(name);
		store(a, e, m);
	}
	if (r != ARCHIVE_EOF)
		reject("malformed archive: %s", archive_error_string(a));
	archive_read_free(a);
}

/* The blob @d must be in the store, of the descriptor's size: stored from
 * the layout directory, or there from the archive already */
static void ensure(const struct dl_oci_desc *d)
{
	_cleanup_free_ char *why = NULL, *rel = NULL;
	_cleanup_close_ int fd = -1;
	uint64_t have;
	int r;

	if (s.dir >= 0) {
		rel = dl_xasprintf("blobs/sha256/%s", dl_digest_hex(d->digest));
		fd = openat(s.dir, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && (errno == ENOENT || errno == ELOOP))
			reject("blob '%s': missing from the layout", d->digest);
		if (fd < 0)
			fail(DL_EXIT_FAIL, rel, strerror(errno));
		r = dl_blob_put_fd(fd, d->digest, d->size, NULL, NULL, &why);
		if (r)
			dl_die(r, "unable to import '%s': blob '%s': %s",
			       s.source, d->digest, why);
		return;
	}
	r = dl_blob_stat(d->digest, &have, &why);
	if (r == DL_EXIT_NO)
		reject("blob '%s': missing from the archive", d->digest);
	if (r)
		dl_die(r, "unable to import '%s': blob '%s': %s", s.source,
		       d->digest, why);
	if (have != (uint64_t)d->size)
		reject("blob '%s': %ju bytes, its descriptor says %jd",
		       d->digest, (uintmax_t)have, (intmax_t)d->size);
}

/* The blob of descriptor @d, ensured, parsed as @kind */
static json_t *load_doc(const struct dl_oci_desc *d, enum dl_ocidoc_kind kind)
{
	_cleanup_free_ char *buf = NULL, *why = NULL;
	size_t len;
	json_t *j;
	int r;

	ensure(d);
	r = dl_blob_read(d->digest, DL_OCIDOC_MAX, &buf, &len, &why);
	if (!r)
		r = dl_ocidoc_parse(buf, len, kind, d->media_type, NULL, &j,
				    &why);
	if (r)
		dl_die(r, "unable to import '%s': %s '%s': %s", s.source,
		       dl_ocidoc_kind_name(kind), d->digest, why);
	return j;
}

static void add_name(struct image *img, const char *name)
{
	_cleanup_free_ char *why = NULL;
	struct dl_ref ref = { 0 };

	if (dl_ref_parse(name, &ref, &why)) {
		dl_warn("unable to use name '%s' of '%s': %s", name, s.source,
			why);
		return;
	}
	dl_ref_free(&ref);
	for (size_t i = 0; i < img->nnames; i++)
		if (!strcmp(img->names[i], name))
			return;
	img->names = dl_xrealloc(img->names,
				 (img->nnames + 1) * sizeof(*img->names));
	img->names[img->nnames++] = dl_xstrdup(name);
}

/* The image of manifest @digest, made once */
static struct image *add_image(const char *digest)
{
	struct image *img;

	for (size_t i = 0; i < s.nimg; i++)
		if (!strcmp(s.img[i].digest, digest))
			return &s.img[i];
	s.img = dl_xrealloc(s.img, (s.nimg + 1) * sizeof(*s.img));
	img = &s.img[s.nimg++];
	memset(img, 0, sizeof(*img));
	memcpy(img->digest, digest, DL_DIGEST_LEN + 1);
	return img;
}

/* A manifest and what it points at: checked, and in the store */
static void check_manifest(json_t *m, const char *digest)
{
	struct dl_oci_desc d;
	_cleanup_free_ char *why = NULL;
	json_t *cfg, *l;
	size_t i;

	dl_ocidoc_desc(json_object_get(m, "config"), "config", &d, &why);
	cfg = load_doc(&d, DL_OCIDOC_CONFIG);
	if (dl_ocidoc_pair(m, cfg, &why))
		reject("manifest '%s': %s", digest, why);
	want_chains(cfg);
	json_decref(cfg);
	json_array_foreach(json_object_get(m, "layers"), i, l) {
		free(why);
		why = NULL;
		dl_ocidoc_desc(l, "layer", &d, &why);
		ensure(&d);
	}
}

/* Whether platform @p (may be NULL) is this machine's */
static bool our_platform(json_t *p)
{
	const char *os = json_string_value(json_object_get(p, "os"));
	const char *arch = json_string_value(json_object_get(p, "architecture"));

	return os && arch && !strcmp(os, "linux") && !strcmp(arch, dl_goarch());
}

/* The image descriptor @d stands for: a manifest, or an index of which
 * this machine's manifest is taken */
static void resolve(const struct dl_oci_desc *d, json_t *annotations,
		    int depth)
{
	const char *names[] = { "io.containerd.image.name",
				"org.opencontainers.image.ref.name" };
	_cleanup_free_ char *why = NULL;
	struct image *img;
	json_t *j, *e, *pick = NULL;
	size_t i, nmatch = 0;

	if (depth > MAX_DEPTH)
		reject("index '%s': nested more than %d deep", d->digest,
		       MAX_DEPTH);
	if (dl_ocidoc_media_kind(d->media_type) == DL_OCIDOC_INDEX) {
		struct dl_oci_desc sub;

		j = load_doc(d, DL_OCIDOC_INDEX);
		json_array_foreach(json_object_get(j, "manifests"), i, e)
			if (our_platform(json_object_get(e, "platform"))) {
				pick = pick ? pick : e;
				nmatch++;
			}
		if (!pick && json_array_size(json_object_get(j, "manifests")) == 1)
			pick = json_array_get(json_object_get(j, "manifests"), 0);
		if (!pick)
			reject("index '%s': no manifest for linux/%s", d->digest,
			       dl_goarch());
		dl_ocidoc_desc(pick, "manifest", &sub, &why);
		resolve(&sub, annotations, depth + 1);
		json_decref(j);
		return;
	}
	j = load_doc(d, DL_OCIDOC_MANIFEST);
	check_manifest(j, d->digest);
	json_decref(j);
	img = add_image(d->digest);
	/* a full name where there is one, else the OCI ref name */
	for (i = 0; i < 2; i++) {
		const char *n = json_string_value(
			json_object_get(annotations, names[i]));

		if (n && *n) {
			add_name(img, n);
			break;
		}
	}
}

static void read_oci(void)
{
	_cleanup_free_ char *why = NULL;
	json_t *layout, *index, *e;
	json_error_t jerr;
	size_t i;

	layout = json_loadb(s.doc[2], s.len[2], JSON_REJECT_DUPLICATES, &jerr);
	if (!layout || !json_is_string(json_object_get(layout,
						       "imageLayoutVersion")))
		reject("oci-layout: %s", layout ? "no imageLayoutVersion"
						: jerr.text);
	json_decref(layout);
	if (dl_ocidoc_parse(s.doc[0], s.len[0], DL_OCIDOC_INDEX, NULL, NULL,
			    &index, &why))
		reject("index.json: %s", why);
	json_array_foreach(json_object_get(index, "manifests"), i, e) {
		struct dl_oci_desc d;

		dl_ocidoc_desc(e, "manifest", &d, &why);
		resolve(&d, d.annotations, 0);
	}
	json_decref(index);
}

/* The media type of a layer blob, by its first bytes */
static const char *sniff(const char *digest)
{
	_cleanup_free_ char *why = NULL;
	_cleanup_close_ int fd = -1;
	unsigned char b[4] = { 0 };

	if (dl_blob_open(digest, &fd, &why))
		fail(DL_EXIT_FAIL, digest, why);
	if (read(fd, b, sizeof(b)) < 0)
		fail(DL_EXIT_FAIL, digest, strerror(errno));
	if (b[0] == 0x1f && b[1] == 0x8b)
		return DL_MT_OCI_LAYER_GZIP;
	if (b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd)
		return DL_MT_OCI_LAYER_ZSTD;
	return DL_MT_OCI_LAYER;
}

static json_t *descriptor(const char *mt, const char *digest)
{
	_cleanup_free_ char *why = NULL;
	uint64_t size = 0;

	if (dl_blob_stat(digest, &size, &why))
		fail(DL_EXIT_FAIL, digest, why);
	return json_pack("{s:s,s:s,s:I}", "mediaType", mt, "digest", digest,
			 "size", (json_int_t)size);
}

/* A docker-archive image: its OCI manifest made and stored */
static void docker_image(json_t *e, size_t n)
{
	_cleanup_free_ char *why = NULL, *text = NULL;
	struct dl_blob_writer *w = NULL;
	char digest[DL_DIGEST_LEN + 1];
	struct dl_oci_desc d;
	const char *path = json_string_value(json_object_get(e, "Config"));
	const char *cd = member_digest(path);
	json_t *layers = json_array(), *m, *l, *cfg;
	struct image *img;
	size_t i;
	int r;

	if (!cd)
		reject("manifest.json [%zu]: config '%s' is not in the archive",
		       n, path);
	json_array_foreach(json_object_get(e, "Layers"), i, l) {
		const char *ld = member_digest(json_string_value(l));

		if (!ld)
			reject("manifest.json [%zu]: layer '%s' is not in the "
			       "archive", n, json_string_value(l));
		json_array_append_new(layers, descriptor(sniff(ld), ld));
	}
	m = json_pack("{s:i,s:s,s:o,s:o}", "schemaVersion", 2, "mediaType",
		      DL_MT_OCI_MANIFEST, "config",
		      descriptor(DL_MT_OCI_CONFIG, cd), "layers", layers);
	text = dl_json_dumps(m);
	json_decref(m);
	/* the config must be one, and agree with the layers */
	if (dl_ocidoc_parse(text, strlen(text), DL_OCIDOC_MANIFEST, NULL, NULL,
			    &m, &why))
		reject("manifest.json [%zu]: %s", n, why);
	dl_ocidoc_desc(json_object_get(m, "config"), "config", &d, &why);
	cfg = load_doc(&d, DL_OCIDOC_CONFIG);
	if (dl_ocidoc_pair(m, cfg, &why))
		reject("manifest.json [%zu]: %s", n, why);
	want_chains(cfg);
	json_decref(cfg);
	json_decref(m);
	r = dl_blob_begin(NULL, (int64_t)strlen(text), &w, &why);
	if (!r)
		r = dl_blob_write(w, text, strlen(text), &why);
	if (!r)
		r = dl_blob_commit(w, digest, &why);
	else
		dl_blob_abort(w);
	if (r)
		fail(r, "manifest", why);
	img = add_image(digest);
	json_array_foreach(json_object_get(e, "RepoTags"), i, l)
		add_name(img, json_string_value(l));
}

static void read_docker(void)
{
	_cleanup_free_ char *why = NULL;
	json_t *list, *e;
	size_t i;

	if (dl_ocidoc_parse(s.doc[1], s.len[1], DL_OCIDOC_ARCHIVE, NULL, NULL,
			    &list, &why))
		reject("manifest.json: %s", why);
	json_array_foreach(list, i, e)
		docker_image(e, i);
	json_decref(list);
}

/* index.json and oci-layout of a layout directory */
static void read_layout(void)
{
	for (int k = 0; k < 3; k++) {
		_cleanup_free_ char *why = NULL;
		_cleanup_close_ int fd = -1;
		int r;

		if (k == 1)
			continue;
		fd = openat(s.dir, docs[k], O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && (errno == ENOENT || errno == ELOOP))
			reject("'%s' is missing: not an OCI layout", docs[k]);
		if (fd < 0)
			fail(DL_EXIT_FAIL, docs[k], strerror(errno));
		r = dl_ocidoc_read_fd(fd, &s.doc[k], &s.len[k], &why);
		if (r)
			dl_die(r, "unable to import '%s': %s: %s", s.source,
			       docs[k], why);
	}
}

int main(int argc, char **argv)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	int opt;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	opterr = 0;
	while ((opt = getopt(argc, argv, "+ah")) != -1) {
		switch (opt) {
		case 'a':
			s.ahead = true;
			break;
		case 'h':
			dl_help(USAGE, OPTIONS);
		default:
			dl_usage(USAGE);
		}
	}
	if (argc - optind != 1 || !*argv[optind])
		dl_usage(USAGE);
	s.source = argv[optind];
	dl_store_need();
	atexit(drop_ahead);

	fd = strcmp(s.source, "-") ? open(s.source, O_RDONLY | O_CLOEXEC)
				   : dup(STDIN_FILENO);
	if (fd < 0 || fstat(fd, &st) < 0)
		dl_die_sys(errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
			   "unable to open '%s'", s.source);
	if (S_ISDIR(st.st_mode)) {
		s.dir = dl_steal_fd(&fd);
		read_layout();
	} else {
		read_archive(fd);
	}
	if (s.doc[0] && s.doc[2])
		read_oci();
	else if (s.doc[1])
		read_docker();
	else
		reject("neither an OCI layout (index.json, oci-layout) nor a "
		       "docker-archive (manifest.json)");
	dl_ahead_drop(s.cur);
	s.cur = NULL;
	settle_ahead();

	for (size_t i = 0; i < s.nimg; i++) {
		printf("%s", s.img[i].digest);
		for (size_t k = 0; k < s.img[i].nnames; k++)
			printf(" %s", s.img[i].names[k]);
		putchar('\n');
	}
	return dl_finish_stdout();
}
