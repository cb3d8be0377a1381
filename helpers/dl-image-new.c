/* SPDX-License-Identifier: Apache-2.0 */
/* dl-image-new: make an image in the store from a directory or a tar */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl/archive.h"
#include "dl/btrfs.h"
#include "dl/image.h"
#include "dl/imgconfig.h"
#include "dl/json.h"
#include "dl/publish.h"
#include "dl/ref.h"
#include "dl/time.h"
#include "dl/tmp.h"
#include "dl/tree.h"

#define USAGE                                                                  \
	"dl-image-new [-C CONFIG] [-m MESSAGE] [-a AUTHOR] [-p PARENT] "       \
	"[-t NAME]... SOURCE"
#define OPTIONS                                                                \
	"  -C CONFIG   the image config: a JSON file, or - for stdin\n"        \
	"  -m MESSAGE  the comment of the image\n"                             \
	"  -a AUTHOR   the author of the image\n"                              \
	"  -p PARENT   the full ID of the image this one derives from\n"       \
	"  -t NAME     tag the new image NAME (repeatable)\n"                  \
	"  -h          show this help\n"                                       \
	"\nSOURCE is a directory, a tar file (plain, gzip, xz, zstd, bzip2)\n" \
	"or - for a tar on stdin.  The new image ID is printed.\n"

/* What has been done so far, so that on_error undoes exactly that. */
struct job {
	char id[DL_ID_LEN + 1];
	char *tmp, *rootfs, *image;
	int lock; /* tmp/ID, locked while we work on it (dl-tmp.h) */
	int intent; /* tmp/ID.publish, the record of publish and names */
	bool made_tmp, published;
	struct dl_ref *tags;
	size_t ntags, nset;
	char (*old)[DL_ID_LEN + 1]; /* what each tag pointed at before */
	bool *had_old;
};

static void xset(json_t *o, const char *key, json_t *v, const char *what)
{
	if (!v || json_object_set_new(o, key, v) < 0)
		dl_die(DL_EXIT_USAGE, "unable to use %s: invalid UTF-8", what);
}

/*
 * The image config: CONFIG checked (an object, "config" an object) and
 * used as its maker stamped it (dl-image-config -b), or a minimal one.
 * A config with no history yet is stamped here, as every writer does
 * (dl_imgconfig_stamp()); the author is set when given.  Dies on bad
 * input, before any side effect.
 */
static json_t *make_config(const char *path, const char *msg,
			   const char *author, const char *now)
{
	_cleanup_free_ char *why = NULL;
	struct dl_history hist = { .created = now,
				   .created_by = "dl image create",
				   .comment = msg, .author = author };
	json_t *j, *c, *h;

	if (!path) {
		j = dl_imgconfig_new();
		if (!j)
			dl_die(DL_EXIT_FAIL, "unable to build 'config.json'");
	} else {
		if (strcmp(path, "-") && access(path, F_OK) < 0)
			dl_die_sys(errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
				   "unable to read '%s'", path);
		j = dl_json_load(path, &why);
		if (!j)
			dl_die(DL_EXIT_REJECT, "unable to read '%s': %s", path,
			       why);
		c = json_object_get(j, "config");
		if (!json_is_object(j) || (c && !json_is_object(c)))
			dl_die(DL_EXIT_REJECT,
			       "unable to use '%s': %s", path,
			       json_is_object(j) ? "'config' must be an object"
						 : "not a JSON object");
		h = json_object_get(j, "history");
		if (h && !json_is_array(h))
			dl_die(DL_EXIT_REJECT, "unable to use '%s': %s", path,
			       "'history' must be an array");
		if (dl_imgconfig_fill(j, now) < 0)
			dl_die(DL_EXIT_FAIL, "unable to build 'config.json'");
	}
	if (json_array_size(json_object_get(j, "history")) == 0) {
		if (dl_imgconfig_stamp(j, &hist) < 0)
			dl_die_sys(errno == EINVAL ? DL_EXIT_USAGE
						   : DL_EXIT_FAIL,
				   "unable to stamp 'config.json'");
	} else if (author) {
		xset(j, "author", json_string(author), "AUTHOR");
	}
	return j;
}

