/* SPDX-License-Identifier: Apache-2.0 */
/* dl-registry-put: upload an image of the content store to a registry:
 * its blobs first, those the registry lacks, then its manifest */
#include <errno.h>
#include <fcntl.h>
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
#include "dl/ocidoc.h"
#include "dl/registry.h"
#include "dl/registryformat.h"
#include "dl/size.h"

#define USAGE "dl-registry-put [-q] [--chunk-size=SIZE] [--format=oci|docker] [--mount-from=REPO] [--tls-verify=false] MANIFEST REF"
#define OPTIONS                                                                \
	"  -q                    no progress on stderr\n"                     \
	"  --chunk-size=SIZE     upload a blob larger than SIZE in chunks of\n" \
	"                        SIZE (default 32m; 0: every blob whole)\n"  \
	"  --format=oci|docker   push the manifest in that format (stored\n" \
	"                        as a blob first); default as it is stored\n" \
	"  --mount-from=REPO     ask the registry to mount blobs it holds in\n" \
	"                        REPO instead of uploading them\n"             \
	"  --tls-verify=false    do not verify TLS; allow plain http\n"        \
	"  -h                    show this help\n"                             \
	"\nMANIFEST is the digest of an image manifest or index of the\n"     \
	"content store; its blobs (and an index's manifests) must be there.\n" \
	"REF is HOST[:PORT]/PATH[:TAG].  Prints the digest the registry\n"    \
	"has for REF.\n"

static const char *ref_arg, *mount_from;
static bool quiet;
static struct dl_registry *reg;
static long long chunk = DL_REGISTRY_CHUNK;

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
	dl_die(code, "unable to push '%s': %s", ref_arg, why);
}

/* @loc, a Location the registry gave, as an absolute URL */
static char *absolute(const char *loc)
{
	_cleanup_free_ char *base = dl_registry_url(reg, "blobs/uploads/");
	CURLU *u = curl_url();
	char *out = NULL, *s;

	if (!u || curl_url_set(u, CURLUPART_URL, base, 0) ||
	    curl_url_set(u, CURLUPART_URL, loc, 0) ||
	    curl_url_get(u, CURLUPART_URL, &out, 0))
		fail(DL_EXIT_REJECT, "an upload Location that is not a URL");
	curl_url_cleanup(u);
	s = dl_xstrdup(out);
	curl_free(out);
	return s;
}

/* Whether the registry has blob @d already */
static bool has_blob(const struct dl_oci_desc *d)
{
	_cleanup_free_ char *url = dl_registry_url(reg, "blobs/%s", d->digest);
	_cleanup_free_ char *why = NULL;
	struct dl_registry_resp resp = { 0 };
	int code = dl_registry_call(reg, "HEAD", url, NULL, NULL, 0, -1, &resp,
				    &why);
	bool has = !code && resp.status == 200 &&
		   (resp.length < 0 || resp.length == d->size);

	if (code)
		fail(code, "blob '%s': %s", d->digest, why);
	dl_registry_resp_free(&resp);
	return has;
}

/* PATCH the chunks of blob @d (from @fd) to the upload at *@loc, each
 * at the Location the one before got */
static void put_chunks(const struct dl_oci_desc *d, int fd, char **loc)
{
	_cleanup_free_ char *why = NULL;
	int64_t at = 0;

	while (at < d->size) {
		struct dl_registry_resp resp = { 0 };
		struct curl_slist *h = NULL;
		int64_t n = d->size - at < chunk ? d->size - at : chunk;
		char range[64];
		int code;

		snprintf(range, sizeof(range), "Content-Range: %" PRId64
			 "-%" PRId64, at, at + n - 1);
		h = curl_slist_append(h, "Content-Type: "
				      "application/octet-stream");
		if (!h || !(h = curl_slist_append(h, range)))
			dl_oom();
		code = dl_registry_call(reg, "PATCH", *loc, h, NULL, (size_t)n,
					fd, &resp, &why);
		curl_slist_free_all(h);
		if (!code && resp.status != 202)
			code = dl_registry_status(&resp, &why);
		if (!code && !resp.location)
			code = dl_fail(&why, DL_EXIT_REJECT, "no Location");
		if (code)
			fail(code, "blob '%s': chunk at %" PRId64 ": %s",
			     d->digest, at, why);
		free(*loc);
		*loc = absolute(resp.location);
		dl_registry_resp_free(&resp);
		at += n;
	}
}

