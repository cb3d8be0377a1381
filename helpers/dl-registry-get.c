/* SPDX-License-Identifier: Apache-2.0 */
/* dl-registry-get: fetch an image's manifest, config and layers from a
 * registry into the content store, every blob verified */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "dl.h"
#include "dl/blob.h"
#include "dl/digest.h"
#include "dl/imgconfig.h"
#include "dl/ocidoc.h"
#include "dl/registry.h"
#include "dl/registryfetch.h"

#define USAGE "dl-registry-get [-q] [--platform=OS/ARCH[/VARIANT]] [--tls-verify=false] REF"
#define OPTIONS                                                                \
	"  -q                      no progress on stderr\n"                   \
	"  --platform=OS/ARCH[/VARIANT]\n"                                     \
	"                          the manifest of a list to take (default\n"  \
	"                          this machine's)\n"                          \
	"  --tls-verify=false      do not verify TLS; allow plain http\n"      \
	"  -h                      show this help\n"                           \
	"\nREF is [HOST[:PORT]/]PATH[:TAG][@DIGEST].  Prints the digest of the\n" \
	"image manifest stored, then the digest of the document REF names\n"  \
	"(an index, or that manifest).\n"

static const char *ref_arg;
static bool quiet, tty;

static noreturn void fail(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static noreturn void fail(int code, const char *fmt, ...)
{
	_cleanup_free_ char *why = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&why, fmt, ap) < 0)
		dl_oom();
	va_end(ap);
	dl_die(code, "unable to pull '%s': %s", ref_arg, why);
}

/* GET a manifest or index by @ref (tag or digest), checked: its digest
 * the one asked for and the one the registry says; kept in @resp */
static void get_doc(struct dl_registry *r, const char *ref, int64_t size,
		    struct dl_registry_resp *resp, char out[DL_DIGEST_LEN + 1])
{
	_cleanup_free_ char *url = dl_registry_url(r, "manifests/%s", ref);
	_cleanup_free_ char *why = NULL;
	struct curl_slist *h = curl_slist_append(NULL, DL_REGISTRY_ACCEPT);
	int code;

	code = dl_registry_call(r, "GET", url, h, NULL, 0, -1, resp, &why);
	curl_slist_free_all(h);
	if (code)
		fail(code, "manifest '%s': %s", ref, why);
	if (resp->status != 200) {
		code = dl_registry_status(resp, &why);
		fail(code, "manifest '%s': %s", ref, why);
	}
	dl_sha256_buf(resp->body, resp->len, out);
	if (dl_digest_valid(ref) && strcmp(ref, out))
		fail(DL_EXIT_REJECT, "manifest '%s': its content's digest is %s",
		     ref, out);
	if (size >= 0 && (uint64_t)size != resp->len)
		fail(DL_EXIT_REJECT, "manifest '%s': %zu bytes, its descriptor "
		     "says %" PRId64, ref, resp->len, size);
	if (resp->digest && dl_digest_valid(resp->digest) &&
	    strcmp(resp->digest, out))
		fail(DL_EXIT_REJECT, "manifest '%s': the registry says its "
		     "digest is %s, its content's is %s", ref, resp->digest, out);
}

/* Store a document fetched whole */
static void store_doc(const char *digest, const struct dl_registry_resp *resp)
{
	_cleanup_free_ char *why = NULL;
	struct dl_blob_writer *w;
	int code = dl_blob_begin(digest, (int64_t)resp->len, &w, &why);

	if (!code && w && (code = dl_blob_write(w, resp->body, resp->len, &why)))
		dl_blob_abort(w);
	else if (!code && w)
		code = dl_blob_commit(w, NULL, &why);
	if (code)
		fail(code, "blob '%s': %s", digest, why);
}

/* Whether platform @p is the one wanted: OS/ARCH[/VARIANT] */
static bool platform_is(json_t *p, const char *want)
{
	const char *os = json_string_value(json_object_get(p, "os"));
	const char *arch = json_string_value(json_object_get(p, "architecture"));
	const char *var = json_string_value(json_object_get(p, "variant"));
	_cleanup_free_ char *have = NULL, *w = dl_xstrdup(want);
	char *slash;

	if (!os || !arch)
		return false;
	have = dl_xasprintf("%s/%s", os, arch);
	slash = strchr(w, '/');
	slash = slash ? strchr(slash + 1, '/') : NULL;
	if (slash) {
		/* a variant asked for must be that one */
		if (!var || strcmp(slash + 1, var))
			return false;
		*slash = '\0';
	}
	return !strcmp(have, w);
}

