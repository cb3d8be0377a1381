/* SPDX-License-Identifier: Apache-2.0 */
/* registryfetch.c: blobs of a registry fetched into the content store,
 * several at once (curl multi), each verified, layers applied ahead */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "dl.h"
#include "dl/ahead.h"
#include "dl/blob.h"
#include "dl/digest.h"
#include "dl/ocidoc.h"
#include "dl/registry.h"
#include "dl/registryfetch.h"

/* One blob being fetched. */
struct xfer {
	const struct dl_registry_blob *b;
	struct dl_blob_writer *w;
	struct dl_ahead *a; /* its layer applied as it comes, or NULL */
	struct fetch *f;
	struct curl_slist *h;
	CURL *c;
	uint64_t from;	 /* the bytes kept of an earlier fetch, asked for
			    from there with a Range */
	int64_t range;	 /* the start of the answer's Content-Range, or -1 */
	bool started;	 /* whether the body began */
	char err[CURL_ERROR_SIZE];
	char *why;
	int code;
	bool tried; /* whether applying ahead was considered */
	bool done;
};

/* The fetch: its blobs, and the layer chains: each one's ID, and the
 * root of those that exist (an image of the store, or a chain made
 * ahead here), for the layer above to be applied as it comes. */
struct fetch {
	struct xfer *x;
	size_t n;
	size_t nchain;
	char (*chain)[DL_DIGEST_LEN + 1];
	char **root;
};

static double now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* Whether layer @x is plain tar, told by its media type */
static bool plain(const struct xfer *x)
{
	return !strcmp(x->b->desc.media_type, DL_MT_OCI_LAYER);
}

/* At the first byte of a layer whose parent chain exists and which is no
 * chain yet: apply it as it comes */
static void ahead_start(struct xfer *x)
{
	_cleanup_free_ char *why = NULL;
	struct fetch *f = x->f;
	long i = x->b->layer;

	x->tried = true;
	if (i < 0 || (size_t)i >= f->nchain || f->root[i] ||
	    (i > 0 && !f->root[i - 1]))
		return;
	if (dl_ahead_begin(i ? f->chain[i - 1] : NULL, i ? f->root[i - 1] : NULL,
			   plain(x), &x->a, &why))
		x->a = NULL;
}

/* A layer fetched whole: its chain made, the root of the next one */
static void ahead_end(struct xfer *x)
{
	_cleanup_free_ char *why = NULL;
	char got[DL_DIGEST_LEN + 1];
	long i = x->b->layer;

	if (!x->a)
		return;
	if (dl_ahead_finish(x->a, plain(x) ? x->b->desc.digest : NULL, got,
			    &why) ||
	    strcmp(got, x->f->chain[i])) {
		dl_ahead_drop(dl_steal_pointer(&x->a));
		return;
	}
	x->f->root[i] = dl_xstrdup(dl_ahead_root(x->a));
}

/* The Content-Range of a blob's answer (the last one after redirects) */
static size_t blob_header(char *buf, size_t size, size_t n, void *data)
{
	struct xfer *x = data;
	size_t len = size * n;
	char line[128];
	uint64_t start;

	snprintf(line, sizeof(line), "%.*s",
		 (int)(len < sizeof(line) ? len : sizeof(line) - 1), buf);
	if (!strncmp(line, "HTTP/", 5))
		x->range = -1;
	else if (sscanf(line, "%*[Cc]ontent-%*[Rr]ange: bytes %" SCNu64 "-",
			&start) == 1)
		x->range = (int64_t)start;
	return len;
}

/* At the first byte of a blob resumed: a 206 goes on from the bytes
 * kept, a 200 (a server that ignores Range) starts from nothing */
static int body_start(struct xfer *x)
{
	long status = 0;

	x->started = true;
	if (!x->from)
		return 0;
	curl_easy_getinfo(x->c, CURLINFO_RESPONSE_CODE, &status);
	if (status == 206 && x->range == (int64_t)x->from)
		return 0;
	if (status == 206) {
		x->why = dl_xasprintf("the registry answered the range from "
				      "%" PRIu64 " with another one",
				      x->from);
		return DL_EXIT_FAIL;
	}
	x->from = 0;
	x->tried = false;
	return dl_blob_rewind(x->w, &x->why);
}

