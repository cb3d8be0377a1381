/* SPDX-License-Identifier: Apache-2.0 */
/* dl-image-layers: make sure the layers an image goes out with are in the
 * content store, and print their descriptors */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl/blob.h"
#include "dl/imglayers.h"
#include "dl/json.h"
#include "dl/ref.h"
#include "dl/senddiff.h"
#include "dl/tarwrite.h"
#include "dl/time.h"

#define USAGE                                                                  \
	"dl-image-layers [-z none|gzip|zstd] [--source-date-epoch=N] IMAGE"
#define OPTIONS                                                                \
	"  -z none|gzip|zstd        the compression of computed layers "     \
	"(gzip)\n"                                                             \
	"  --source-date-epoch=N    clamp their mtimes to N seconds "          \
	"($SOURCE_DATE_EPOCH)\n"                                               \
	"  -h, --help               show this help\n"                          \
	"\nIMAGE is a name or an ID.  Prints a JSON array of the layers, base "\
	"first:\n[{\"diffID\",\"digest\",\"size\",\"mediaType\"}..].\n"

#define CHUNK (1 << 20)

/* The tar, written by its own thread into a pipe the blob is read from */
struct producer {
	int rootfd, fd;
	struct dl_tar_list *l;
	const struct dl_tar_opts *o;
	struct dl_tar_desc d;
	char *reason;
	int r;
};

static void *produce(void *p)
{
	struct producer *a = p;

	a->r = dl_tar_write(a->rootfd, a->l, a->o, a->fd, &a->d, &a->reason);
	dl_closep(&a->fd);
	return NULL;
}