/* Upload blob @d, unless the registry has it or mounts it */
static void put_blob(const struct dl_oci_desc *d)
{
	_cleanup_free_ char *url = NULL, *why = NULL, *put = NULL;
	_cleanup_free_ char *loc = NULL;
	_cleanup_close_ int fd = -1;
	struct dl_registry_resp resp = { 0 };
	struct curl_slist *h = NULL;
	bool chunked;
	uint64_t size;
	int code;

	if (has_blob(d))
		return;
	code = dl_blob_stat(d->digest, &size, &why);
	if (!code && size != (uint64_t)d->size)
		code = dl_fail(&why, DL_EXIT_REJECT, "%" PRIu64 " bytes "
			       "stored, its descriptor says %" PRId64, size,
			       d->size);
	if (!code)
		code = dl_blob_open(d->digest, &fd, &why);
	if (code)
		fail(code, "blob '%s': %s", d->digest, why);
	if (mount_from) {
		char *e = curl_easy_escape(NULL, mount_from, 0);

		url = dl_registry_url(reg, "blobs/uploads/?mount=%s&from=%s",
				      d->digest, e);
		curl_free(e);
	} else {
		url = dl_registry_url(reg, "blobs/uploads/");
	}
	code = dl_registry_call(reg, "POST", url, NULL, NULL, 0, -1, &resp,
				&why);
	if (code)
		fail(code, "blob '%s': %s", d->digest, why);
	if (mount_from && resp.status == 201) {
		dl_registry_resp_free(&resp);
		if (!quiet)
			dl_info("mounted blob %s from %s", d->digest,
				mount_from);
		return;
	}
	if (resp.status != 202 || !resp.location) {
		code = resp.status == 202
			       ? dl_fail(&why, DL_EXIT_REJECT, "no Location")
			       : dl_registry_status(&resp, &why);
		fail(code, "blob '%s': upload: %s", d->digest, why);
	}
	loc = absolute(resp.location);
	dl_registry_resp_free(&resp);
	chunked = chunk > 0 && d->size > chunk;
	if (chunked)
		put_chunks(d, fd, &loc);
	put = dl_xasprintf("%s%sdigest=%s", loc, strchr(loc, '?') ? "&" : "?",
			   d->digest);
	h = curl_slist_append(h, "Content-Type: application/octet-stream");
	code = dl_registry_call(reg, "PUT", put, h, NULL,
				chunked ? 0 : (size_t)d->size, chunked ? -1 : fd,
				&resp, &why);
	curl_slist_free_all(h);
	if (!code && resp.status != 201)
		code = dl_registry_status(&resp, &why);
	if (code)
		fail(code, "blob '%s': %s", d->digest, why);
	dl_registry_resp_free(&resp);
	if (!quiet)
		dl_info("uploaded blob %s (%" PRId64 " bytes%s)", d->digest,
			d->size, chunked ? ", in chunks" : "");
}

/* PUT the document @digest of the store as manifests/@tag */
static void put_doc(const char *digest, const char *tag, const char *type,
		    const char *buf, size_t len)
{
	_cleanup_free_ char *url = dl_registry_url(reg, "manifests/%s", tag);
	_cleanup_free_ char *why = NULL, *ct = dl_xasprintf("Content-Type: %s",
							     type);
	struct dl_registry_resp resp = { 0 };
	struct curl_slist *h = curl_slist_append(NULL, ct);
	int code = dl_registry_call(reg, "PUT", url, h, buf, len, -1, &resp,
				    &why);

	curl_slist_free_all(h);
	if (!code && resp.status != 201)
		code = dl_registry_status(&resp, &why);
	if (!code && resp.digest && strcmp(resp.digest, digest))
		code = dl_fail(&why, DL_EXIT_REJECT, "the registry stored it "
			       "as %s", resp.digest);
	if (code)
		fail(code, "manifest '%s': %s", digest, why);
	dl_registry_resp_free(&resp);
}

/* Read and check the document @digest of the store */
static json_t *load(const char *digest, enum dl_ocidoc_kind *kind,
		    char **buf, size_t *len)
{
	_cleanup_free_ char *why = NULL;
	json_t *doc = NULL;
	int code = dl_blob_read(digest, DL_OCIDOC_MAX, buf, len, &why);

	if (!code)
		code = dl_ocidoc_parse(*buf, *len, DL_OCIDOC_ANY, NULL, kind,
				       &doc, &why);
	if (!code && *kind != DL_OCIDOC_MANIFEST && *kind != DL_OCIDOC_INDEX)
		code = dl_fail(&why, DL_EXIT_REJECT, "not an image manifest "
			       "nor an index");
	if (code)
		fail(code, "manifest '%s': %s", digest, why);
	return doc;
}

/* Push manifest @digest: its config and layers, then itself as @tag */
static void push_manifest(const char *digest, const char *tag, json_t *doc,
			  const char *buf, size_t len)
{
	_cleanup_free_ char *why = NULL;
	const char *mt = json_string_value(json_object_get(doc, "mediaType"));
	struct dl_oci_desc d;
	json_t *l;
	size_t i;

	if (dl_ocidoc_desc(json_object_get(doc, "config"), "config", &d, &why))
		fail(DL_EXIT_REJECT, "manifest '%s': %s", digest, why);
	put_blob(&d);
	json_array_foreach(json_object_get(doc, "layers"), i, l) {
		if (dl_ocidoc_desc(l, "layer", &d, &why))
			fail(DL_EXIT_REJECT, "manifest '%s': %s", digest, why);
		put_blob(&d);
	}
	dl_fault("dl-registry-put:manifest");
	put_doc(digest, tag, mt ? mt : DL_MT_OCI_MANIFEST, buf, len);
}

