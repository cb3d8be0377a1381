/* SPDX-License-Identifier: Apache-2.0 */
/* dl-image-rm: remove names of an image, and the image once unused */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "dl.h"
#include "dl/image.h"
#include "dl/publish.h"
#include "dl/ref.h"
#include "dl/tmp.h"

#define USAGE "dl-image-rm [-f|-u] [-n NAME] IMAGE_ID"
#define OPTIONS                                                                \
	"  -f          untag an image in use; by ID, remove all its names\n"  \
	"  -u          by ID, remove all its names, but only when no\n"       \
	"              container uses it (what prune needs)\n"                \
	"  -n NAME     remove this name only (the image goes with its last)\n" \
	"\nThe check of the users and the removal happen under the refs\n"     \
	"lock that dl-container-new holds while it references an image.\n"

/* The parent recorded in image @id's meta.json, and whether it is hidden */
static char *parent_of(const char *id, bool *hidden)
{
	_cleanup_free_ char *p = dl_path("images/%s/meta.json", id);
	_cleanup_free_ char *why = NULL;
	const char *v;
	json_t *meta;
	char *out;

	*hidden = false;
	if (dl_image_doc_load(p, DL_DOC_OBJECT, &meta, &why))
		return NULL;
	*hidden = json_is_true(json_object_get(meta, "hidden"));
	v = json_string_value(json_object_get(meta, "parent"));
	out = v && dl_is_id(v) ? dl_xstrdup(v) : NULL;
	json_decref(meta);
	return out;
}

/*
 * Image @child went; its @parent, a hidden layer chain image, goes too
 * when nothing else needs it (no name, no container, no other child), and
 * so on down the chain.  Under the refs lock.  Failures are warnings: what
 * stays is whole, and a later load reuses it.
 */
static void drop_chain(char *parent, const char *child)
{
	_cleanup_free_ char *cur = dl_xstrdup(child);
	char user[DL_ID_LEN + 1];

	while (parent) {
		_cleanup_free_ char *why = NULL;
		struct dl_ref_entry *refs = NULL;
		_cleanup_close_ int tfd = -1;
		size_t n = 0;
		bool hidden;
		char *next = parent_of(parent, &hidden);

		if (!hidden || dl_ref_image_list(parent, &refs, &n, &why) ||
		    n || dl_image_user(parent, user) ||
		    dl_image_child(parent, cur)) {
			dl_ref_entries_free(refs, n);
			free(next);
			break;
		}
		if (dl_image_unpublish(parent, &tfd, &why) ||
		    dl_tmp_remove_at(tfd, parent, &why)) {
			dl_warn("unable to delete image '%s': %s", parent, why);
			free(next);
			break;
		}
		printf("Deleted: sha256:%s\n", parent);
		free(cur);
		cur = parent;
		parent = next;
	}
	free(parent);
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *why = NULL, *img = NULL;
	_cleanup_close_ int tfd = -1;
	struct dl_ref_entry *refs = NULL;
	struct dl_ref name = { 0 };
	const char *only = NULL, *id, *what;
	char user[DL_ID_LEN + 1];
	size_t n = 0, i, left;
	bool force = false, unused = false, used, drop, hidden;
	char *parent = NULL;
	struct stat st;
	int opt, ret;

	dl_set_prog(argv[0]);
	opterr = 0; /* dl_usage() says it, in the one format */
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	while ((opt = getopt(argc, argv, "+fun:")) != -1) {
		if (opt == 'f')
			force = true;
		else if (opt == 'u')
			unused = true;
		else if (opt == 'n')
			only = optarg;
		else
			dl_usage(USAGE);
	}
	if (argc - optind != 1 || (force && unused) || (unused && only))
		dl_usage(USAGE);
	if (!dl_is_id(argv[optind]))
		dl_die(DL_EXIT_USAGE, "unable to remove image '%s': " DL_ID_INVALID,
		       argv[optind]);
	dl_store_need();
	id = argv[optind];
	what = only ? only : id;
	if (only && (ret = dl_ref_parse(only, &name, &why)))
		dl_die(ret, "unable to remove image '%s': %s", what, why);

	ret = dl_ref_lock(&why);
	if (ret)
		dl_die(ret, "unable to lock 'refs': %s", why);
	img = dl_path("images/%s", id);
	if (lstat(img, &st) < 0)
		dl_die(errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
		       "unable to remove image '%s': %s", what,
		       errno == ENOENT ? "no such image" : strerror(errno));
	ret = dl_ref_image_list(id, &refs, &n, &why);
	if (ret)
		dl_die(ret, "unable to list 'refs/images': %s", why);
	used = dl_image_user(id, user);
	if (only) {
		char cur[DL_ID_LEN + 1];

		ret = dl_ref_image_get(&name, cur, &why);
		if (ret || strcmp(cur, id))
			dl_die(DL_EXIT_NO, "unable to remove image '%s': no "
			       "such name", what);
		if (used && !force && n <= 1)
			dl_die(DL_EXIT_CONFLICT, "unable to remove image '%s': "
			       "in use by container %.12s", what, user);
		left = n - 1;
	} else {
		if (used && !force)
			dl_die(DL_EXIT_CONFLICT, "unable to remove image '%s': "
			       "in use by container %.12s", what, user);
		if (!used && n > 1 && !force && !unused)
			dl_die(DL_EXIT_CONFLICT, "unable to remove image '%s': "
			       "referenced by several names (use -f)", what);
		left = 0;
	}
	drop = left == 0 && !used;
	if (drop)
		parent = parent_of(id, &hidden);

	/* the image goes first: a crash then leaves names of a missing
	 * image, which dl-store-check finds, never an image nobody named */
	if (drop && (ret = dl_image_unpublish(id, &tfd, &why)))
		dl_die(ret, "unable to remove image '%s': %s", what, why);
	dl_fault("dl-image-rm:unpublish");
	for (i = 0; i < n; i++) {
		struct dl_ref r = { refs[i].repo, refs[i].tag };

		if (only && (strcmp(r.repo, name.repo) ||
			     strcmp(r.tag, name.tag)))
			continue;
		free(why);
		why = NULL;
		ret = dl_ref_image_rm(&r, &why);
		if (ret && ret != DL_EXIT_NO)
			dl_die(ret, "unable to untag '%s': %s", refs[i].name,
			       why);
		printf("Untagged: %s\n", refs[i].name);
	}
	if (drop) {
		free(why);
		why = NULL;
		/* unpublished already: what is left here is only a sweep's */
		ret = dl_tmp_remove_at(tfd, id, &why);
		if (ret)
			dl_warn("unable to delete 'tmp/%s': %s", id, why);
		printf("Deleted: sha256:%s\n", id);
		drop_chain(parent, id);
	}
	dl_ref_unlock();
	dl_ref_entries_free(refs, n);
	dl_ref_free(&name);
	return dl_finish_stdout();
}