/* Read the pipe @fd to its end into the new blob @w */
static int consume(int fd, struct dl_blob_writer *w, char **reason)
{
	_cleanup_free_ char *buf = dl_xmalloc(CHUNK);
	int r = 0;

	while (!r) {
		ssize_t n = read(fd, buf, CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			r = dl_fail(reason, DL_EXIT_FAIL, "pipe: %s",
				    strerror(errno));
		if (n <= 0)
			break;
		r = dl_blob_write(w, buf, (size_t)n, reason);
	}
	return r;
}

/* The layer of snapshot step @s over its parent (the whole tree at the
 * base), stored as a blob and cached */
static int compute(struct dl_image_step *s, const struct dl_layer_key *k,
		   char **reason)
{
	_cleanup_free_ char *root = dl_path("images/%s/rootfs", s->id);
	_cleanup_free_ char *proot = NULL;
	_cleanup_close_ int cfd = -1, pfd = -1;
	struct dl_tar_opts o = { .compress = k->compress, .clamp = k->clamp,
				 .epoch = k->epoch };
	struct dl_tar_list l = { 0 };
	struct producer a = { .l = &l, .o = &o, .fd = -1 };
	struct dl_blob_writer *w = NULL;
	char digest[DL_DIGEST_LEN + 1];
	struct dl_layer_desc d;
	pthread_t t;
	int p[2], r;

	cfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cfd < 0)
		return dl_fail(reason, errno == ENOENT ? DL_EXIT_NO
						       : DL_EXIT_FAIL,
			       "%s: %s", root, strerror(errno));
	if (*s->parent) {
		proot = dl_path("images/%s/rootfs", s->parent);
		pfd = open(proot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (pfd < 0)
			return dl_fail(reason, errno == ENOENT ? DL_EXIT_NO
							       : DL_EXIT_FAIL,
				       "%s: %s", proot, strerror(errno));
		r = dl_senddiff(pfd, cfd, &l, reason);
	} else {
		r = dl_senddiff_tree(cfd, &l, reason);
	}
	if (r)
		return r;
	r = dl_blob_begin(NULL, -1, &w, reason);
	if (r) {
		dl_tar_list_free(&l);
		return r;
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		dl_blob_abort(w);
		dl_tar_list_free(&l);
		return dl_fail(reason, DL_EXIT_FAIL, "pipe: %s",
			       strerror(errno));
	}
	a.rootfd = cfd;
	a.fd = p[1];
	if ((errno = pthread_create(&t, NULL, produce, &a))) {
		close(p[0]);
		close(p[1]);
		dl_blob_abort(w);
		dl_tar_list_free(&l);
		return dl_fail(reason, DL_EXIT_FAIL, "thread: %s",
			       strerror(errno));
	}
	r = consume(p[0], w, reason);
	/* a failed blob stops the writer: its writes now fail with EPIPE */
	close(p[0]);
	pthread_join(t, NULL);
	dl_tar_list_free(&l);
	if (a.r || r) {
		dl_blob_abort(w);
		if (a.r && !r) {
			free(*reason);
			*reason = dl_steal_pointer(&a.reason);
			r = a.r;
		}
		free(a.reason);
		return r;
	}
	/* only a whole layer goes in */
	r = dl_blob_commit(w, digest, reason);
	if (r)
		return r;
	if (strcmp(digest, a.d.digest))
		return dl_fail(reason, DL_EXIT_FAIL, "the layer's digest "
			       "changed while being stored");
	memcpy(d.diff_id, a.d.diff_id, sizeof(d.diff_id));
	memcpy(d.digest, a.d.digest, sizeof(d.digest));
	d.size = (int64_t)a.d.size;
	d.media_type = dl_xstrdup(dl_compress_media_type(k->compress));
	s->layers = dl_xcalloc(1, sizeof(*s->layers));
	s->layers[0] = d;
	s->nlayers = 1;
	return dl_layer_cache_put(s->id, k, &d, reason);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "source-date-epoch", required_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	_cleanup_free_ char *reason = NULL;
	struct dl_layer_key k = { .compress = DL_COMPRESS_GZIP };
	struct dl_image_step *steps = NULL;
	const char *epoch = NULL, *text, *spec;
	char id[DL_ID_LEN + 1];
	json_t *out;
	size_t n = 0;
	int opt, r;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+z:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'z':
			if (dl_compress_parse(optarg, &k.compress) < 0)
				dl_usage(USAGE);
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
	if (argc - optind != 1 || !*argv[optind])
		dl_usage(USAGE);
	spec = argv[optind];
	r = dl_epoch_get(epoch, &k.epoch, &text);
	if (r < 0)
		dl_die(DL_EXIT_USAGE, "unable to use source date epoch '%s': "
		       "not a whole number of seconds", text);
	k.clamp = r > 0;
	dl_store_need();
	/* a pipe whose reader failed must fail the write, not kill us */
	signal(SIGPIPE, SIG_IGN);

	r = dl_image_resolve(spec, id, &reason);
	if (r)
		dl_die(r, "unable to resolve '%s': %s", spec, reason);
	r = dl_image_steps(id, &k, &steps, &n, &reason);
	if (r)
		dl_die(r, "unable to read the layers of '%s': %s", spec, reason);
	out = json_array();
	for (size_t i = 0; i < n; i++) {
		struct dl_image_step *s = &steps[i];

		if (s->kind == DL_STEP_SNAPSHOT && !s->nlayers &&
		    (r = compute(s, &k, &reason)))
			dl_die(r, "unable to make the layer of '%s': %s", s->id,
			       reason);
		for (size_t j = 0; j < s->nlayers; j++) {
			struct dl_layer_desc *d = &s->layers[j];

			if (json_array_append_new(
				    out, json_pack("{s:s,s:s,s:I,s:s}",
						   "diffID", d->diff_id,
						   "digest", d->digest, "size",
						   (json_int_t)d->size,
						   "mediaType",
						   d->media_type)) < 0)
				dl_oom();
		}
	}
	dl_image_steps_free(steps, n);
	if (dl_json_print(out) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to write 'stdout'");
	json_decref(out);
	return dl_finish_stdout();
}
