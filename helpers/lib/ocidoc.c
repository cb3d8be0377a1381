/* SPDX-License-Identifier: Apache-2.0 */
/* ocidoc.c: OCI manifests, indexes, configs and docker-archive's
 * manifest.json, checked strictly */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl/change.h"
#include "dl/digest.h"
#include "dl/ocidoc.h"

static const char *const manifest_types[] = { DL_MT_OCI_MANIFEST,
					      DL_MT_DOCKER_MANIFEST, NULL };
static const char *const index_types[] = { DL_MT_OCI_INDEX, DL_MT_DOCKER_LIST,
					   NULL };
static const char *const config_types[] = { DL_MT_OCI_CONFIG,
					    DL_MT_DOCKER_CONFIG, NULL };
static const char *const layer_types[] = { DL_MT_OCI_LAYER,
					   DL_MT_OCI_LAYER_GZIP,
					   DL_MT_OCI_LAYER_ZSTD,
					   DL_MT_DOCKER_LAYER, NULL };

static bool one_of(const char *s, const char *const *v)
{
	for (; s && *v; v++)
		if (!strcmp(s, *v))
			return true;
	return false;
}

static int reject(char **reason, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int reject(char **reason, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		dl_oom();
	va_end(ap);
	*reason = s;
	return DL_EXIT_REJECT;
}

const char *dl_ocidoc_kind_name(enum dl_ocidoc_kind kind)
{
	switch (kind) {
	case DL_OCIDOC_MANIFEST:
		return "manifest";
	case DL_OCIDOC_INDEX:
		return "index";
	case DL_OCIDOC_CONFIG:
		return "config";
	case DL_OCIDOC_ARCHIVE:
		return "docker-archive";
	default:
		return "any";
	}
}

int dl_ocidoc_kind_parse(const char *name, enum dl_ocidoc_kind *kind)
{
	static const enum dl_ocidoc_kind all[] = {
		DL_OCIDOC_ANY, DL_OCIDOC_MANIFEST, DL_OCIDOC_INDEX,
		DL_OCIDOC_CONFIG, DL_OCIDOC_ARCHIVE
	};

	for (size_t i = 0; i < sizeof(all) / sizeof(*all); i++)
		if (!strcmp(name, dl_ocidoc_kind_name(all[i]))) {
			*kind = all[i];
			return 0;
		}
	return -1;
}

enum dl_ocidoc_kind dl_ocidoc_media_kind(const char *media_type)
{
	if (one_of(media_type, manifest_types))
		return DL_OCIDOC_MANIFEST;
	if (one_of(media_type, index_types))
		return DL_OCIDOC_INDEX;
	if (one_of(media_type, config_types))
		return DL_OCIDOC_CONFIG;
	return DL_OCIDOC_ANY;
}

bool dl_ocidoc_layer_type(const char *media_type)
{
	return one_of(media_type, layer_types);
}

/* @o's member @key: a string where present (NULL when absent) */
static int opt_string(json_t *o, const char *key, const char *what,
		      const char **out, char **reason)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v)
		return 0;
	if (!json_is_string(v))
		return reject(reason, "'%s%s%s': must be a string", what,
			      *what ? "." : "", key);
	*out = json_string_value(v);
	return 0;
}

static int check_annotations(json_t *a, const char *what, char **reason)
{
	const char *k;
	json_t *v;

	if (!json_is_object(a))
		return reject(reason, "'%s.annotations': must be an object",
			      what);
	json_object_foreach(a, k, v)
		if (!json_is_string(v))
			return reject(reason, "'%s.annotations.%s': must be a "
				      "string", what, k);
	return 0;
}

