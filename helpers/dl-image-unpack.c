/* SPDX-License-Identifier: Apache-2.0 */
/* dl-image-unpack: make the image of a manifest of the content store, one
 * hidden image a layer chain, each layer applied on a snapshot of its
 * parent's */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl/ahead.h"
#include "dl/blob.h"
#include "dl/btrfs.h"
#include "dl/digest.h"
#include "dl/helper.h"
#include "dl/image.h"
#include "dl/json.h"
#include "dl/ocidoc.h"
#include "dl/publish.h"
#include "dl/ref.h"
#include "dl/time.h"
#include "dl/tmp.h"

#define USAGE "dl-image-unpack [-t NAME]... MANIFEST"
#define OPTIONS                                                                \
	"  -t NAME   tag the image NAME (repeatable)\n"                       \
	"  -h        show this help\n"                                         \
	"\nMANIFEST is the digest of an image manifest in the content store;\n" \
	"its config and layers must be there too.  The image ID, the\n"        \
	"config's digest, is printed.\n"

/* The program that applies a layer (a sibling of this one). */
#define APPLIER "dl-layer-apply"

/* One layer and the image of its chain. */
struct chain {
	char id[DL_ID_LEN + 1]; /* the chain ID's hex: the image ID */
	char chain_id[DL_DIGEST_LEN + 1];
	const char *diff_id;
	struct dl_oci_desc desc;
	char *tmp, *image;
	int lock;
	bool existed, made, published;
};

/* What has been done so far, so that on_error undoes exactly that. */
struct job {
	char id[DL_ID_LEN + 1];
	char *tmp, *image;
	int lock, intent;
	bool existed, made_tmp, published;
	struct chain *c;
	size_t nc;
	struct dl_ref *tags;
	size_t ntags, nset;
	char (*old)[DL_ID_LEN + 1];
	bool *had_old;
};

static const char *manifest_digest;

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
	dl_die(DL_EXIT_REJECT, "unable to unpack '%s': %s", manifest_digest,
	       why);
}

/* A blob of the store, of the size its descriptor says */
static void check_blob(const struct dl_oci_desc *d, const char *what)
{
	_cleanup_free_ char *why = NULL;
	uint64_t size;
	int r = dl_blob_stat(d->digest, &size, &why);

	if (r)
		dl_die(r, "unable to unpack '%s': %s '%s': %s", manifest_digest,
		       what, d->digest, why);
	if (size != (uint64_t)d->size)
		reject("%s '%s': %" PRIu64 " bytes, its descriptor says %" PRId64,
		       what, d->digest, size, d->size);
}

/* "unable to VERB 'OBJ': REASON", freeing REASON */
static char *wrap(char *reason, const char *verb, const char *obj)
{
	char *s = dl_xasprintf("unable to %s '%s': %s", verb, obj,
			       reason ? reason : "unknown error");

	free(reason);
	return s;
}

/*
 * Apply the layer of @c onto @rootfs by running dl-layer-apply, which
 * checks its diff_id and prints it.  Its own message goes to stderr.
 */
