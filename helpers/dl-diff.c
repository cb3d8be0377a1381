/* SPDX-License-Identifier: Apache-2.0 */
/* dl-diff: list the files a container changed, added or deleted */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl/json.h"

#define USAGE "dl-diff [-j] CONTAINER_ID"
#define OPTIONS "  -j  print a JSON array of {\"Path\",\"Kind\"}\n"

/* Docker's change kinds, and their letters. */
enum { KIND_MODIFY, KIND_ADD, KIND_DELETE };
static const char kind_letter[] = "CAD";

/* One image layer's view of a directory: the base layer is the one the
 * container's rootfs was snapshotted from, where inodes are shared. */
struct layer {
	int fd;
	bool base;
};

struct change {
	char *path;
	int kind;
};

static struct {
	struct change *v;
	size_t n, cap;
	dev_t dev; /* the container rootfs */
} out;

static void record(const char *path, int kind)
{
	if (out.n == out.cap) {
		out.cap = out.cap ? 2 * out.cap : 64;
		out.v = dl_xrealloc(out.v, out.cap * sizeof(*out.v));
	}
	out.v[out.n].path = dl_xstrdup(path);
	out.v[out.n++].kind = kind;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_change(const void *a, const void *b)
{
	return strcmp(((const struct change *)a)->path,
		      ((const struct change *)b)->path);
}

/* Append the names in directory @fd to @v. */
static void read_names(int fd, const char *path, char ***v, size_t *n,
		       size_t *cap)
{
	struct dirent *e;
	DIR *d;
	int dfd;

	dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || !(d = fdopendir(dfd)))
		dl_die_sys(DL_EXIT_FAIL, "unable to read '%s'", *path ? path
									: "/");
	while ((errno = 0, e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (*n == *cap) {
			*cap = *cap ? 2 * *cap : 32;
			*v = dl_xrealloc(*v, *cap * sizeof(**v));
		}
		(*v)[(*n)++] = dl_xstrdup(e->d_name);
	}
	if (errno)
		dl_die_sys(DL_EXIT_FAIL, "unable to read '%s'", *path ? path
									: "/");
	closedir(d);
}

static bool same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/*
 * Did the entry change?  Directories: as Docker, only mode and owner (their
 * size and mtime move with their entries).  Others, from the base layer:
 * a snapshot keeps the inode number and ctime of what it did not touch, so
 * any other inode or ctime is a change.  From a later layer, laid over by
 * a copy, compare as Docker does: mode, owner, device, size, mtime.
 */
static bool changed(const struct stat *c, const struct stat *e, bool base)
{
	if (c->st_mode != e->st_mode || c->st_uid != e->st_uid ||
	    c->st_gid != e->st_gid)
		return true;
	if (S_ISDIR(c->st_mode))
		return false;
	if (base && c->st_dev == out.dev)
		return c->st_ino != e->st_ino ||
		       !same_time(&c->st_ctim, &e->st_ctim);
	return c->st_rdev != e->st_rdev || c->st_size != e->st_size ||
	       !same_time(&c->st_mtim, &e->st_mtim);
}

static int open_dir(int fd, const char *name, const char *path)
{
	int d = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					 O_CLOEXEC);

	if (d < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to open '%s'", path);
	return d;
}

static void walk(int cfd, const struct layer *ls, size_t nl, const char *path);

/* Compare @name, present in the container directory @cfd, or not (-1). */
static void compare(int cfd, const struct layer *ls, size_t nl,
		    const char *name, const char *path)
{
	struct layer *sub = dl_xcalloc(nl ? nl : 1, sizeof(*sub));
	struct stat cst = { 0 }, est = { 0 }, st;
	bool in_c = false, in_e = false, base = false;
	size_t i, ns = 0, before;
	int dfd = -1;

	if (cfd >= 0 && fstatat(cfd, name, &cst, AT_SYMLINK_NOFOLLOW) == 0)
		in_c = true;
	else if (cfd >= 0 && errno != ENOENT)
		dl_die_sys(DL_EXIT_FAIL, "unable to stat '%s'", path);
	/* the merged image view: the top layer holding @name wins; a
	 * directory merges with the directories below it, down to a layer
	 * where @name is no directory */
	for (i = 0; i < nl; i++) {
		if (fstatat(ls[i].fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (!in_e) {
			in_e = true;
			est = st;
			base = ls[i].base;
		}
		if (!S_ISDIR(est.st_mode) || !S_ISDIR(st.st_mode))
			break;
		sub[ns].fd = open_dir(ls[i].fd, name, path);
		sub[ns++].base = ls[i].base;
	}

	if (!in_c && in_e) {
		record(path, KIND_DELETE);
	} else if (in_c && !in_e) {
		record(path, KIND_ADD);
		if (S_ISDIR(cst.st_mode)) {
			dfd = open_dir(cfd, name, path);
			walk(dfd, NULL, 0, path);
		}
	} else if (in_c) {
		bool c = changed(&cst, &est, base);

		before = out.n;
		if (c)
			record(path, KIND_MODIFY);
		if (S_ISDIR(cst.st_mode)) {
			dfd = open_dir(cfd, name, path);
			walk(dfd, sub, S_ISDIR(est.st_mode) ? ns : 0, path);
			if (!c && out.n > before)
				record(path, KIND_MODIFY);
		}
	}
	if (dfd >= 0)
		close(dfd);
	for (i = 0; i < ns; i++)
		close(sub[i].fd);
	free(sub);
}

/* Compare directory @cfd of the container (or -1) with the layers' view. */
static void walk(int cfd, const struct layer *ls, size_t nl, const char *path)
{
	char **names = NULL;
	size_t n = 0, cap = 0, i;

	if (cfd >= 0)
		read_names(cfd, path, &names, &n, &cap);
	for (i = 0; i < nl; i++)
		read_names(ls[i].fd, path, &names, &n, &cap);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		_cleanup_free_ char *sub = NULL;

		if (i > 0 && !strcmp(names[i], names[i - 1]))
			continue;
		sub = dl_xasprintf("%s/%s", path, names[i]);
		compare(cfd, ls, nl, names[i], sub);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The images of the container, from its spec, oldest first. */
static char **spec_images(const char *id, size_t *n)
{
	_cleanup_free_ char *path = dl_path("containers/%s/spec.json", id);
	_cleanup_free_ char *why = NULL, *list = NULL;
	json_t *spec = dl_json_load(path, &why), *ann, *v;
	char **ids, *s, *save = NULL;
	size_t cap = 4;

	if (!spec)
		dl_die(DL_EXIT_REJECT, "unable to load '%s': %s", path, why);
	ann = json_object_get(spec, "annotations");
	v = json_object_get(ann, "org.dockerlite.images");
	if (!json_is_string(v) || !*json_string_value(v))
		v = json_object_get(ann, "org.dockerlite.image");
	if (!json_is_string(v))
		dl_die(DL_EXIT_REJECT, "unable to diff container '%s': its spec "
		       "names no image", id);
	list = dl_xstrdup(json_string_value(v));
	json_decref(spec);
	ids = dl_xcalloc(cap, sizeof(*ids));
	*n = 0;
	for (s = strtok_r(list, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		if (!dl_is_id(s))
			dl_die(DL_EXIT_REJECT, "unable to diff container '%s': "
			       "bad image ID '%s' in its spec", id, s);
		if (*n == cap) {
			cap *= 2;
			ids = dl_xrealloc(ids, cap * sizeof(*ids));
		}
		ids[(*n)++] = dl_xstrdup(s);
	}
	if (!*n)
		dl_die(DL_EXIT_REJECT, "unable to diff container '%s': its spec "
		       "names no image", id);
	return ids;
}

static void print_changes(bool json)
{
	json_t *a = json ? json_array() : NULL;
	size_t i;

	for (i = 0; i < out.n; i++) {
		if (!json)
			printf("%c %s\n", kind_letter[out.v[i].kind],
			       out.v[i].path);
		else if (!a || json_array_append_new(
				       a, json_pack("{s:s,s:i}", "Path",
						    out.v[i].path, "Kind",
						    out.v[i].kind)) < 0)
			dl_die(DL_EXIT_FAIL, "unable to build 'json': out of "
			       "memory");
	}
	if (json && dl_json_print(a) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to write 'stdout'");
	json_decref(a);
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *root = NULL;
	_cleanup_close_ int cfd = -1;
	struct layer *ls;
	bool json = false;
	const char *id;
	char **ids;
	struct stat st;
	size_t n, i;
	int c;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	while ((c = getopt(argc, argv, "+j")) != -1) {
		if (c != 'j')
			dl_usage(USAGE);
		json = true;
	}
	if (argc - optind != 1)
		dl_usage(USAGE);
	if (!dl_is_id(argv[optind]))
		dl_die(DL_EXIT_USAGE, "unable to diff container '%s': " DL_ID_INVALID,
		       argv[optind]);
	dl_store_need();
	id = argv[optind];

	root = dl_path("containers/%s/rootfs", id);
	cfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cfd < 0)
		dl_die(errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
		       "unable to diff container '%s': %s", id,
		       errno == ENOENT ? "no such container" : strerror(errno));
	if (fstat(cfd, &st) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to stat '%s'", root);
	out.dev = st.st_dev;
	ids = spec_images(id, &n);
	/* the layers, top (last image) first */
	ls = dl_xcalloc(n, sizeof(*ls));
	for (i = 0; i < n; i++) {
		_cleanup_free_ char *p = dl_path("images/%s/rootfs",
						 ids[n - 1 - i]);

		ls[i].fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (ls[i].fd < 0)
			dl_die(errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
			       "unable to diff container '%s': image '%s': %s",
			       id, ids[n - 1 - i],
			       errno == ENOENT ? "no such image"
					       : strerror(errno));
		ls[i].base = i == n - 1;
	}
	walk(cfd, ls, n, "");
	qsort(out.v, out.n, sizeof(*out.v), cmp_change);
	print_changes(json);

	for (i = 0; i < n; i++) {
		close(ls[i].fd);
		free(ids[i]);
	}
	for (i = 0; i < out.n; i++)
		free(out.v[i].path);
	free(out.v);
	free(ls);
	free(ids);
	return dl_finish_stdout();
}