/* Fill the new rootfs from SOURCE: a tar stream, or a directory copy. */
static int fill(int src, bool is_dir, const char *rootfs, uint64_t *bytes,
		char **reason)
{
	_cleanup_close_ int dest = -1;
	struct dl_tree_stats st = { 0 };
	int r;

	dest = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dest < 0) {
		*reason = dl_xasprintf("unable to open '%s': %s", rootfs,
				       strerror(errno));
		return DL_EXIT_FAIL;
	}
	if (is_dir)
		r = dl_copy_tree(src, dest, 0, &st, reason);
	else
		r = dl_extract_fd(src, dest, &st, reason);
	*bytes = st.bytes;
	return r;
}

/* Tag the image, remembering what each name pointed at before. */
static int set_tags(struct job *j, char **reason)
{
	for (j->nset = 0; j->nset < j->ntags; j->nset++) {
		struct dl_ref *t = &j->tags[j->nset];
		_cleanup_free_ char *why = NULL;
		int r;

		r = dl_ref_image_get(t, j->old[j->nset], &why);
		if (r && r != DL_EXIT_NO) {
			*reason = dl_xasprintf("unable to read tag '%s:%s': %s",
					       t->repo, t->tag, why);
			return r;
		}
		j->had_old[j->nset] = !r;
		free(why);
		why = NULL;
		r = dl_ref_image_set(t, j->id, &why);
		if (r) {
			*reason = dl_xasprintf("unable to tag '%s:%s': %s",
					       t->repo, t->tag, why);
			return r;
		}
	}
	return 0;
}

/* Record the names' present targets, then the intent (dl-image.h). */
static int record(struct job *j, char **reason)
{
	size_t i;

	for (i = 0; i < j->ntags; i++) {
		_cleanup_free_ char *why = NULL;
		int r = dl_ref_image_get(&j->tags[i], j->old[i], &why);

		if (r && r != DL_EXIT_NO) {
			*reason = dl_xasprintf("unable to read tag '%s:%s': %s",
					       j->tags[i].repo, j->tags[i].tag,
					       why);
			return r;
		}
		j->had_old[i] = !r;
	}
	return dl_image_intent_begin(j->id, j->tags, j->old, j->had_old,
				     j->ntags, &j->intent, reason);
}

/* Undo what was done, last first; report but go on when a step fails. */
static void rollback(struct job *j)
{
	_cleanup_free_ char *why = NULL;
	const char *dir = j->tmp;

	while (j->nset > 0) {
		struct dl_ref *t = &j->tags[--j->nset];
		int r;

		r = j->had_old[j->nset]
			    ? dl_ref_image_set(t, j->old[j->nset], &why)
			    : dl_ref_image_rm(t, &why);
		if (r)
			dl_warn("unable to restore tag '%s:%s': %s", t->repo,
				t->tag, why);
		free(why);
		why = NULL;
	}
	/* unpublish first, so nobody starts using what is being deleted */
	if (j->published && rename(j->image, j->tmp) < 0) {
		dl_warn("unable to unpublish '%s': %s", j->image,
			strerror(errno));
		dir = j->image;
	}
	if (j->made_tmp && dl_tmp_remove(dir, &why))
		dl_warn("unable to remove '%s': %s", dir, why);
	dl_image_intent_end(j->id, &j->intent);
}

static void job_free(struct job *j)
{
	size_t i;

	for (i = 0; i < j->ntags; i++)
		dl_ref_free(&j->tags[i]);
	free(j->tags);
	free(j->old);
	free(j->had_old);
	free(j->tmp);
	free(j->rootfs);
	free(j->image);
	dl_closep(&j->lock);
	dl_closep(&j->intent);
}

/* "unable to VERB 'OBJ': REASON", freeing REASON */
static char *wrap(char *reason, const char *verb, const char *obj)
{
	char *s = dl_xasprintf("unable to %s '%s': %s", verb, obj,
			       reason ? reason : "unknown error");

	free(reason);
	return s;
}