static int apply(const struct chain *c, const char *rootfs, char **reason)
{
	_cleanup_free_ char *prog = dl_helper_path(APPLIER), *blob = NULL;
	_cleanup_free_ char *opt = NULL;
	char out[DL_DIGEST_LEN + 2] = "";
	size_t got = 0;
	int p[2], status;
	pid_t pid;

	blob = dl_blob_path(c->desc.digest);
	opt = dl_xasprintf("--diff-id=%s", c->diff_id);
	if (pipe2(p, O_CLOEXEC) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return dl_fail(reason, DL_EXIT_FAIL, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		char *args[] = { prog, opt, blob, (char *)rootfs, NULL };

		if (dup2(p[1], STDOUT_FILENO) < 0)
			_exit(DL_EXIT_FAIL);
		execv(prog, args);
		fprintf(stderr, "%s: fatal: unable to run '%s': %s\n", dl_prog,
			prog, strerror(errno));
		_exit(DL_EXIT_FAIL);
	}
	close(p[1]);
	for (;;) {
		ssize_t n = read(p[0], out + got, sizeof(out) - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == sizeof(out) - 1) {
			char junk[256];

			/* more than a digest: drained, and refused below */
			while (read(p[0], junk, sizeof(junk)) > 0)
				got = sizeof(out);
			break;
		}
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return dl_fail(reason, DL_EXIT_FAIL, "waitpid: %s",
				       strerror(errno));
	if (WIFSIGNALED(status))
		return dl_fail(reason, DL_EXIT_FAIL, APPLIER " killed by "
			       "signal %d", WTERMSIG(status));
	if (WEXITSTATUS(status))
		return dl_fail(reason,
			       WEXITSTATUS(status) == DL_EXIT_REJECT
				       ? DL_EXIT_REJECT
				       : DL_EXIT_FAIL,
			       APPLIER " exited %d", WEXITSTATUS(status));
	if (got != DL_DIGEST_LEN + 1 || out[DL_DIGEST_LEN] != '\n' ||
	    strncmp(out, c->diff_id, DL_DIGEST_LEN))
		return dl_fail(reason, DL_EXIT_REJECT, "its diff_id is not %s",
			       c->diff_id);
	return 0;
}

/* config.json and meta.json of the image of chain @i */
static int chain_docs(const struct job *j, size_t i, json_t *cfg,
		      const char *now, char **reason)
{
	const struct chain *c = &j->c[i];
	json_t *ids = json_array(), *doc, *meta;
	int r = 0;

	for (size_t k = 0; k <= i; k++)
		json_array_append_new(ids, json_string(j->c[k].diff_id));
	doc = json_pack("{s:O,s:O,s:{s:s,s:o}}", "architecture",
			json_object_get(cfg, "architecture"), "os",
			json_object_get(cfg, "os"), "rootfs", "type", "layers",
			"diff_ids", ids);
	meta = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:b,s:{s:s,s:s,s:s,s:I,s:s}}",
			 "id", c->id, "parent", i ? j->c[i - 1].id : "",
			 "created", now, "comment", "", "author", "", "size",
			 (json_int_t)c->desc.size, "hidden", 1, "layer",
			 "chain_id", c->chain_id, "diff_id", c->diff_id,
			 "digest", c->desc.digest, "size",
			 (json_int_t)c->desc.size, "mediaType",
			 c->desc.media_type);
	if (!doc || !meta)
		r = dl_fail(reason, DL_EXIT_FAIL, "unable to build the "
			    "documents of '%s': out of memory", c->tmp);
	if (!r) {
		_cleanup_free_ char *cp = dl_xasprintf("%s/config.json", c->tmp);
		_cleanup_free_ char *mp = dl_xasprintf("%s/meta.json", c->tmp);

		if (dl_json_save_flags(cp, doc, DL_WRITE_NOSYNC) < 0 ||
		    dl_json_save_flags(mp, meta, DL_WRITE_NOSYNC) < 0)
			r = dl_fail(reason, DL_EXIT_FAIL, "unable to write "
				    "'%s': %s", c->tmp, strerror(errno));
	}
	json_decref(doc);
	json_decref(meta);
	return r;
}

/* tmp/@name made and locked; a leftover of a dead loader swept first */
static int make_entry(const char *name, int *lock, const char *path,
		      char **reason)
{
	_cleanup_free_ char *top = dl_path("tmp");
	_cleanup_close_ int tfd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool swept;
	int r;

	if (tfd >= 0 && (r = dl_tmp_sweep_at(tfd, name, false, &swept,
					     reason)))
		return *reason = wrap(*reason, "sweep", path), r;
	free(*reason);
	*reason = NULL;
	r = dl_tmp_make(name, lock, reason);
	if (r == DL_EXIT_CONFLICT) {
		free(*reason);
		return dl_fail(reason, r, "unable to create '%s': being made "
			       "by another process", path);
	}
	if (r)
		return *reason = wrap(*reason, "create", path), DL_EXIT_FAIL;
	return 0;
}

