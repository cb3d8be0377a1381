/* SPDX-License-Identifier: Apache-2.0 */
/* volume.c: named volumes, btrfs subvolumes under volumes/NAME */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl/btrfs.h"
#include "dl/json.h"
#include "dl/ref.h"
#include "dl/rootpath.h"
#include "dl/time.h"
#include "dl/tmp.h"
#include "dl/tree.h"
#include "dl/volume.h"

#define NAME_MAX_LEN 255
#define RECORD "volume.json"

static int sys_fail(char **reason, const char *what)
{
	int e = errno;
	int code = e == ENOENT || e == ENOTDIR ? DL_EXIT_NO
		 : e == EEXIST || e == ENOTEMPTY || e == EBUSY ? DL_EXIT_CONFLICT
							       : DL_EXIT_FAIL;

	return dl_fail(reason, code, "%s: %s", what, strerror(e));
}

int dl_volume_name_check(const char *name, char **reason)
{
	size_t i, n = strlen(name);

	for (i = 0; i < n; i++) {
		char c = name[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
			break;
	}
	if (n >= 2 && n <= NAME_MAX_LEN && i == n)
		return 0;
	return dl_fail(reason, DL_EXIT_USAGE, "invalid volume name: it must "
		       "match [a-zA-Z0-9][a-zA-Z0-9_.-]+ (2 to %d characters); "
		       "a host directory is an absolute path", NAME_MAX_LEN);
}

char *dl_volume_data(const char *name)
{
	return dl_path("volumes/%s/_data", name);
}

/* tmp/ID/@name, for a path the kernel cannot redirect */
static char *in_tmp(const char *id, const char *name)
{
	return dl_path("tmp/%s/%s", id, name);
}

int dl_volume_make(const char *name, json_t *labels, const char *from,
		   int (*fill)(int fd, void *arg, char **reason), void *arg,
		   unsigned flags, bool *made, char **reason)
{
	_cleanup_free_ char *top = dl_path("volumes"), *data = NULL;
	_cleanup_free_ char *rec = NULL, *tmp = NULL, *src = NULL;
	_cleanup_free_ char *why = NULL, *pub = NULL;
	_cleanup_close_ int lock = -1, dfd = -1;
	char id[DL_ID_LEN + 1], now[DL_TIME_LEN + 1];
	json_t *doc;
	int ret;

	*reason = NULL;
	if (made)
		*made = false;
	pub = dl_path("volumes/%s", name);
	if (access(pub, F_OK) == 0)
		goto exists;
	if (from) {
		src = dl_volume_data(from);
		if (access(src, F_OK) < 0)
			return errno == ENOENT
				       ? dl_fail(reason, DL_EXIT_NO,
						 "no such volume '%s'", from)
				       : sys_fail(reason, src);
	}
	if (mkdir(top, 0700) < 0 && errno != EEXIST)
		return sys_fail(reason, top);
	if (dl_new_id(id) < 0 || dl_time_now(now) < 0)
		return sys_fail(reason, "random ID or clock");
	tmp = dl_path("tmp/%s", id);
	ret = dl_tmp_make(id, &lock, &why);
	if (ret)
		return dl_fail(reason, ret, "%s: %s", tmp, why);
	dl_fault("volume-make:tmp");
	data = in_tmp(id, "_data");
	if (from)
		ret = dl_subvol_snapshot(src, data, false, &why);
	else
		ret = dl_subvol_create(data, &why);
	if (ret) {
		ret = dl_fail(reason, ret == DL_EXIT_NO && from ? DL_EXIT_NO
							      : ret,
			      "%s: %s", data, why);
		goto on_error;
	}
	if (fill) {
		dfd = open(data, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0) {
			ret = sys_fail(reason, data);
			goto on_error;
		}
		ret = fill(dfd, arg, reason);
		if (ret)
			goto on_error;
		if (syncfs(dfd) < 0) {
			ret = sys_fail(reason, data);
			goto on_error;
		}
	}
	dl_fault("volume-make:data");
	doc = json_pack("{s:s,s:s,s:s,s:o,s:{}}", "name", name, "created",
			now, "driver", "local", "labels",
			labels ? json_deep_copy(labels) : json_object(),
			"options");
	rec = in_tmp(id, RECORD);
	if (!doc || dl_json_save(rec, doc) < 0) {
		json_decref(doc);
		ret = dl_fail(reason, DL_EXIT_FAIL, "%s: %s", rec,
			      doc ? strerror(errno) : "out of memory");
		goto on_error;
	}
	json_decref(doc);
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, pub, RENAME_NOREPLACE) < 0) {
		ret = sys_fail(reason, pub);
		if (errno != EEXIST)
			goto on_error;
		free(dl_steal_pointer(reason));
		dl_tmp_remove(tmp, &why);
		goto exists;
	}
	if (made)
		*made = true;
	return 0;

