/* SPDX-License-Identifier: Apache-2.0 */
/* ocidoc.c: TAP unit test of the OCI document checks: manifests, indexes,
 * configs and docker-archive manifests, good and bad */
#include <string.h>

#include "dl.h"
#include "dl/ocidoc.h"
#include "tap.h"

#define D1 "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define D2 "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define CFG "{\"mediaType\":\"" DL_MT_OCI_CONFIG "\",\"digest\":\"" D1 "\",\"size\":2}"
#define LAYER(mt) "{\"mediaType\":\"" mt "\",\"digest\":\"" D2 "\",\"size\":32}"
#define MANIFEST(extra, layers)                                                \
	"{\"schemaVersion\":2" extra ",\"config\":" CFG ",\"layers\":[" layers "]}"
#define MDESC "{\"mediaType\":\"" DL_MT_OCI_MANIFEST "\",\"digest\":\"" D1 "\",\"size\":10"
#define INDEX(extra, list) "{\"schemaVersion\":2" extra ",\"manifests\":[" list "]}"
#define CONFIG(rootfs)                                                         \
	"{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":" rootfs "}"

/* @text parses as @want (told by content when ANY) and is @kind */
static void good(const char *text, enum dl_ocidoc_kind want, const char *mt,
		 enum dl_ocidoc_kind kind)
{
	_cleanup_free_ char *why = NULL;
	enum dl_ocidoc_kind k = DL_OCIDOC_ANY;
	int r = dl_ocidoc_parse(text, strlen(text), want, mt, &k, NULL, &why);

	ok(r == 0 && k == kind, "accepted", text);
	if (r)
		printf("# %s\n", why);
}

/* @text is refused with exit 4, the reason naming @field */
static void bad(const char *text, enum dl_ocidoc_kind want, const char *mt,
		const char *field)
{
	_cleanup_free_ char *why = NULL;
	int r = dl_ocidoc_parse(text, strlen(text), want, mt, NULL, NULL, &why);

	ok(r == DL_EXIT_REJECT && why && strstr(why, field), "refused", text);
	if (why && !strstr(why, field))
		printf("# reason '%s' does not name '%s'\n", why, field);
}