/* Make the image of chain @i in tmp/, its layer applied on @parent's root */
static int make_chain(struct job *j, size_t i, const char *parent,
		      json_t *cfg, const char *now, char **reason)
{
	struct chain *c = &j->c[i];
	_cleanup_free_ char *rootfs = dl_xasprintf("%s/rootfs", c->tmp);
	bool ahead = false;
	int r;

	/* applied already as it was read (dl-archive-import -a), on the
	 * chain below it: the chain ID says its layers */
	if (!dl_ahead_claim(c->chain_id, &c->lock, reason)) {
		ahead = true;
	} else {
		free(*reason);
		*reason = NULL;
		r = make_entry(c->id, &c->lock, c->tmp, reason);
		if (r)
			return r;
	}
	c->made = true;
	if (!ahead) {
		r = parent ? dl_subvol_snapshot(parent, rootfs, false, reason)
			   : dl_subvol_create(rootfs, reason);
		if (r)
			return *reason = wrap(*reason, "create", rootfs), r;
		r = apply(c, rootfs, reason);
		if (r)
			return *reason = wrap(*reason, "apply layer",
					      c->desc.digest),
			       r;
	}
	r = chain_docs(j, i, cfg, now, reason);
	if (!r && (r = dl_subvol_set_ro(rootfs, true, reason)))
		*reason = wrap(*reason, "set read-only", rootfs);
	return r;
}

/* tmp/ID: the image, a read-only snapshot of the top chain's root, with
 * the config blob as config.json, byte for byte */
static int make_image(struct job *j, const char *top, const char *cfgbuf,
		      size_t cfglen, json_t *cfg, json_t *manifest,
		      size_t mlen, const char *now, char **reason)
{
	_cleanup_free_ char *rootfs = dl_xasprintf("%s/rootfs", j->tmp);
	_cleanup_free_ char *cp = dl_xasprintf("%s/config.json", j->tmp);
	_cleanup_free_ char *mp = dl_xasprintf("%s/meta.json", j->tmp);
	const char *created = json_string_value(json_object_get(cfg, "created"));
	const char *author = json_string_value(json_object_get(cfg, "author"));
	const char *mt = json_string_value(json_object_get(manifest,
							   "mediaType"));
	json_t *layers = json_array(), *meta;
	struct timespec ts;
	uint64_t size = 0;
	int r;

	r = make_entry(j->id, &j->lock, j->tmp, reason);
	if (r)
		return r;
	j->made_tmp = true;
	r = top ? dl_subvol_snapshot(top, rootfs, true, reason)
		: dl_subvol_create(rootfs, reason);
	if (!r && !top)
		r = dl_subvol_set_ro(rootfs, true, reason);
	if (r)
		return *reason = wrap(*reason, "create", rootfs), r;
	for (size_t i = 0; i < j->nc; i++) {
		const struct chain *c = &j->c[i];

		size += (uint64_t)c->desc.size;
		json_array_append_new(
			layers, json_pack("{s:s,s:s,s:I,s:s}", "digest",
					  c->desc.digest, "mediaType",
					  c->desc.media_type, "size",
					  (json_int_t)c->desc.size, "diff_id",
					  c->diff_id));
	}
	if (!created || dl_time_parse(created, &ts) < 0)
		created = now;
	meta = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:{s:s,s:s,s:I},s:o}",
			 "id", j->id, "parent", j->nc ? j->c[j->nc - 1].id : "",
			 "created", created, "comment", "", "author",
			 author ? author : "", "size", (json_int_t)size,
			 "manifest", "digest", manifest_digest, "mediaType",
			 mt ? mt : DL_MT_OCI_MANIFEST, "size",
			 (json_int_t)mlen, "layers", layers);
	if (!meta)
		return dl_fail(reason, DL_EXIT_FAIL, "unable to build '%s': "
			       "out of memory", mp);
	if (dl_write_file_atomic_flags(cp, cfgbuf, cfglen, 0644,
				       DL_WRITE_NOSYNC) < 0 ||
	    dl_json_save_flags(mp, meta, DL_WRITE_NOSYNC) < 0)
		r = dl_fail(reason, DL_EXIT_FAIL, "unable to write '%s': %s",
			    j->tmp, strerror(errno));
	json_decref(meta);
	return r;
}

/* Tag the image, remembering what each name pointed at before. */
static int set_tags(struct job *j, char **reason)
{
	for (j->nset = 0; j->nset < j->ntags; j->nset++) {
		struct dl_ref *t = &j->tags[j->nset];
		_cleanup_free_ char *why = NULL;
		int r = dl_ref_image_set(t, j->id, &why);

		if (r) {
			*reason = dl_xasprintf("unable to tag '%s:%s': %s",
					       t->repo, t->tag, why);
			return r;
		}
	}
	return 0;
}