on_error:
	free(why);
	why = NULL;
	dl_tmp_remove(tmp, &why);
	return ret;

exists:
	if (flags & DL_VOLUME_EXIST_OK)
		return 0;
	return dl_fail(reason, DL_EXIT_CONFLICT, "volume already exists");
}

/* The record of volume @name, checked: NULL with @code and @reason. */
static json_t *load(const char *name, int *code, char **reason)
{
	_cleanup_free_ char *path = dl_path("volumes/%s/" RECORD, name);
	_cleanup_free_ char *why = NULL;
	json_error_t err;
	json_t *doc, *labels, *v;
	const char *n, *c, *d, *k;

	doc = dl_json_load(path, &why);
	if (!doc) {
		*code = errno == ENOENT || errno == ENOTDIR
				? dl_fail(reason, DL_EXIT_NO, "no such volume")
			: errno == EBADMSG
				? dl_fail(reason, DL_EXIT_REJECT, "%s", why)
				: dl_fail(reason, DL_EXIT_FAIL, "%s", why);
		return NULL;
	}
	if (json_unpack_ex(doc, &err, JSON_STRICT, "{s:s,s:s,s:s,s:o,s:o}",
			   "name", &n, "created", &c, "driver", &d, "labels",
			   &labels, "options", &v) < 0 ||
	    !json_is_object(labels) || !json_is_object(v) ||
	    strcmp(n, name)) {
		json_decref(doc);
		*code = dl_fail(reason, DL_EXIT_REJECT, "%s: not a volume "
				"record", path);
		return NULL;
	}
	json_object_foreach(labels, k, v)
		if (!json_is_string(v)) {
			json_decref(doc);
			*code = dl_fail(reason, DL_EXIT_REJECT, "%s: label "
					"'%s' is not a string", path, k);
			return NULL;
		}
	return doc;
}

