/* SPDX-License-Identifier: Apache-2.0 */
/* imglayers.c: the layers an image goes out with: its chain's steps, and
 * the cached layers of snapshot steps */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl/blob.h"
#include "dl/image.h"
#include "dl/imglayers.h"
#include "dl/json.h"

/* How long a parent chain may be. */
#define MAX_CHAIN 4096

char *dl_layer_key_name(const struct dl_layer_key *k)
{
	static const char *const names[] = { "none", "gzip", "zstd" };
	const char *c = (unsigned)k->compress < 3 ? names[k->compress] : "none";

	return k->clamp ? dl_xasprintf("%s@%" PRId64, c, k->epoch)
			: dl_xstrdup(c);
}

/* @d from descriptor object @o ({digest, size, mediaType} and the diff ID
 * under @diff_key); -1 when malformed */
static int desc_from(json_t *o, const char *diff_key, struct dl_layer_desc *d)
{
	const char *digest = json_string_value(json_object_get(o, "digest"));
	const char *diff = json_string_value(json_object_get(o, diff_key));
	const char *mt = json_string_value(json_object_get(o, "mediaType"));
	json_t *size = json_object_get(o, "size");

	if (!digest || !diff || !mt || !dl_digest_valid(digest) ||
	    !dl_digest_valid(diff) || !json_is_integer(size) ||
	    json_integer_value(size) < 0)
		return -1;
	memcpy(d->digest, digest, DL_DIGEST_LEN + 1);
	memcpy(d->diff_id, diff, DL_DIGEST_LEN + 1);
	d->size = json_integer_value(size);
	d->media_type = dl_xstrdup(mt);
	return 0;
}

/* The cached layer of snapshot step @s, when there is one whose blob is
 * in the store with its size */
static void cached(struct dl_image_step *s, const struct dl_layer_key *k)
{
	_cleanup_free_ char *path = dl_path("images/%s/layer.json", s->id);
	_cleanup_free_ char *key = dl_layer_key_name(k), *why = NULL;
	struct dl_layer_desc d = { 0 };
	json_t *j;
	uint64_t have;

	if (access(path, F_OK) < 0)
		return;
	j = dl_json_load(path, &why);
	if (j && !desc_from(json_object_get(j, key), "diffID", &d) &&
	    !dl_blob_stat(d.digest, &have, &why) && have == (uint64_t)d.size) {
		s->layers = dl_xcalloc(1, sizeof(*s->layers));
		s->layers[0] = d;
		s->nlayers = 1;
	} else {
		free(d.media_type);
	}
	json_decref(j);
}

/* Fill @s, image @id, from its meta.json and config.json */
static int load_step(struct dl_image_step *s, const char *id,
		     const struct dl_layer_key *k, char **reason)
{
	_cleanup_free_ char *mp = dl_path("images/%s/meta.json", id);
	_cleanup_free_ char *cp = dl_path("images/%s/config.json", id);
	json_t *meta = NULL, *cfg = NULL, *layers, *l;
	const char *parent, *bad = mp;
	size_t i;
	int r;

	memcpy(s->id, id, DL_ID_LEN + 1);

	r = dl_image_doc_load(mp, DL_DOC_META, &meta, reason);
	if (!r && (r = dl_image_doc_load(cp, DL_DOC_CONFIG, &cfg, reason))) {
		json_decref(dl_steal_pointer(&meta));
		bad = cp;
	}
	if (r) {
		char *w = dl_xasprintf("%s: %s", bad, *reason);

		free(*reason);
		*reason = w;
		return r;
	}
	parent = json_string_value(json_object_get(meta, "parent"));
	snprintf(s->parent, sizeof(s->parent), "%s", parent ? parent : "");
	s->created = dl_xstrdup(
		json_string_value(json_object_get(meta, "created")));
	s->nhistory = json_array_size(json_object_get(cfg, "history"));
	layers = json_object_get(meta, "layers");
	if (layers) {
		s->kind = DL_STEP_LOADED;
		s->parent[0] = '\0';
		s->layers = dl_xcalloc(json_array_size(layers) + 1,
				       sizeof(*s->layers));
		json_array_foreach(layers, i, l) {
			if (desc_from(l, "diff_id", &s->layers[i]) < 0) {
				r = dl_fail(reason, DL_EXIT_REJECT, "%s: "
					    "'layers[%zu]' is malformed", mp, i);
				break;
			}
			s->nlayers++;
		}
	} else if (json_object_get(meta, "layer")) {
		s->kind = DL_STEP_CHAIN;
		s->layers = dl_xcalloc(1, sizeof(*s->layers));
		if (desc_from(json_object_get(meta, "layer"), "diff_id",
			      &s->layers[0]) < 0)
			r = dl_fail(reason, DL_EXIT_REJECT,
				    "%s: 'layer' is malformed", mp);
		else
			s->nlayers = 1;
	} else {
		s->kind = DL_STEP_SNAPSHOT;
		cached(s, k);
	}
	json_decref(meta);
	json_decref(cfg);
	return r;
}