/* The manifest of @index for @want, or a clear refusal listing them */
static json_t *pick(json_t *index, const char *want)
{
	json_t *e, *p;
	size_t i;
	char *list = NULL;

	json_array_foreach(json_object_get(index, "manifests"), i, e)
		if (platform_is(json_object_get(e, "platform"), want))
			return e;
	json_array_foreach(json_object_get(index, "manifests"), i, e) {
		const char *os, *arch, *var;
		char *l;

		p = json_object_get(e, "platform");
		os = json_string_value(json_object_get(p, "os"));
		arch = json_string_value(json_object_get(p, "architecture"));
		var = json_string_value(json_object_get(p, "variant"));
		if (!os || !arch)
			continue;
		l = dl_xasprintf("%s%s%s/%s%s%s", list ? list : "",
				 list ? ", " : "", os, arch, var ? "/" : "",
				 var ? var : "");
		free(list);
		list = l;
	}
	fail(DL_EXIT_NO, "no manifest for platform %s (the image has: %s)",
	     want, list ? list : "none");
}

/* One line a blob, redrawn in place on a terminal; else a line a blob
 * stored */
static void progress(const struct dl_registry_progress *p, size_t n,
		     double t, long done, void *data)
{
	bool *drawn = data;

	if (quiet)
		return;
	if (!tty) {
		if (done >= 0)
			fprintf(stderr, "%s: info: fetched blob %s (%" PRIu64
				" bytes)\n", dl_prog, p[done].digest,
				p[done].size);
		return;
	}
	if (*drawn)
		fprintf(stderr, "\033[%zuA", n);
	*drawn = true;
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "\r\033[K%.19s  %8.1f / %.1f MB  %6.1f MB/s%s\n",
			p[i].digest, (double)p[i].got / 1e6,
			(double)p[i].size / 1e6,
			t > 0 ? (double)p[i].got / 1e6 / t : 0.0,
			p[i].done ? "  done" : "");
}

/* Add @d (layer @layer, or -1) to the blobs to fetch unless it is stored
 * or listed already */
