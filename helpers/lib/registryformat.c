/* SPDX-License-Identifier: Apache-2.0 */
/* registryformat.c: an image manifest told in the other format */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dl.h"
#include "dl/ocidoc.h"
#include "dl/registryformat.h"

/* Docker schema 2's uncompressed layer (containers/image knows it too) */
#define MT_DOCKER_LAYER_TAR "application/vnd.docker.image.rootfs.diff.tar"

/* The layer media types of both formats, side by side */
static const char *const layer_types[][2] = {
	{ DL_MT_OCI_LAYER_GZIP, DL_MT_DOCKER_LAYER },
	{ DL_MT_OCI_LAYER, MT_DOCKER_LAYER_TAR },
	{ DL_MT_OCI_LAYER_ZSTD, NULL },
};

int dl_regformat_parse(const char *s, enum dl_regformat *out, char **reason)
{
	*reason = NULL;
	if (!strcmp(s, "oci"))
		*out = DL_REGFORMAT_OCI;
	else if (!strcmp(s, "docker"))
		*out = DL_REGFORMAT_DOCKER;
	else
		return dl_fail(reason, DL_EXIT_USAGE, "--format takes oci or "
			       "docker, not '%s'", s);
	return 0;
}

/* A copy of descriptor @d with media type @mt, for format @f */
static json_t *desc(json_t *d, const char *mt, enum dl_regformat f)
{
	static const char *const not_docker[] = { "annotations",
						  "artifactType", "data",
						  "platform" };
	json_t *c = json_deep_copy(d);

	if (!c || json_object_set_new(c, "mediaType", json_string(mt)) < 0)
		dl_oom();
	for (size_t i = 0; f == DL_REGFORMAT_DOCKER && i < sizeof(not_docker) / sizeof(*not_docker);
	     i++)
		json_object_del(c, not_docker[i]);
	return c;
}

int dl_regformat_convert(json_t *doc, enum dl_regformat f, char **out,
			 size_t *len, char **reason)
{
	const char *mt = json_string_value(json_object_get(doc, "mediaType"));
	bool docker = mt && !strcmp(mt, DL_MT_DOCKER_MANIFEST);
	int to = f == DL_REGFORMAT_DOCKER;
	json_auto_t *m = NULL;
	json_t *layers, *l;
	size_t i;

	*out = NULL;
	*len = 0;
	*reason = NULL;
	if (f == DL_REGFORMAT_KEEP || docker == (f == DL_REGFORMAT_DOCKER))
		return 0;
	m = json_pack("{s:i, s:s, s:o}", "schemaVersion", 2, "mediaType",
		      to ? DL_MT_DOCKER_MANIFEST : DL_MT_OCI_MANIFEST, "config",
		      desc(json_object_get(doc, "config"),
			   to ? DL_MT_DOCKER_CONFIG : DL_MT_OCI_CONFIG, f));
	layers = json_array();
	if (!m || !layers || json_object_set_new(m, "layers", layers) < 0)
		dl_oom();
	json_array_foreach(json_object_get(doc, "layers"), i, l) {
		const char *lt = json_string_value(json_object_get(l,
								   "mediaType"));
		const char *nt = NULL;

		for (size_t k = 0; lt && k < sizeof(layer_types) / sizeof(*layer_types); k++)
			if (layer_types[k][!to] &&
			    !strcmp(lt, layer_types[k][!to]))
				nt = layer_types[k][to];
		if (!nt)
			return dl_fail(reason, DL_EXIT_REJECT, "layer %zu: "
				       "media type '%s' has no counterpart in "
				       "the %s format", i, lt ? lt : "",
				       to ? "docker" : "oci");
		if (json_array_append_new(layers, desc(l, nt, f)) < 0)
			dl_oom();
	}
	*out = json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS);
	if (!*out)
		dl_oom();
	*len = strlen(*out);
	return 0;
}