void dl_image_steps_free(struct dl_image_step *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		for (size_t k = 0; k < v[i].nlayers; k++)
			free(v[i].layers[k].media_type);
		free(v[i].layers);
		free(v[i].created);
	}
	free(v);
}

int dl_image_steps(const char *id, const struct dl_layer_key *k,
		   struct dl_image_step **out, size_t *n, char **reason)
{
	struct dl_image_step *v = NULL;
	const char *cur = id;
	size_t cnt = 0, cap = 0;
	int r = 0;

	*reason = NULL;
	*out = NULL;
	*n = 0;
	while (*cur) {
		_cleanup_free_ char *dir = dl_path("images/%s", cur);
		struct stat st;

		if (!dl_is_id(cur)) {
			r = dl_fail(reason, DL_EXIT_REJECT, "parent '%s' is "
				    "not an image ID", cur);
			break;
		}
		for (size_t i = 0; i < cnt; i++)
			if (!strcmp(v[i].id, cur))
				r = dl_fail(reason, DL_EXIT_REJECT, "its parent "
					    "chain loops at '%s'", cur);
		if (!r && cnt >= MAX_CHAIN)
			r = dl_fail(reason, DL_EXIT_REJECT, "its parent chain "
				    "is longer than %d", MAX_CHAIN);
		if (!r && stat(dir, &st) < 0)
			r = dl_fail(reason, errno == ENOENT ? DL_EXIT_NO
							    : DL_EXIT_FAIL,
				    "image '%s': %s", cur,
				    errno == ENOENT ? "no such image"
						    : strerror(errno));
		if (r)
			break;
		if (cnt == cap) {
			cap = cap ? 2 * cap : 8;
			v = dl_xrealloc(v, cap * sizeof(*v));
		}
		memset(&v[cnt], 0, sizeof(*v));
		r = load_step(&v[cnt], cur, k, reason);
		cnt++;
		if (r)
			break;
		cur = v[cnt - 1].parent;
	}
	if (r) {
		dl_image_steps_free(v, cnt);
		return r;
	}
	/* base first */
	for (size_t i = 0; i < cnt / 2; i++) {
		struct dl_image_step t = v[i];

		v[i] = v[cnt - 1 - i];
		v[cnt - 1 - i] = t;
	}
	*out = v;
	*n = cnt;
	return 0;
}

int dl_layer_cache_put(const char *id, const struct dl_layer_key *k,
		       const struct dl_layer_desc *d, char **reason)
{
	_cleanup_free_ char *path = dl_path("images/%s/layer.json", id);
	_cleanup_free_ char *dir = dl_path("images/%s", id);
	_cleanup_free_ char *key = dl_layer_key_name(k), *why = NULL;
	json_t *j = NULL, *e;
	struct stat st;
	int r = 0;

	*reason = NULL;
	if (stat(dir, &st) < 0)
		return dl_fail(reason, errno == ENOENT ? DL_EXIT_NO
						       : DL_EXIT_FAIL,
			       "%s", errno == ENOENT ? "no such image"
						     : strerror(errno));
	/* an unreadable cache is only a cache: made again */
	if (access(path, F_OK) == 0)
		j = dl_json_load(path, &why);
	if (!json_is_object(j)) {
		json_decref(j);
		j = json_object();
	}
	e = json_pack("{s:s,s:s,s:I,s:s}", "diffID", d->diff_id, "digest",
		      d->digest, "size", (json_int_t)d->size, "mediaType",
		      d->media_type);
	if (!j || !e || json_object_set_new(j, key, e) < 0)
		dl_oom();
	if (dl_json_save(path, j) < 0)
		r = dl_fail(reason, DL_EXIT_FAIL, "%s: %s", path,
			    strerror(errno));
	json_decref(j);
	return r;
}