int dl_ocidoc_desc(json_t *d, const char *what, struct dl_oci_desc *out,
		   char **reason)
{
	json_t *size, *a, *p;
	const char *digest, *s;

	*reason = NULL;
	memset(out, 0, sizeof(*out));
	if (!json_is_object(d))
		return reject(reason, "'%s': must be an object", what);
	if (opt_string(d, "mediaType", what, &out->media_type, reason) ||
	    opt_string(d, "digest", what, &digest, reason))
		return DL_EXIT_REJECT;
	if (!out->media_type)
		return reject(reason, "'%s.mediaType': is missing", what);
	if (!digest)
		return reject(reason, "'%s.digest': is missing", what);
	if (!dl_digest_valid(digest))
		return reject(reason, "'%s.digest': %s", what,
			      DL_DIGEST_INVALID);
	memcpy(out->digest, digest, DL_DIGEST_LEN + 1);
	size = json_object_get(d, "size");
	if (!size)
		return reject(reason, "'%s.size': is missing", what);
	if (!json_is_integer(size) || json_integer_value(size) < 0)
		return reject(reason, "'%s.size': must be an integer >= 0",
			      what);
	out->size = json_integer_value(size);
	a = json_object_get(d, "annotations");
	if (a && check_annotations(a, what, reason))
		return DL_EXIT_REJECT;
	out->annotations = a;
	p = json_object_get(d, "platform");
	if (p) {
		if (!json_is_object(p))
			return reject(reason, "'%s.platform': must be an "
				      "object", what);
		if (opt_string(p, "os", "platform", &s, reason) ||
		    (s = NULL, opt_string(p, "architecture", "platform", &s,
					  reason)))
			return DL_EXIT_REJECT;
		out->platform = p;
	}
	if (json_object_get(d, "urls") &&
	    !json_is_array(json_object_get(d, "urls")))
		return reject(reason, "'%s.urls': must be an array", what);
	return 0;
}

/* schemaVersion 2, and a mediaType of @types where present, equal to the
 * descriptor's @media_type when given */
static int check_head(json_t *j, const char *const *types,
		      const char *media_type, const char *kind, char **reason)
{
	json_t *v = json_object_get(j, "schemaVersion");
	const char *mt;

	if (!v)
		return reject(reason, "'schemaVersion': is missing");
	if (!json_is_integer(v) || json_integer_value(v) != 2)
		return reject(reason, "'schemaVersion': must be 2");
	if (opt_string(j, "mediaType", "", &mt, reason))
		return DL_EXIT_REJECT;
	if (mt && !one_of(mt, types))
		return reject(reason, "'mediaType': '%s' is no %s type", mt,
			      kind);
	if (mt && media_type && strcmp(mt, media_type))
		return reject(reason, "'mediaType': '%s' disagrees with the "
			      "descriptor's '%s'", mt, media_type);
	return 0;
}

static int check_manifest(json_t *j, const char *media_type, char **reason)
{
	struct dl_oci_desc d;
	json_t *layers, *l;
	size_t i;

	if (json_object_get(j, "manifests"))
		return reject(reason, "'manifests': a manifest has none (an "
			      "index has no layers)");
	if (check_head(j, manifest_types, media_type, "manifest", reason))
		return DL_EXIT_REJECT;
	if (!json_object_get(j, "config"))
		return reject(reason, "'config': is missing");
	if (dl_ocidoc_desc(json_object_get(j, "config"), "config", &d, reason))
		return DL_EXIT_REJECT;
	if (!one_of(d.media_type, config_types))
		return reject(reason, "'config.mediaType': '%s' is no config "
			      "type", d.media_type);
	layers = json_object_get(j, "layers");
	if (!json_is_array(layers))
		return reject(reason, "'layers': %s",
			      layers ? "must be an array" : "is missing");
	json_array_foreach(layers, i, l) {
		char what[48];

		snprintf(what, sizeof(what), "layers[%zu]", i);
		if (dl_ocidoc_desc(l, what, &d, reason))
			return DL_EXIT_REJECT;
		if (!dl_ocidoc_layer_type(d.media_type))
			return reject(reason, "'%s.mediaType': '%s' is no "
				      "layer type dl can apply", what,
				      d.media_type);
	}
	if (json_object_get(j, "annotations") &&
	    check_annotations(json_object_get(j, "annotations"), "", reason))
		return DL_EXIT_REJECT;
	return 0;
}