int dl_volume_inspect(const char *name, json_t **out, char **reason)
{
	_cleanup_free_ char *data = dl_volume_data(name), *at = NULL;
	json_t *doc;
	const char *created;
	int code = 0;

	*reason = NULL;
	*out = NULL;
	doc = load(name, &code, reason);
	if (!doc)
		return code;
	/* Docker's CreatedAt: RFC 3339 to the second */
	created = json_string_value(json_object_get(doc, "created"));
	at = dl_xasprintf("%.19sZ", created);
	*out = json_pack("{s:s,s:O,s:O,s:s,s:s,s:O,s:s}", "CreatedAt", at,
			 "Driver", json_object_get(doc, "driver"), "Labels",
			 json_object_get(doc, "labels"), "Mountpoint", data,
			 "Name", name, "Options",
			 json_object_get(doc, "options"), "Scope", "local");
	json_decref(doc);
	if (!*out)
		return dl_fail(reason, DL_EXIT_FAIL, "out of memory");
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of @dir that @keep accepts, sorted. */
static int entries(const char *dir, bool (*keep)(const char *), char ***out,
		   size_t *n, char **reason)
{
	struct dirent *e;
	DIR *d;

	*n = 0;
	*out = dl_xcalloc(1, sizeof(**out));
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : sys_fail(reason, dir);
	while ((errno = 0, e = readdir(d))) {
		if (!keep(e->d_name))
			continue;
		*out = dl_xrealloc(*out, (*n + 2) * sizeof(**out));
		(*out)[(*n)++] = dl_xstrdup(e->d_name);
		(*out)[*n] = NULL;
	}
	if (errno) {
		int ret = sys_fail(reason, dir);

		closedir(d);
		return ret;
	}
	closedir(d);
	qsort(*out, *n, sizeof(**out), cmp);
	return 0;
}

static bool is_name(const char *s)
{
	return dl_volume_name_check(s, NULL) == 0;
}

int dl_volume_list(char ***names, size_t *n, char **reason)
{
	_cleanup_free_ char *dir = dl_path("volumes");

	*reason = NULL;
	return entries(dir, is_name, names, n, reason);
}

void dl_volume_names_free(char **names)
{
	size_t i;

	for (i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

char **dl_volume_of_spec(json_t *spec, size_t *n)
{
	json_t *v = json_object_get(json_object_get(spec, "annotations"),
				    "org.dockerlite.volumes");
	const char *s = json_is_string(v) ? json_string_value(v) : "";
	char **out = dl_xcalloc(1, sizeof(*out));

	*n = 0;
	while (*s) {
		size_t len = strcspn(s, ",");

		out = dl_xrealloc(out, (*n + 2) * sizeof(*out));
		out[(*n)++] = dl_xasprintf("%.*s", (int)len, s);
		out[*n] = NULL;
		s += len;
		if (*s == ',')
			s++;
	}
	return out;
}

static bool is_id(const char *s)
{
	return dl_is_id(s);
}

int dl_volume_users(const char *name, char ***ids, size_t *n, char **reason)
{
	_cleanup_free_ char *dir = dl_path("containers");
	char **all = NULL;
	size_t i, j, nall, nv;
	int ret;

	*reason = NULL;
	*n = 0;
	*ids = dl_xcalloc(1, sizeof(**ids));
	ret = entries(dir, is_id, &all, &nall, reason);
	if (ret)
		return ret;
	for (i = 0; i < nall; i++) {
		_cleanup_free_ char *path = NULL, *why = NULL;
		json_t *spec;
		char **vols;

		path = dl_path("containers/%s/spec.json", all[i]);
		spec = dl_json_load(path, &why);
		if (!spec)
			continue;
		vols = dl_volume_of_spec(spec, &nv);
		for (j = 0; j < nv; j++)
			if (!strcmp(vols[j], name)) {
				*ids = dl_xrealloc(*ids,
						   (*n + 2) * sizeof(**ids));
				(*ids)[(*n)++] = dl_xstrdup(all[i]);
				(*ids)[*n] = NULL;
				break;
			}
		dl_volume_names_free(vols);
		json_decref(spec);
	}
	dl_volume_names_free(all);
	return 0;
}

bool dl_volume_is_anonymous(const char *name)
{
	_cleanup_free_ char *why = NULL;
	int code;
	json_t *doc = load(name, &code, &why);
	bool anon;

	anon = doc && json_object_get(json_object_get(doc, "labels"),
				      DL_VOLUME_ANON_LABEL);
	json_decref(doc);
	return anon;
}

/* Unpublish volumes/@name into a locked tmp/ID, under the refs lock. */
static int unpublish(const char *name, char *tmp, int *lock, char **reason)
{
	_cleanup_free_ char *pub = dl_path("volumes/%s", name);
	_cleanup_free_ char *why = NULL;
	char **users = NULL;
	size_t n;
	int ret;

	ret = dl_volume_users(name, &users, &n, reason);
	if (ret)
		return ret;
	if (n) {
		ret = dl_fail(reason, DL_EXIT_CONFLICT, "volume is in use by "
			      "container %.12s", users[0]);
		dl_volume_names_free(users);
		return ret;
	}
	dl_volume_names_free(users);
	ret = dl_tmp_claim(pub, lock, &why);
	if (ret == DL_EXIT_NO)
		return dl_fail(reason, ret, "no such volume");
	if (ret)
		return dl_fail(reason, ret, "%s: %s", pub, why);
	if (renameat2(AT_FDCWD, pub, AT_FDCWD, tmp, RENAME_NOREPLACE) < 0)
		return sys_fail(reason, tmp);
	return 0;
}

int dl_volume_remove(const char *name, char **reason)
{
	_cleanup_free_ char *tmp = NULL, *why = NULL;
	_cleanup_close_ int lock = -1;
	char id[DL_ID_LEN + 1];
	int ret;

	*reason = NULL;
	if (dl_new_id(id) < 0)
		return sys_fail(reason, "random ID");
	tmp = dl_path("tmp/%s", id);
	ret = dl_ref_lock(&why);
	if (ret)
		return dl_fail(reason, ret, "unable to lock 'refs': %s", why);
	ret = unpublish(name, tmp, &lock, reason);
	dl_ref_unlock();
	if (ret)
		return ret;
	dl_fault("volume-remove:unpublish");
	/* gone for every reader: a failure here is the sweep's to finish */
	ret = dl_tmp_remove(tmp, &why);
	if (ret)
		return dl_fail(reason, ret, "%s", why);
	return 0;
}

int dl_volume_drop_anonymous(char *const *names, size_t n, char **reason)
{
	int first = 0, ret;
	size_t i;

	*reason = NULL;
	for (i = 0; i < n; i++) {
		_cleanup_free_ char *why = NULL;

		if (!dl_volume_is_anonymous(names[i]))
			continue;
		ret = dl_volume_remove(names[i], &why);
		/* another container took it, or it went: not ours to drop */
		if (ret == DL_EXIT_NO ||
		    (ret == DL_EXIT_CONFLICT && strstr(why, "in use")))
			continue;
		if (ret && !first) {
			first = ret;
			*reason = dl_xasprintf("%s: %s", names[i], why);
		}
	}
	return first;
}

/* Whether directory @fd (kept open) holds nothing. */
static int is_empty(int fd, bool *empty, char **reason)
{
	struct dirent *e;
	int dup = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	DIR *d = dup >= 0 ? fdopendir(dup) : NULL;

	*empty = true;
	if (!d) {
		if (dup >= 0)
			close(dup);
		return sys_fail(reason, "volume data");
	}
	while ((errno = 0, e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			*empty = false;
			break;
		}
	if (errno) {
		int ret = sys_fail(reason, "volume data");

		closedir(d);
		return ret;
	}
	closedir(d);
	return 0;
}

int dl_volume_copy_up(const char *name, int rootfd, const char *path,
		      char **reason)
{
	_cleanup_free_ char *data = dl_volume_data(name), *why = NULL;
	_cleanup_close_ int sfd = -1, dfd = -1;
	struct stat st;
	bool empty;
	int ret;

	*reason = NULL;
	sfd = dl_root_open(rootfd, path, O_RDONLY | O_DIRECTORY, 0);
	if (sfd < 0)
		return errno == ENOENT || errno == ENOTDIR
			       ? 0
			       : dl_fail(reason, DL_EXIT_FAIL, "%s: %s", path,
					 strerror(errno));
	dfd = open(data, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return sys_fail(reason, data);
	ret = is_empty(dfd, &empty, reason);
	if (ret || !empty)
		return ret;
	if (fstat(sfd, &st) < 0)
		return sys_fail(reason, path);
	ret = dl_copy_tree(sfd, dfd, 0, NULL, &why);
	if (ret)
		return dl_fail(reason, ret, "%s", why);
	if (fchown(dfd, st.st_uid, st.st_gid) < 0 ||
	    fchmod(dfd, st.st_mode & 07777) < 0)
		return sys_fail(reason, data);
	return 0;
}