/* Record the names' present targets, then the intent (dl/publish.h). */
static int record(struct job *j, char **reason)
{
	for (size_t i = 0; i < j->ntags; i++) {
		_cleanup_free_ char *why = NULL;
		int r = dl_ref_image_get(&j->tags[i], j->old[i], &why);

		if (r && r != DL_EXIT_NO) {
			*reason = dl_xasprintf("unable to read tag '%s:%s': %s",
					       j->tags[i].repo,
					       j->tags[i].tag, why);
			return r;
		}
		j->had_old[i] = !r;
	}
	if (j->existed)
		return 0;
	return dl_image_intent_begin(j->id, j->tags, j->old, j->had_old,
				     j->ntags, &j->intent, reason);
}

/* Rename @image back to @tmp: gone for every reader, ready to delete */
static void unpublish(const char *image, const char *tmp, const char **dir)
{
	if (rename(image, tmp) < 0) {
		dl_warn("unable to unpublish '%s': %s", image, strerror(errno));
		*dir = image;
	}
}

/* Undo what was done, last first; report but go on when a step fails. */
static void rollback(struct job *j)
{
	_cleanup_free_ char *why = NULL;
	const char *dir = j->tmp;

	while (j->nset > 0) {
		struct dl_ref *t = &j->tags[--j->nset];
		int r = j->had_old[j->nset]
				? dl_ref_image_set(t, j->old[j->nset], &why)
				: dl_ref_image_rm(t, &why);

		if (r)
			dl_warn("unable to restore tag '%s:%s': %s", t->repo,
				t->tag, why);
		free(why);
		why = NULL;
	}
	if (j->published)
		unpublish(j->image, j->tmp, &dir);
	if (j->made_tmp && dl_tmp_remove(dir, &why))
		dl_warn("unable to remove '%s': %s", dir, why);
	for (size_t i = j->nc; i-- > 0;) {
		struct chain *c = &j->c[i];

		dir = c->tmp;
		if (c->published)
			unpublish(c->image, c->tmp, &dir);
		free(why);
		why = NULL;
		if (c->made && dl_tmp_remove(dir, &why))
			dl_warn("unable to remove '%s': %s", dir, why);
	}
	dl_image_intent_end(j->id, &j->intent);
}

/* The chain IDs: ChainID(L0) = DiffID(L0), ChainID(Ln) =
 * sha256(ChainID(Ln-1) + " " + DiffID(Ln)) */
