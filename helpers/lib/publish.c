/* SPDX-License-Identifier: Apache-2.0 */
/* publish.c: an image published with names, all or nothing across a crash */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl/image.h"
#include "dl/json.h"
#include "dl/publish.h"
#include "dl/ref.h"
#include "dl/tmp.h"

/* "tmp/ID.publish": the intent of a publish of image ID with names */
#define INTENT_SUFFIX ".publish"

int dl_image_intent_begin(const char *id, const struct dl_ref *tags,
			  char (*old)[DL_ID_LEN + 1], const bool *had_old,
			  size_t n, int *fd, char **reason)
{
	_cleanup_free_ char *name = dl_xasprintf("%s" INTENT_SUFFIX, id);
	_cleanup_free_ char *path = dl_path("tmp/%s/intent.json", name);
	_cleanup_free_ char *why = NULL;
	json_t *doc, *list;
	size_t i;
	int r;

	*fd = -1;
	*reason = NULL;
	r = dl_tmp_make(name, fd, &why);
	if (r) {
		*reason = dl_xasprintf("unable to create 'tmp/%s': %s", name,
				       why);
		return r;
	}
	list = json_array();
	doc = json_pack("{s:s,s:o}", "id", id, "tags", list);
	for (i = 0; doc && i < n; i++)
		if (json_array_append_new(
			    list, json_pack("{s:s,s:s,s:s?}", "repo",
					    tags[i].repo, "tag", tags[i].tag,
					    "old", had_old[i] ? old[i] : NULL)))
			break;
	if (!doc || i < n || dl_json_save(path, doc) < 0) {
		*reason = dl_xasprintf("unable to write '%s': %s", path,
				       doc ? strerror(errno) : "out of memory");
		json_decref(doc);
		dl_image_intent_end(id, fd);
		return DL_EXIT_FAIL;
	}
	json_decref(doc);
	return 0;
}

void dl_image_intent_end(const char *id, int *fd)
{
	_cleanup_free_ char *path = dl_path("tmp/%s" INTENT_SUFFIX, id);
	_cleanup_free_ char *why = NULL;

	if (*fd < 0)
		return;
	dl_tmp_remove(path, &why);
	dl_closep(fd);
}

bool dl_image_user(const char *id, char user[DL_ID_LEN + 1])
{
	_cleanup_free_ char *top = dl_path("containers");
	size_t n = strlen(id);
	struct dirent *e;
	bool found = false;
	DIR *d = opendir(top);

	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		_cleanup_free_ char *path = NULL, *why = NULL;
		const char *s;
		json_t *spec, *v;

		if (!dl_is_id(e->d_name))
			continue;
		path = dl_path("containers/%s/spec.json", e->d_name);
		spec = dl_json_load(path, &why);
		if (!spec)
			continue;
		v = json_object_get(json_object_get(spec, "annotations"),
				    "org.dockerlite.images");
		/* the top image alone, as a spec without the list has it */
		if (!json_is_string(v))
			v = json_object_get(json_object_get(spec,
							    "annotations"),
					    "org.dockerlite.image");
		for (s = json_is_string(v) ? json_string_value(v) : "";
		     *s && !found; s += strcspn(s, ","), s += *s == ',')
			found = strcspn(s, ",") == n && !strncmp(s, id, n);
		if (found)
			memcpy(user, e->d_name, DL_ID_LEN + 1);
		json_decref(spec);
	}
	closedir(d);
	return found;
}