static void manifests(void)
{
	const enum dl_ocidoc_kind M = DL_OCIDOC_MANIFEST;

	good(MANIFEST("", LAYER(DL_MT_OCI_LAYER_GZIP)), M, NULL, M);
	good(MANIFEST("", LAYER(DL_MT_OCI_LAYER) "," LAYER(DL_MT_OCI_LAYER_ZSTD)),
	     DL_OCIDOC_ANY, NULL, M);
	good(MANIFEST(",\"mediaType\":\"" DL_MT_OCI_MANIFEST "\"", ""), M,
	     DL_MT_OCI_MANIFEST, M);
	good(MANIFEST(",\"mediaType\":\"" DL_MT_DOCKER_MANIFEST "\"",
		      LAYER(DL_MT_DOCKER_LAYER)), DL_OCIDOC_ANY, NULL, M);
	bad(MANIFEST(",\"manifests\":[]", ""), M, NULL, "manifests");
	bad(MANIFEST(",\"manifests\":[]", ""), DL_OCIDOC_ANY, NULL, "manifests");
	bad("{\"schemaVersion\":1,\"config\":" CFG ",\"layers\":[]}", M, NULL,
	    "schemaVersion");
	bad("{\"schemaVersion\":\"2\",\"config\":" CFG ",\"layers\":[]}", M,
	    NULL, "schemaVersion");
	bad("{\"config\":" CFG ",\"layers\":[]}", M, NULL, "schemaVersion");
	bad(MANIFEST(",\"mediaType\":\"" DL_MT_OCI_INDEX "\"", ""), M, NULL,
	    "mediaType");
	bad(MANIFEST(",\"mediaType\":\"" DL_MT_DOCKER_MANIFEST "\"", ""), M,
	    DL_MT_OCI_MANIFEST, "disagrees");
	bad(MANIFEST("", ""), M, DL_MT_OCI_INDEX, "names no manifest");
	bad(MANIFEST("", LAYER(DL_MT_OCI_CONFIG)), M, NULL, "layers[0].mediaType");
	bad(MANIFEST("", LAYER("application/vnd.oci.image.layer.nondistributable.v1.tar")),
	    M, NULL, "layers[0].mediaType");
	bad(MANIFEST("", "{\"digest\":\"" D2 "\",\"size\":3}"), M, NULL,
	    "layers[0].mediaType");
	bad(MANIFEST("", "{\"mediaType\":\"" DL_MT_OCI_LAYER "\",\"digest\":\"sha256:../..\",\"size\":3}"),
	    M, NULL, "layers[0].digest");
	bad(MANIFEST("", "{\"mediaType\":\"" DL_MT_OCI_LAYER "\",\"digest\":\"" D2 "\",\"size\":-1}"),
	    M, NULL, "layers[0].size");
	bad(MANIFEST("", "{\"mediaType\":\"" DL_MT_OCI_LAYER "\",\"digest\":\"" D2 "\",\"size\":1.5}"),
	    M, NULL, "layers[0].size");
	bad(MANIFEST("", "{\"mediaType\":\"" DL_MT_OCI_LAYER "\",\"digest\":\"" D2 "\",\"size\":\"3\"}"),
	    M, NULL, "layers[0].size");
	bad(MANIFEST("", "{\"mediaType\":\"" DL_MT_OCI_LAYER "\",\"digest\":\"" D2 "\"}"),
	    M, NULL, "layers[0].size");
	bad(MANIFEST("", "{\"mediaType\":7,\"digest\":\"" D2 "\",\"size\":3}"),
	    M, NULL, "layers[0].mediaType");
	bad(MANIFEST("", "{\"mediaType\":\"" DL_MT_OCI_LAYER "\",\"digest\":\"" D2 "\",\"size\":3,\"annotations\":{\"a\":1}}"),
	    M, NULL, "layers[0].annotations.a");
	bad("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" DL_MT_OCI_LAYER
	    "\",\"digest\":\"" D1 "\",\"size\":2},\"layers\":[]}", M, NULL,
	    "config.mediaType");
	bad("{\"schemaVersion\":2,\"layers\":[]}", M, NULL, "config");
	bad("{\"schemaVersion\":2,\"config\":" CFG "}", M, NULL, "layers");
	bad("{\"schemaVersion\":2,\"config\":" CFG ",\"layers\":{}}", M, NULL,
	    "layers");
	bad("{\"schemaVersion\":2,\"schemaVersion\":2,\"config\":" CFG
	    ",\"layers\":[]}", M, NULL, "duplicate");
	bad(MANIFEST("", "") " x", M, NULL, "end of file expected");
	bad("[]", M, NULL, "not a JSON object");
}

static void indexes(void)
{
	const enum dl_ocidoc_kind I = DL_OCIDOC_INDEX;

	good(INDEX("", MDESC "}"), I, NULL, I);
	good(INDEX("", MDESC ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"latest\"},"
		   "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}"),
	     DL_OCIDOC_ANY, NULL, I);
	good(INDEX(",\"mediaType\":\"" DL_MT_OCI_INDEX "\"", ""), I,
	     DL_MT_OCI_INDEX, I);
	bad(INDEX(",\"layers\":[]", MDESC "}"), I, NULL, "layers");
	bad(INDEX(",\"layers\":[]", MDESC "}"), DL_OCIDOC_ANY, NULL, "layers");
	bad(INDEX(",\"config\":" CFG, ""), I, NULL, "config");
	bad(INDEX(",\"mediaType\":\"" DL_MT_OCI_MANIFEST "\"", ""), I, NULL,
	    "mediaType");
	bad(INDEX("", "{\"mediaType\":\"" DL_MT_OCI_LAYER "\",\"digest\":\"" D1 "\",\"size\":1}"),
	    I, NULL, "manifests[0].mediaType");
	bad(INDEX("", MDESC ",\"platform\":[]}"), I, NULL,
	    "manifests[0].platform");
	bad(INDEX("", MDESC ",\"platform\":{\"os\":1}}"), I, NULL,
	    "platform.os");
	bad("{\"schemaVersion\":2}", I, NULL, "manifests");
	bad("{\"schemaVersion\":2,\"manifests\":{}}", I, NULL, "manifests");
}