int main(int argc, char **argv)
{
	const char *cfg = NULL, *msg = NULL, *author = NULL, *parent = NULL;
	_cleanup_free_ char *reason = NULL;
	_cleanup_close_ int src = -1;
	char now[DL_TIME_LEN + 1];
	struct job j = { .lock = -1, .intent = -1 };
	struct dl_image_meta meta;
	uint64_t bytes = 0;
	struct stat st;
	const char *source;
	json_t *config;
	int opt, code;

	dl_set_prog(argv[0]);
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	j.tags = dl_xcalloc((size_t)argc, sizeof(*j.tags));
	opterr = 0; /* dl_usage() says it, in the one format */
	while ((opt = getopt(argc, argv, "+C:m:a:p:t:h")) != -1) {
		switch (opt) {
		case 'C':
			cfg = optarg;
			break;
		case 'm':
			msg = optarg;
			break;
		case 'a':
			author = optarg;
			break;
		case 'p':
			parent = optarg;
			break;
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
	if (argc - optind != 1 || !*argv[optind])
		dl_usage(USAGE);
	source = argv[optind];
	/* an empty -m or -a (a front script passing "$msg") is none at all:
	 * it must not wipe what CONFIG says */
	if (msg && !*msg)
		msg = NULL;
	if (author && !*author)
		author = NULL;
	if (cfg && !strcmp(cfg, "-") && !strcmp(source, "-"))
		dl_die(DL_EXIT_USAGE, "unable to read 'stdin': both CONFIG "
				      "and SOURCE are '-'");
	if (parent && !dl_is_id(parent))
		dl_die(DL_EXIT_USAGE, "unable to use parent '%s': " DL_ID_INVALID,
		       parent);

	dl_store_need();
	if (parent) {
		_cleanup_free_ char *p = dl_path("images/%s", parent);

		if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode))
			dl_die(DL_EXIT_NO, "unable to use parent '%s': no such "
					   "image", parent);
	}
	if (dl_time_now(now) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to read 'clock'");
	config = make_config(cfg, msg, author, now);

	src = strcmp(source, "-") ? open(source, O_RDONLY | O_CLOEXEC)
				  : dup(STDIN_FILENO);
	if (src < 0 || fstat(src, &st) < 0)
		dl_die_sys(errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
			   "unable to open '%s'", source);
	if (dl_new_id(j.id) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to make 'ID'");
	j.tmp = dl_path("tmp/%s", j.id);
	j.rootfs = dl_path("tmp/%s/rootfs", j.id);
	j.image = dl_path("images/%s", j.id);
	j.old = dl_xcalloc(j.ntags + 1, sizeof(*j.old));
	j.had_old = dl_xcalloc(j.ntags + 1, sizeof(*j.had_old));

	/* Everything is built under tmp/ID, then published by rename(2). */
	code = dl_tmp_make(j.id, &j.lock, &reason);
	if (code)
		dl_die(DL_EXIT_FAIL, "unable to create '%s': %s", j.tmp,
		       reason);
	j.made_tmp = true;
	code = dl_subvol_create(j.rootfs, &reason);
	if (code) {
		reason = wrap(reason, "create", j.rootfs);
		goto on_error;
	}
	code = fill(src, S_ISDIR(st.st_mode), j.rootfs, &bytes, &reason);
	if (code) {
		reason = wrap(reason, S_ISDIR(st.st_mode) ? "copy" : "extract",
			      source);
		goto on_error;
	}
	meta = (struct dl_image_meta){ .id = j.id, .parent = parent,
				       .created = now, .comment = msg,
				       .author = author, .size = bytes };
	code = dl_image_docs_write(j.tmp, &meta, config, DL_WRITE_NOSYNC,
				   &reason);
	if (code)
		goto on_error;
	code = dl_subvol_set_ro(j.rootfs, true, &reason);
	if (code) {
		reason = wrap(reason, "set read-only", j.rootfs);
		goto on_error;
	}
	/* the publish and the names are one step for every other command
	 * (they wait on the refs lock), recorded so that a crash in between
	 * is undone by the next dl-store-check -r or dl-store-sweep */
	if (j.ntags) {
		code = dl_ref_lock(&reason);
		if (!code)
			code = record(&j, &reason);
		if (code)
			goto on_error;
	}
	dl_fault("dl-image-new:record");
	/* nothing above was fsync'd: one commit makes it all durable */
	code = dl_image_publish(j.tmp, j.image, &j.published, &reason);
	if (code)
		goto on_error;
	dl_fault("dl-image-new:publish");
	code = set_tags(&j, &reason);
	if (code)
		goto on_error;
	dl_image_intent_end(j.id, &j.intent);
	dl_ref_unlock();

	json_decref(config);
	printf("%s\n", j.id);
	job_free(&j);
	return dl_finish_stdout();

on_error:
	rollback(&j);
	dl_die(code, "%s", reason ? reason : "unable to make the image");
}