static size_t blob_write(char *buf, size_t size, size_t n, void *data)
{
	struct xfer *x = data;

	n *= size;
	if (x->code)
		return 0;
	if (!x->started)
		x->code = body_start(x);
	if (x->code)
		return 0;
	x->code = dl_blob_write(x->w, buf, n, &x->why);
	if (x->code)
		return 0;
	if (!x->tried)
		ahead_start(x);
	if (x->a)
		dl_ahead_write(x->a, buf, n);
	return n;
}

/* The chain IDs of the layers, and the roots of those already images */
static void chains(struct fetch *f, json_t *ids)
{
	struct stat st;

	f->nchain = json_array_size(ids);
	f->chain = dl_xcalloc(f->nchain + 1, sizeof(*f->chain));
	f->root = dl_xcalloc(f->nchain + 1, sizeof(*f->root));
	for (size_t i = 0; i < f->nchain; i++) {
		_cleanup_free_ char *root = NULL;
		const char *d = json_string_value(json_array_get(ids, i));

		if (!d || !dl_digest_valid(d)) {
			f->nchain = i;
			return;
		}
		dl_chain_id(i ? f->chain[i - 1] : NULL, d, f->chain[i]);
		root = dl_path("images/%s/rootfs", dl_digest_hex(f->chain[i]));
		if (stat(root, &st) == 0)
			f->root[i] = dl_steal_pointer(&root);
	}
}

/* Tell @progress where the blobs stand */
static void tell(struct fetch *f, dl_registry_progress_fn *progress,
		 void *data, double start, long done)
{
	struct dl_registry_progress *p;

	if (!progress)
		return;
	p = dl_xcalloc(f->n + 1, sizeof(*p));
	for (size_t i = 0; i < f->n; i++) {
		p[i].digest = f->x[i].b->desc.digest;
		p[i].size = (uint64_t)f->x[i].b->desc.size;
		p[i].done = f->x[i].done;
		p[i].got = p[i].done ? p[i].size
			   : f->x[i].w ? dl_blob_bytes(f->x[i].w)
				       : 0;
	}
	progress(p, f->n, now() - start, done, data);
	free(p);
}

/* A blob's transfer ended: stored, or the failure */
static int end(struct xfer *y, CURLcode result, char **reason)
{
	long status = 0;

	curl_easy_getinfo(y->c, CURLINFO_RESPONSE_CODE, &status);
	if (y->code)
		return dl_fail(reason, y->code, "blob '%s': %s",
			       y->b->desc.digest, y->why);
	if (result != CURLE_OK)
		return dl_fail(reason,
			       status == 404 ? DL_EXIT_NO : DL_EXIT_FAIL,
			       "blob '%s': %s", y->b->desc.digest,
			       *y->err ? y->err : curl_easy_strerror(result));
	y->code = dl_blob_commit(dl_steal_pointer(&y->w), NULL, &y->why);
	if (y->code)
		return dl_fail(reason, y->code, "blob '%s': %s",
			       y->b->desc.digest, y->why);
	y->done = true;
	ahead_end(y);
	return 0;
}