static void chain_ids(struct job *j)
{
	for (size_t i = 0; i < j->nc; i++) {
		struct chain *c = &j->c[i];

		dl_chain_id(i ? j->c[i - 1].chain_id : NULL, c->diff_id,
			    c->chain_id);
		memcpy(c->id, dl_digest_hex(c->chain_id), DL_ID_LEN + 1);
		c->tmp = dl_path("tmp/%s", c->id);
		c->image = dl_path("images/%s", c->id);
		c->lock = -1;
	}
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *reason = NULL, *mbuf = NULL, *cbuf = NULL;
	struct job j = { .lock = -1, .intent = -1 };
	char now[DL_TIME_LEN + 1];
	struct dl_oci_desc cd;
	json_t *manifest, *cfg, *l;
	const char *top = NULL;
	size_t mlen, clen, i;
	struct stat st;
	int opt, code;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	j.tags = dl_xcalloc((size_t)argc, sizeof(*j.tags));
	opterr = 0; /* dl_usage() says it, in the one format */
	while ((opt = getopt(argc, argv, "+t:h")) != -1) {
		switch (opt) {
		case 't':
			code = dl_ref_parse(optarg, &j.tags[j.ntags], &reason);
			if (code)
				dl_die(code, "unable to use name '%s': %s",
				       optarg, reason);
			j.ntags++;
			break;
		case 'h':
			dl_help(USAGE, OPTIONS);
		default:
			dl_usage(USAGE);
		}
	}
	if (argc - optind != 1)
		dl_usage(USAGE);
	manifest_digest = argv[optind];
	if (!dl_digest_valid(manifest_digest))
		dl_die(DL_EXIT_USAGE, "unable to unpack '%s': " DL_DIGEST_INVALID,
		       manifest_digest);
	dl_store_need();

	/* every document read and checked before any side effect */
	code = dl_blob_read(manifest_digest, DL_OCIDOC_MAX, &mbuf, &mlen,
			    &reason);
	if (!code)
		code = dl_ocidoc_parse(mbuf, mlen, DL_OCIDOC_MANIFEST, NULL,
				       NULL, &manifest, &reason);
	if (code)
		dl_die(code, "unable to unpack '%s': %s", manifest_digest,
		       reason);
	dl_ocidoc_desc(json_object_get(manifest, "config"), "config", &cd,
		       &reason);
	check_blob(&cd, "config");
	code = dl_blob_read(cd.digest, DL_OCIDOC_MAX, &cbuf, &clen, &reason);
	if (!code)
		code = dl_ocidoc_parse(cbuf, clen, DL_OCIDOC_CONFIG,
				       cd.media_type, NULL, &cfg, &reason);
	if (!code)
		code = dl_ocidoc_pair(manifest, cfg, &reason);
	if (code)
		dl_die(code, "unable to unpack '%s': config '%s': %s",
		       manifest_digest, cd.digest, reason);
	j.nc = json_array_size(json_object_get(manifest, "layers"));
	j.c = dl_xcalloc(j.nc + 1, sizeof(*j.c));
	json_array_foreach(json_object_get(manifest, "layers"), i, l) {
		free(reason);
		reason = NULL;
		dl_ocidoc_desc(l, "layer", &j.c[i].desc, &reason);
		check_blob(&j.c[i].desc, "layer");
		j.c[i].diff_id = json_string_value(json_array_get(
			json_object_get(json_object_get(cfg, "rootfs"),
					"diff_ids"),
			i));
	}
	chain_ids(&j);
	memcpy(j.id, dl_digest_hex(cd.digest), DL_ID_LEN + 1);
	j.tmp = dl_path("tmp/%s", j.id);
	j.image = dl_path("images/%s", j.id);
	j.old = dl_xcalloc(j.ntags + 1, sizeof(*j.old));
	j.had_old = dl_xcalloc(j.ntags + 1, sizeof(*j.had_old));
	if (dl_time_now(now) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to read 'clock'");
	free(reason);
	reason = NULL;

	/* loaded before: only the names are new */
	j.existed = stat(j.image, &st) == 0;
	for (i = 0; !j.existed && i < j.nc; i++) {
		struct chain *c = &j.c[i];

		/* a chain loaded before is shared, never made again */
		if (stat(c->image, &st) == 0) {
			c->existed = true;
			free((char *)top);
			top = dl_xasprintf("%s/rootfs", c->image);
			continue;
		}
		code = make_chain(&j, i, top, cfg, now, &reason);
		if (code)
			goto on_error;
		free((char *)top);
		top = dl_xasprintf("%s/rootfs", c->tmp);
	}
	if (!j.existed) {
		code = make_image(&j, top, cbuf, clen, cfg, manifest, mlen, now,
				  &reason);
		if (code)
			goto on_error;
	}
	if (j.ntags) {
		code = dl_ref_lock(&reason);
		if (!code)
			code = record(&j, &reason);
		if (code)
			goto on_error;
	}
	dl_fault("dl-image-unpack:record");
	for (i = 0; !j.existed && i < j.nc; i++) {
		struct chain *c = &j.c[i];

		if (!c->made)
			continue;
		code = dl_image_publish(c->tmp, c->image, &c->published,
					&reason);
		if (code)
			goto on_error;
	}
	if (!j.existed) {
		code = dl_image_publish(j.tmp, j.image, &j.published, &reason);
		if (code)
			goto on_error;
	}
	dl_fault("dl-image-unpack:publish");
	code = set_tags(&j, &reason);
	if (code)
		goto on_error;
	dl_image_intent_end(j.id, &j.intent);
	dl_ref_unlock();

	printf("%s\n", j.id);
	return dl_finish_stdout();

on_error:
	rollback(&j);
	dl_die(code, "%s", reason ? reason : "unable to unpack the image");
}