/* Store @len bytes of @buf as a blob, its digest in @out */
static int put_buf(const char *buf, size_t len, char out[DL_DIGEST_LEN + 1],
		   char **reason)
{
	struct dl_blob_writer *w = NULL;
	int code = dl_blob_begin(NULL, (int64_t)len, &w, reason);

	if (!code)
		code = dl_blob_write(w, buf, len, reason);
	if (code) {
		dl_blob_abort(w);
		return code;
	}
	return dl_blob_commit(w, out, reason);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "mount-from", required_argument, NULL, 'm' },
		{ "tls-verify", required_argument, NULL, 'k' },
		{ "chunk-size", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dl_registry_opts o = { .tls_verify = 1, .push = true };
	enum dl_regformat format = DL_REGFORMAT_KEEP;
	_cleanup_free_ char *why = NULL, *buf = NULL, *conv = NULL;
	char conv_digest[DL_DIGEST_LEN + 1];
	const char *digest, *tag;
	enum dl_ocidoc_kind kind;
	struct dl_regref ref;
	json_t *doc, *e;
	size_t len, clen, i;
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
		case 'm':
			mount_from = optarg;
			break;
		case 'c':
			chunk = dl_parse_bytes(optarg);
			if (chunk < 0)
				dl_die(DL_EXIT_USAGE, "unable to use chunk size "
				       "'%s': not a size", optarg);
			break;
		case 'f':
			if (dl_regformat_parse(optarg, &format, &why))
				dl_die(DL_EXIT_USAGE, "unable to use format "
				       "'%s': %s", optarg, why);
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
	if (argc - optind != 2)
		dl_usage(USAGE);
	digest = argv[optind];
	ref_arg = argv[optind + 1];
	if (!dl_digest_valid(digest))
		dl_die(DL_EXIT_USAGE, "unable to push '%s': " DL_DIGEST_INVALID,
		       digest);
	code = dl_regref_parse(ref_arg, &ref, &why);
	if (code)
		dl_die(code, "unable to parse '%s': %s", ref_arg, why);
	if (ref.digest && strcmp(ref.digest, digest))
		dl_die(DL_EXIT_USAGE, "unable to push '%s': not the digest "
		       "of '%s'", ref_arg, digest);
	tag = ref.tag ? ref.tag : digest;
	dl_store_need();

	doc = load(digest, &kind, &buf, &len);
	if (format != DL_REGFORMAT_KEEP && kind == DL_OCIDOC_INDEX) {
		const char *mt = json_string_value(json_object_get(doc,
								   "mediaType"));
		bool docker = mt && !strcmp(mt, DL_MT_DOCKER_LIST);

		if (docker != (format == DL_REGFORMAT_DOCKER))
			fail(DL_EXIT_REJECT, "index '%s': an index is pushed "
			     "in its own format only", digest);
	}
	if (kind == DL_OCIDOC_MANIFEST) {
		code = dl_regformat_convert(doc, format, &conv, &clen, &why);
		if (code)
			fail(code, "manifest '%s': %s", digest, why);
	}
	if (conv) {
		/* the manifest pushed is kept: its digest names the image */
		code = put_buf(conv, clen, conv_digest, &why);
		if (code)
			fail(code, "manifest '%s': %s", digest, why);
		free(dl_steal_pointer(&buf));
		json_decref(doc);
		doc = load(conv_digest, &kind, &buf, &len);
		digest = conv_digest;
		if (ref.digest && strcmp(ref.digest, digest))
			fail(DL_EXIT_USAGE, "not the digest of the manifest "
			     "in that format, %s", digest);
	}
	code = dl_registry_open(&ref, &o, &reg, &why);
	if (code)
		fail(code, "%s", why);
	if (kind == DL_OCIDOC_MANIFEST) {
		push_manifest(digest, tag, doc, buf, len);
	} else {
		/* an index: each of its manifests by digest, then itself */
		json_array_foreach(json_object_get(doc, "manifests"), i, e) {
			_cleanup_free_ char *mbuf = NULL;
			struct dl_oci_desc d;
			enum dl_ocidoc_kind k;
			json_t *m;
			size_t mlen;

			if (dl_ocidoc_desc(e, "manifests[]", &d, &why))
				fail(DL_EXIT_REJECT, "index '%s': %s", digest,
				     why);
			m = load(d.digest, &k, &mbuf, &mlen);
			if (k != DL_OCIDOC_MANIFEST)
				fail(DL_EXIT_REJECT, "index '%s': an index in "
				     "an index", digest);
			push_manifest(d.digest, d.digest, m, mbuf, mlen);
			json_decref(m);
		}
		put_doc(digest, tag,
			json_string_value(json_object_get(doc, "mediaType"))
				?: DL_MT_OCI_INDEX,
			buf, len);
	}
	printf("%s\n", digest);
	json_decref(doc);
	dl_registry_close(reg);
	dl_regref_free(&ref);
	return dl_finish_stdout();
}