static int check_index(json_t *j, const char *media_type, char **reason)
{
	struct dl_oci_desc d;
	json_t *list, *m;
	size_t i;

	if (json_object_get(j, "layers") || json_object_get(j, "config"))
		return reject(reason, "'%s': an index has none (a manifest "
			      "has no manifests)",
			      json_object_get(j, "layers") ? "layers"
							   : "config");
	if (check_head(j, index_types, media_type, "index", reason))
		return DL_EXIT_REJECT;
	list = json_object_get(j, "manifests");
	if (!json_is_array(list))
		return reject(reason, "'manifests': %s",
			      list ? "must be an array" : "is missing");
	json_array_foreach(list, i, m) {
		char what[48];

		snprintf(what, sizeof(what), "manifests[%zu]", i);
		if (dl_ocidoc_desc(m, what, &d, reason))
			return DL_EXIT_REJECT;
		if (!one_of(d.media_type, manifest_types) &&
		    !one_of(d.media_type, index_types))
			return reject(reason, "'%s.mediaType': '%s' is no "
				      "manifest or index type", what,
				      d.media_type);
	}
	if (json_object_get(j, "annotations") &&
	    check_annotations(json_object_get(j, "annotations"), "", reason))
		return DL_EXIT_REJECT;
	return 0;
}

static int check_config(json_t *j, char **reason)
{
	json_t *rootfs, *ids, *v;
	char *why = dl_image_config_check(j);
	size_t i;

	if (why) {
		*reason = why;
		return DL_EXIT_REJECT;
	}
	rootfs = json_object_get(j, "rootfs");
	if (strcmp(json_string_value(json_object_get(rootfs, "type")),
		   "layers"))
		return reject(reason, "'rootfs.type': must be \"layers\"");
	ids = json_object_get(rootfs, "diff_ids");
	json_array_foreach(ids, i, v)
		if (!dl_digest_valid(json_string_value(v)))
			return reject(reason, "'rootfs.diff_ids[%zu]': %s", i,
				      DL_DIGEST_INVALID);
	return 0;
}

static int check_path(json_t *v, const char *what, char **reason)
{
	if (!json_is_string(v))
		return reject(reason, "'%s': %s", what,
			      v ? "must be a string" : "is missing");
	if (!dl_is_safe_relpath(json_string_value(v)))
		return reject(reason, "'%s': '%s' is no relative path inside "
			      "the archive", what, json_string_value(v));
	return 0;
}

static int check_archive(json_t *j, char **reason)
{
	json_t *e, *v, *l;
	size_t i, k;

	if (!json_is_array(j) || json_array_size(j) == 0)
		return reject(reason, "a docker-archive manifest must be a "
			      "non-empty array");
	json_array_foreach(j, i, e) {
		char what[64];

		if (!json_is_object(e))
			return reject(reason, "'[%zu]': must be an object", i);
		snprintf(what, sizeof(what), "[%zu].Config", i);
		if (check_path(json_object_get(e, "Config"), what, reason))
			return DL_EXIT_REJECT;
		v = json_object_get(e, "Layers");
		if (!json_is_array(v))
			return reject(reason, "'[%zu].Layers': %s", i,
				      v ? "must be an array" : "is missing");
		json_array_foreach(v, k, l) {
			snprintf(what, sizeof(what), "[%zu].Layers[%zu]", i, k);
			if (check_path(l, what, reason))
				return DL_EXIT_REJECT;
		}
		v = json_object_get(e, "RepoTags");
		if (v && !json_is_null(v) && !json_is_array(v))
			return reject(reason, "'[%zu].RepoTags': must be an "
				      "array", i);
		json_array_foreach(v, k, l)
			if (!json_is_string(l))
				return reject(reason, "'[%zu].RepoTags[%zu]': "
					      "must be a string", i, k);
		v = json_object_get(e, "LayerSources");
		if (v && !json_is_null(v) && !json_is_object(v))
			return reject(reason, "'[%zu].LayerSources': must be "
				      "an object", i);
	}
	return 0;
}

/* The kind of @j by its content (and its own mediaType) */
static enum dl_ocidoc_kind tell(json_t *j, const char *media_type)
{
	const char *mt = json_string_value(json_object_get(j, "mediaType"));