int dl_image_unpublish(const char *id, int *tfd, char **reason)
{
	_cleanup_free_ char *pub = dl_path("images/%s", id);
	_cleanup_free_ char *top = dl_path("tmp");
	_cleanup_free_ char *why = NULL;
	_cleanup_close_ int lock = -1;
	bool swept;
	int ret;

	*tfd = -1;
	*reason = NULL;
	ret = dl_tmp_claim(pub, &lock, &why);
	if (ret) {
		*reason = dl_xasprintf("%s: %s", pub, why);
		return ret;
	}
	*tfd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*tfd < 0) {
		*reason = dl_xasprintf("%s: %s", top, strerror(errno));
		return DL_EXIT_FAIL;
	}
	/* a removal of this very image was interrupted */
	ret = dl_tmp_sweep_at(*tfd, id, false, &swept, &why);
	if (ret) {
		*reason = dl_xasprintf("%s/%s: %s", top, id, why);
		return ret;
	}
	if (renameat2(AT_FDCWD, pub, *tfd, id, RENAME_NOREPLACE) < 0) {
		*reason = dl_xasprintf("%s: %s", pub, strerror(errno));
		return errno == EEXIST ? DL_EXIT_CONFLICT : DL_EXIT_FAIL;
	}
	return 0;
}

/* Undo the intent in @path (tmp/ID.publish/intent.json), refs locked. */
static int undo_intent(const char *path, char **reason)
{
	_cleanup_free_ char *why = NULL;
	struct dl_ref_entry *left = NULL;
	char user[DL_ID_LEN + 1], cur[DL_ID_LEN + 1];
	json_t *doc = dl_json_load(path, &why), *tags = NULL, *t;
	const char *id = NULL;
	size_t i, n = 0;
	int r;

	/* no intent written: nothing was published */
	if (!doc)
		return 0;
	if (json_unpack(doc, "{s:s,s:o}", "id", &id, "tags", &tags) ||
	    !dl_is_id(id) || !json_is_array(tags)) {
		json_decref(doc);
		return 0;
	}
	json_array_foreach(tags, i, t) {
		const char *old = NULL;
		struct dl_ref ref = { 0 };

		if (json_unpack(t, "{s:s,s:s,s?s}", "repo", &ref.repo, "tag",
				&ref.tag, "old", &old))
			continue;
		free(why);
		why = NULL;
		/* a name moved on since is not ours to touch */
		if (dl_ref_image_get(&ref, cur, &why) || strcmp(cur, id))
			continue;
		free(why);
		why = NULL;
		r = old && dl_is_id(old) ? dl_ref_image_set(&ref, old, &why)
					 : dl_ref_image_rm(&ref, &why);
		if (r == DL_EXIT_NO && old)
			r = dl_ref_image_rm(&ref, &why);
		if (r && r != DL_EXIT_NO) {
			*reason = dl_xasprintf("%s:%s: %s", ref.repo, ref.tag,
					       why);
			json_decref(doc);
			return r;
		}
	}
	free(why);
	why = NULL;
	r = dl_ref_image_list(id, &left, &n, &why);
	dl_ref_entries_free(left, n);
	if (!r && n == 0 && !dl_image_user(id, user)) {
		_cleanup_close_ int tfd = -1;
		_cleanup_free_ char *img = dl_path("images/%s", id);

		free(why);
		why = NULL;
		if (access(img, F_OK) == 0) {
			r = dl_image_unpublish(id, &tfd, &why);
			if (!r)
				r = dl_tmp_remove_at(tfd, id, &why);
			if (r) {
				*reason = dl_steal_pointer(&why);
				json_decref(doc);
				return r;
			}
		}
	}
	json_decref(doc);
	return 0;
}

int dl_image_intent_undo(int tfd, const char *name, bool dry, bool *undone,
			 char **reason)
{
	_cleanup_free_ char *path = NULL, *why = NULL;
	_cleanup_close_ int fd = -1;
	size_t len = strlen(name), sl = strlen(INTENT_SUFFIX);
	int r;

	*undone = false;
	*reason = NULL;
	if (len <= sl || strcmp(name + len - sl, INTENT_SUFFIX))
		return 0;
	fd = openat(tfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				       O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		return 0; /* its owner is at work */
	if (dry) {
		*undone = true;
		return 0;
	}
	r = dl_ref_lock(&why);
	if (r) {
		*reason = dl_steal_pointer(&why);
		return r;
	}
	path = dl_xasprintf("/proc/self/fd/%d/intent.json", fd);
	r = undo_intent(path, reason);
	if (!r)
		r = dl_tmp_remove_at(tfd, name, reason);
	if (!r)
		*undone = true;
	return r;
}