static void configs(void)
{
	const enum dl_ocidoc_kind C = DL_OCIDOC_CONFIG;
	_cleanup_free_ char *why = NULL;
	json_t *m = parse(MANIFEST("", LAYER(DL_MT_OCI_LAYER)));
	json_t *c = parse(CONFIG("{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\"]}"));
	json_t *c0 = parse(CONFIG("{\"type\":\"layers\",\"diff_ids\":[]}"));

	good(CONFIG("{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\",\"" D2 "\"]}"),
	     C, DL_MT_OCI_CONFIG, C);
	good(CONFIG("{\"type\":\"layers\",\"diff_ids\":[]}"), DL_OCIDOC_ANY,
	     DL_MT_DOCKER_CONFIG, C);
	bad(CONFIG("{\"type\":\"foo\",\"diff_ids\":[]}"), C, NULL, "rootfs.type");
	bad(CONFIG("{\"type\":\"layers\",\"diff_ids\":[\"sha256:../..\"]}"), C,
	    NULL, "rootfs.diff_ids[0]");
	bad(CONFIG("{\"type\":\"layers\",\"diff_ids\":[3]}"), C, NULL,
	    "diff_ids");
	bad(CONFIG("{\"type\":\"layers\"}"), C, NULL, "rootfs.diff_ids");
	bad("{\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}",
	    C, NULL, "architecture");
	bad(CONFIG("{\"type\":\"layers\",\"diff_ids\":[]}"), C,
	    DL_MT_OCI_MANIFEST, "names no config");
	ok(dl_ocidoc_pair(m, c, &why) == 0, "a manifest and its config agree",
	   "1 layer");
	free(why);
	why = NULL;
	ok(dl_ocidoc_pair(m, c0, &why) == DL_EXIT_REJECT && strstr(why, "1 layers but 0"),
	   "a manifest and its config disagree", "1 layer, 0 diff_ids");
	json_decref(m);
	json_decref(c);
	json_decref(c0);
}

static void archives(void)
{
	const enum dl_ocidoc_kind A = DL_OCIDOC_ARCHIVE;

	good("[{\"Config\":\"c.json\",\"RepoTags\":[\"a:b\"],\"Layers\":[\"l/layer.tar\"]}]",
	     DL_OCIDOC_ANY, NULL, A);
	good("[{\"Config\":\"blobs/sha256/x\",\"RepoTags\":null,\"Layers\":[],\"LayerSources\":{}}]",
	     A, NULL, A);
	bad("[]", A, NULL, "non-empty");
	bad("{}", A, NULL, "non-empty");
	bad("[{\"Config\":\"../c.json\",\"Layers\":[]}]", A, NULL, "[0].Config");
	bad("[{\"Config\":\"/c.json\",\"Layers\":[]}]", A, NULL, "[0].Config");
	bad("[{\"Layers\":[]}]", A, NULL, "[0].Config");
	bad("[{\"Config\":\"c\",\"Layers\":[\"a/../../b\"]}]", A, NULL,
	    "[0].Layers[0]");
	bad("[{\"Config\":\"c\",\"Layers\":\"a\"}]", A, NULL, "[0].Layers");
	bad("[{\"Config\":\"c\",\"Layers\":[],\"RepoTags\":[1]}]", A, NULL,
	    "[0].RepoTags[0]");
	bad("[1]", A, NULL, "[0]");
}

static void limits(void)
{
	_cleanup_free_ char *why = NULL;
	size_t len = DL_OCIDOC_MAX + 1;
	char *big = dl_xmalloc(len);

	memset(big, ' ', len);
	ok(dl_ocidoc_parse(big, len, DL_OCIDOC_ANY, NULL, NULL, NULL, &why) ==
		   DL_EXIT_REJECT && strstr(why, "limit"),
	   "refused, larger than", "4 MiB");
	free(big);
}

static void names(void)
{
	enum dl_ocidoc_kind k;

	ok(dl_ocidoc_kind_parse("index", &k) == 0 && k == DL_OCIDOC_INDEX,
	   "kind of", "index");
	ok(dl_ocidoc_kind_parse("layer", &k) < 0, "no kind", "layer");
	ok(dl_ocidoc_media_kind(DL_MT_DOCKER_LIST) == DL_OCIDOC_INDEX,
	   "kind of media type", DL_MT_DOCKER_LIST);
	ok(dl_ocidoc_layer_type(DL_MT_OCI_LAYER_ZSTD), "layer type",
	   DL_MT_OCI_LAYER_ZSTD);
	ok(!dl_ocidoc_layer_type(DL_MT_OCI_MANIFEST), "no layer type",
	   DL_MT_OCI_MANIFEST);
}

int main(void)
{
	manifests();
	indexes();
	configs();
	archives();
	limits();
	names();
	return tap_done();
}