static int run(struct dl_registry *r, struct fetch *f, CURLM *m,
	       dl_registry_progress_fn *progress, void *data, char **reason)
{
	size_t next = 0, left = f->n;
	double start = now(), last = 0;
	int running, code;
	CURLMsg *msg;

	tell(f, progress, data, start, -1);
	while (left) {
		while (next < f->n &&
		       next - (f->n - left) < DL_REGISTRY_PARALLEL) {
			struct xfer *y = &f->x[next++];
			_cleanup_free_ char *url = NULL;

			code = dl_blob_resume(y->b->desc.digest,
					      y->b->desc.size, &y->w, &y->why);
			if (code)
				return dl_fail(reason, code, "blob '%s': %s",
					       y->b->desc.digest, y->why);
			if (!y->w) {
				/* stored meanwhile by another process */
				y->done = true;
				left--;
				tell(f, progress, data, start,
				     (long)(y - f->x));
				continue;
			}
			y->range = -1;
			y->from = dl_blob_bytes(y->w);
			/* a whole blob kept may be a wrong one: fetched again */
			if (y->b->desc.size >= 0 &&
			    y->from >= (uint64_t)y->b->desc.size) {
				code = dl_blob_rewind(y->w, &y->why);
				if (code)
					return dl_fail(reason, code, "blob "
						       "'%s': %s",
						       y->b->desc.digest,
						       y->why);
				y->from = 0;
			}
			if (y->from) {
				char *range = dl_xasprintf("Range: bytes=%"
							   PRIu64 "-",
							   y->from);

				y->h = curl_slist_append(y->h, range);
				free(range);
				if (!y->h)
					dl_oom();
				/* a layer resumed is applied once whole */
				y->tried = true;
			}
			url = dl_registry_url(r, "blobs/%s", y->b->desc.digest);
			y->c = dl_registry_easy(r, url, &y->h);
			curl_easy_setopt(y->c, CURLOPT_FAILONERROR, 1L);
			curl_easy_setopt(y->c, CURLOPT_ERRORBUFFER, y->err);
			curl_easy_setopt(y->c, CURLOPT_WRITEFUNCTION, blob_write);
			curl_easy_setopt(y->c, CURLOPT_WRITEDATA, y);
			curl_easy_setopt(y->c, CURLOPT_HEADERFUNCTION,
					 blob_header);
			curl_easy_setopt(y->c, CURLOPT_HEADERDATA, y);
			curl_easy_setopt(y->c, CURLOPT_PRIVATE, y);
			curl_multi_add_handle(m, y->c);
		}
		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &running))) {
			struct xfer *y;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
					  (char **)&y);
			code = end(y, msg->data.result, reason);
			if (code)
				return code;
			curl_multi_remove_handle(m, y->c);
			curl_easy_cleanup(dl_steal_pointer(&y->c));
			curl_slist_free_all(dl_steal_pointer(&y->h));
			tell(f, progress, data, start, (long)(y - f->x));
			left--;
		}
		if (left && curl_multi_poll(m, NULL, 0, 200, NULL) != CURLM_OK)
			return dl_fail(reason, DL_EXIT_FAIL, "curl_multi_poll "
				       "failed");
		if (now() - last > 0.2 && left) {
			tell(f, progress, data, start, -1);
			last = now();
		}
	}
	return 0;
}

int dl_registry_fetch(struct dl_registry *r,
		      const struct dl_registry_blob *blobs, size_t n,
		      json_t *diff_ids, dl_registry_progress_fn *progress,
		      void *data, char **reason)
{
	struct fetch f = { .n = n };
	CURLM *m = curl_multi_init();
	int code;

	if (!m)
		dl_oom();
	f.x = dl_xcalloc(n + 1, sizeof(*f.x));
	for (size_t i = 0; i < n; i++) {
		f.x[i].b = &blobs[i];
		f.x[i].f = &f;
	}
	chains(&f, diff_ids);
	code = run(r, &f, m, progress, data, reason);
	for (size_t i = 0; i < n; i++) {
		struct xfer *y = &f.x[i];

		if (y->c) {
			curl_multi_remove_handle(m, y->c);
			curl_easy_cleanup(y->c);
		}
		curl_slist_free_all(y->h);
		/* the bytes fetched of a blob are kept for the next fetch to
		 * resume, unless they or another blob were refused */
		if (y->code || code == DL_EXIT_REJECT)
			dl_blob_abort(y->w);
		else
			dl_blob_keep(y->w);
		/* the chains made ahead left for dl-image-unpack to take */
		if (code)
			dl_ahead_drop(y->a);
		else
			dl_ahead_release(y->a);
		free(y->why);
	}
	curl_multi_cleanup(m);
	for (size_t i = 0; i < f.nchain; i++)
		free(f.root[i]);
	free(f.root);
	free(f.chain);
	free(f.x);
	return code;
}