	if (json_is_array(j))
		return DL_OCIDOC_ARCHIVE;
	if (media_type && dl_ocidoc_media_kind(media_type) != DL_OCIDOC_ANY)
		return dl_ocidoc_media_kind(media_type);
	if (mt && dl_ocidoc_media_kind(mt) != DL_OCIDOC_ANY)
		return dl_ocidoc_media_kind(mt);
	if (json_object_get(j, "manifests"))
		return DL_OCIDOC_INDEX;
	if (json_object_get(j, "layers") || json_object_get(j, "config"))
		return DL_OCIDOC_MANIFEST;
	if (json_object_get(j, "rootfs"))
		return DL_OCIDOC_CONFIG;
	return DL_OCIDOC_ANY;
}

int dl_ocidoc_parse(const char *buf, size_t len, enum dl_ocidoc_kind want,
		    const char *media_type, enum dl_ocidoc_kind *kind,
		    json_t **out, char **reason)
{
	enum dl_ocidoc_kind k;
	json_error_t jerr;
	json_t *j;
	int r;

	*reason = NULL;
	if (out)
		*out = NULL;
	if (len > DL_OCIDOC_MAX)
		return reject(reason, "%zu bytes, larger than the limit %u",
			      len, DL_OCIDOC_MAX);
	if (media_type && want != DL_OCIDOC_ANY &&
	    dl_ocidoc_media_kind(media_type) != want)
		return reject(reason, "the media type '%s' names no %s",
			      media_type, dl_ocidoc_kind_name(want));
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j)
		return reject(reason, "%d:%d: %s", jerr.line, jerr.column,
			      jerr.text);
	k = want != DL_OCIDOC_ANY ? want : tell(j, media_type);
	if (k == DL_OCIDOC_ARCHIVE)
		r = check_archive(j, reason);
	else if (!json_is_object(j))
		r = reject(reason, "not a JSON object");
	else if (k == DL_OCIDOC_MANIFEST)
		r = check_manifest(j, media_type, reason);
	else if (k == DL_OCIDOC_INDEX)
		r = check_index(j, media_type, reason);
	else if (k == DL_OCIDOC_CONFIG)
		r = check_config(j, reason);
	else
		r = reject(reason, "neither a manifest, an index, a config "
			   "nor a docker-archive manifest");
	if (r) {
		json_decref(j);
		return r;
	}
	if (kind)
		*kind = k;
	if (out)
		*out = j;
	else
		json_decref(j);
	return 0;
}

int dl_ocidoc_read_fd(int fd, char **buf, size_t *len, char **reason)
{
	size_t cap = 65536, got = 0;
	char *b = dl_xmalloc(cap + 1);

	*buf = NULL;
	*len = 0;
	*reason = NULL;
	for (;;) {
		ssize_t n;

		if (got == cap) {
			if (cap > DL_OCIDOC_MAX) {
				free(b);
				return reject(reason, "larger than the limit "
					      "%u bytes", DL_OCIDOC_MAX);
			}
			cap *= 2;
			b = dl_xrealloc(b, cap + 1);
		}
		n = read(fd, b + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(b);
			return dl_fail(reason, DL_EXIT_FAIL, "%s",
				       strerror(errno));
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > DL_OCIDOC_MAX) {
			free(b);
			return reject(reason, "larger than the limit %u bytes",
				      DL_OCIDOC_MAX);
		}
	}
	b[got] = '\0';
	*buf = b;
	*len = got;
	return 0;
}

int dl_ocidoc_load(const char *path, enum dl_ocidoc_kind want,
		   const char *media_type, enum dl_ocidoc_kind *kind,
		   json_t **out, char **reason)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int fd = -1;
	size_t len;
	int r;

	*reason = NULL;
	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC)
			       : dup(STDIN_FILENO);
	if (fd < 0)
		return dl_fail(reason,
			       errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
			       "%s", strerror(errno));
	r = dl_ocidoc_read_fd(fd, &buf, &len, reason);
	if (r)
		return r;
	return dl_ocidoc_parse(buf, len, want, media_type, kind, out, reason);
}

int dl_ocidoc_pair(json_t *manifest, json_t *config, char **reason)
{
	size_t nl = json_array_size(json_object_get(manifest, "layers"));
	size_t nd = json_array_size(json_object_get(
		json_object_get(config, "rootfs"), "diff_ids"));

	*reason = NULL;
	if (nl != nd)
		return reject(reason, "%zu layers but %zu rootfs.diff_ids in "
			      "the config", nl, nd);
	return 0;
}