static void want(struct dl_registry_blob *x, size_t *n,
		 const struct dl_oci_desc *d, long layer)
{
	_cleanup_free_ char *why = NULL;
	uint64_t size;
	int code = dl_blob_stat(d->digest, &size, &why);

	if (!code && size == (uint64_t)d->size)
		return;
	if (!code)
		fail(DL_EXIT_REJECT, "blob '%s': %" PRIu64 " bytes stored, its "
		     "descriptor says %" PRId64, d->digest, size, d->size);
	if (code != DL_EXIT_NO)
		fail(code, "blob '%s': %s", d->digest, why);
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(x[i].desc.digest, d->digest))
			return;
	x[*n].layer = layer;
	x[(*n)++].desc = *d;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "platform", required_argument, NULL, 'p' },
		{ "tls-verify", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dl_registry_opts o = { .tls_verify = 1 };
	struct dl_registry_resp top = { 0 }, man = { 0 }, cfg = { 0 };
	_cleanup_free_ char *why = NULL, *platform = NULL, *url = NULL;
	char top_digest[DL_DIGEST_LEN + 1], digest[DL_DIGEST_LEN + 1];
	char cd_digest[DL_DIGEST_LEN + 1];
	struct dl_regref ref;
	struct dl_registry *r;
	struct dl_oci_desc d, cd;
	enum dl_ocidoc_kind kind;
	json_t *doc, *sub = NULL, *config, *l;
	struct dl_registry_blob *x;
	size_t nx = 0, i;
	bool drawn = false;
	int opt, code;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	opterr = 0; /* dl_usage() says it, in the one format */
	while ((opt = getopt_long(argc, argv, "+qh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'q':
			quiet = true;
			break;
		case 'p':
			if (!strchr(optarg, '/') || optarg[0] == '/')
				dl_die(DL_EXIT_USAGE, "unable to use platform "
				       "'%s': not OS/ARCH[/VARIANT]", optarg);
			free(platform);
			platform = dl_xstrdup(optarg);
			break;
		case 'k':
			if (dl_registry_tls_verify(optarg, &o.tls_verify,
						   &why))
				dl_usage(USAGE);
			break;
		case 'h':
			dl_help(USAGE, OPTIONS);
		default:
			dl_usage(USAGE);
		}
	}
	if (argc - optind != 1)
		dl_usage(USAGE);
	ref_arg = argv[optind];
	code = dl_regref_parse(ref_arg, &ref, &why);
	if (code)
		dl_die(code, "unable to parse '%s': %s", ref_arg, why);
	if (!platform)
		platform = dl_xasprintf("linux/%s", dl_goarch());
	dl_store_need();
	tty = isatty(STDERR_FILENO);

	code = dl_registry_open(&ref, &o, &r, &why);
	if (code)
		fail(code, "%s", why);
	get_doc(r, ref.digest ? ref.digest : ref.tag, -1, &top, top_digest);
	code = dl_ocidoc_parse(top.body, top.len, DL_OCIDOC_ANY, NULL, &kind,
			       &doc, &why);
	if (!code && kind != DL_OCIDOC_MANIFEST && kind != DL_OCIDOC_INDEX)
		code = dl_fail(&why, DL_EXIT_REJECT, "not an image manifest "
			       "nor an index");
	if (code)
		fail(code, "manifest '%s': %s", top_digest, why);
	memcpy(digest, top_digest, sizeof(digest));
	if (kind == DL_OCIDOC_INDEX) {
		json_t *e = pick(doc, platform);

		code = dl_ocidoc_desc(e, "manifests[]", &d, &why);
		if (!code && dl_ocidoc_media_kind(d.media_type) !=
				     DL_OCIDOC_MANIFEST)
			code = dl_fail(&why, DL_EXIT_REJECT, "an index in "
				       "an index");
		if (code)
			fail(code, "index '%s': %s", top_digest, why);
		store_doc(top_digest, &top);
		get_doc(r, d.digest, d.size, &man, digest);
		/* d borrows from the index: dropped only after */
		code = dl_ocidoc_parse(man.body, man.len, DL_OCIDOC_MANIFEST,
				       d.media_type, NULL, &sub, &why);
		json_decref(doc);
		doc = sub;
		if (code)
			fail(code, "manifest '%s': %s", digest, why);
	}
	code = dl_ocidoc_desc(json_object_get(doc, "config"), "config", &cd,
			      &why);
	if (code)
		fail(code, "manifest '%s': %s", digest, why);
	memcpy(cd_digest, cd.digest, sizeof(cd_digest));

	/* the config first: checked with its manifest before any layer */
	if (dl_blob_stat(cd.digest, NULL, &why)) {
		free(why);
		why = NULL;
		url = dl_registry_url(r, "blobs/%s", cd.digest);
		code = dl_registry_call(r, "GET", url, NULL, NULL, 0, -1, &cfg,
					&why);
		if (!code && cfg.status != 200)
			code = dl_registry_status(&cfg, &why);
		if (code)
			fail(code, "config '%s': %s", cd.digest, why);
		store_doc(cd.digest, &cfg);
		dl_registry_resp_free(&cfg);
	}
	free(why);
	why = NULL;
	code = dl_blob_read(cd_digest, DL_OCIDOC_MAX, &cfg.body, &cfg.len,
			    &why);
	if (!code)
		code = dl_ocidoc_parse(cfg.body, cfg.len, DL_OCIDOC_CONFIG,
				       cd.media_type, NULL, &config, &why);
	if (!code)
		code = dl_ocidoc_pair(doc, config, &why);
	if (code)
		fail(code, "config '%s': %s", cd_digest, why);

	x = dl_xcalloc(json_array_size(json_object_get(doc, "layers")) + 1,
		       sizeof(*x));
	json_array_foreach(json_object_get(doc, "layers"), i, l) {
		code = dl_ocidoc_desc(l, "layer", &d, &why);
		if (code)
			fail(code, "manifest '%s': %s", digest, why);
		want(x, &nx, &d, (long)i);
	}
	code = dl_registry_fetch(r, x, nx,
				 json_object_get(json_object_get(config,
								 "rootfs"),
						 "diff_ids"),
				 progress, &drawn, &why);
	if (code)
		fail(code, "%s", why);
	/* the manifest last: stored, it says the image is all there */
	store_doc(digest, kind == DL_OCIDOC_INDEX ? &man : &top);
	printf("%s %s %s\n", digest, top_digest, ref.local ? ref.local : "-");
	json_decref(config);
	json_decref(doc);
	dl_registry_resp_free(&top);
	dl_registry_resp_free(&man);
	dl_registry_resp_free(&cfg);
	dl_registry_close(r);
	dl_regref_free(&ref);
	free(x);
	return dl_finish_stdout();
}
