/* SPDX-License-Identifier: Apache-2.0 */
/* ref.c: the names of images and containers, kept under $DL_ROOT/refs */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include "dl.h"
#include "dl/ref.h"

#define NAME_MAX_LEN 255
#define LOCK_TIMEOUT_MS 30000

static int fail_sys(char **reason, const char *what)
{
	return dl_fail(reason, DL_EXIT_FAIL, "%s: %s", what, strerror(errno));
}

/* ---- store access ----------------------------------------------------- */

/*
 * Take the refs lock: exclusive for writers, shared for listers.  Writers
 * create locks/ and the lock file; a lister that cannot open it (a store
 * nobody wrote yet, or read-only access) proceeds unlocked, which is safe
 * since every ref file is replaced by rename(2).  Returns the fd, or -1 with
 * *reason set (DL_EXIT_FAIL or, on timeout, DL_EXIT_CONFLICT in *code).
 */
/* the refs lock this process took with dl_ref_lock(), or -1 */
static int held = -1;

static int lock_refs(bool exclusive, int *code, char **reason)
{
	_cleanup_free_ char *dir = NULL;
	_cleanup_free_ char *path = dl_path("locks/refs");
	_cleanup_close_ int fd = -1;
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	int waited = 0;

	/* held already: a duplicate shares the lock, closing it keeps it */
	if (held >= 0) {
		fd = fcntl(held, F_DUPFD_CLOEXEC, 0);
		if (fd < 0)
			*code = fail_sys(reason, path);
		return fd;
	}
	dir = dl_path("locks");
	if (exclusive) {
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			*code = fail_sys(reason, dir);
			return -1;
		}
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -2; /* no lock to take: go on unlocked */
	}
	if (fd < 0) {
		*code = fail_sys(reason, path);
		return -1;
	}
	for (;;) {
		if (flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0)
			return dl_steal_fd(&fd);
		if (errno != EWOULDBLOCK && errno != EINTR) {
			*code = fail_sys(reason, path);
			return -1;
		}
		if (waited >= LOCK_TIMEOUT_MS) {
			*code = dl_fail(reason, DL_EXIT_CONFLICT,
				     "timed out waiting for lock '%s'", path);
			return -1;
		}
		nanosleep(&pause, NULL);
		waited += 10;
	}
}

int dl_ref_lock(char **reason)
{
	int code = 0, fd;

	*reason = NULL;
	if (held >= 0)
		return 0;
	fd = lock_refs(true, &code, reason);
	if (fd < 0)
		return code;
	held = fd;
	return 0;
}

void dl_ref_unlock(void)
{
	dl_closep(&held);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Read a ref file into @out: DL_EXIT_NO when absent. */
static int read_id(const char *path, char out[DL_ID_LEN + 1], char **reason)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;

	if (dl_read_file(path, &buf, &len) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return dl_fail(reason, DL_EXIT_NO, "no such name");
		return fail_sys(reason, path);
	}
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (!dl_is_id(buf))
		return dl_fail(reason, DL_EXIT_REJECT,
			    "corrupt reference '%s': not an ID", path);
	memcpy(out, buf, DL_ID_LEN + 1);
	return 0;
}

/*
 * dl_write_file_atomic() writes PATH.tmp.PID first; refuse if a ref of
 * that very name exists rather than clobber it.
 */
static int write_id(const char *path, const char *id, unsigned flags,
		    char **reason)
{
	_cleanup_free_ char *tmp = dl_xasprintf("%s.tmp.%d", path,
						(int)getpid());
	_cleanup_free_ char *buf = dl_xasprintf("%s\n", id);
	struct stat st;

	if (lstat(tmp, &st) == 0)
		return dl_fail(reason, DL_EXIT_CONFLICT,
			    "temporary file '%s' is in the way", tmp);
	if (dl_write_file_atomic_flags(path, buf, strlen(buf), 0644, flags) < 0)
		return fail_sys(reason, path);
	return 0;
}

/* Remove the empty directories from @dir up to, not including, @top. */
static void prune(char *dir, const char *top)
{
	size_t toplen = strlen(top);

	while (strlen(dir) > toplen && !strncmp(dir, top, toplen)) {
		char *s;

		if (rmdir(dir) < 0)
			return;
		s = strrchr(dir, '/');
		if (!s)
			return;
		*s = '\0';
	}
}

int dl_ref_image_set(const struct dl_ref *r, const char *id, char **reason)
{
	_cleanup_close_ int lk = -1;
	_cleanup_free_ char *img = NULL, *dir = NULL, *path = NULL;
	int code = 0;

	*reason = NULL;
	if (!dl_ref_valid(r, reason))
		return DL_EXIT_USAGE;
	if (!dl_is_id(id))
		return dl_fail(reason, DL_EXIT_USAGE, "'%s': " DL_ID_INVALID,
			       id ? id : "");
	img = dl_path("images/%s", id);
	dir = dl_path("refs/images/%s", r->repo);
	path = dl_path("refs/images/%s/:%s", r->repo, r->tag);
	lk = lock_refs(true, &code, reason);
	if (lk < 0)
		return code;
	if (!is_dir(img))
		return dl_fail(reason, DL_EXIT_NO, "no such image '%s'", id);
	if (dl_mkdir_p(dir, 0755) < 0)
		code = fail_sys(reason, dir);
	else
		code = write_id(path, id, 0, reason);
	if (code) {
		/* a full store: no empty repository directory is left */
		_cleanup_free_ char *top = dl_path("refs/images");

		prune(dir, top);
	}
	return code;
}

int dl_ref_image_get(const struct dl_ref *r, char out[DL_ID_LEN + 1],
		     char **reason)
{
	_cleanup_free_ char *path = NULL;

	*reason = NULL;
	if (!dl_ref_valid(r, reason))
		return DL_EXIT_USAGE;
	path = dl_path("refs/images/%s/:%s", r->repo, r->tag);
	return read_id(path, out, reason);
}

int dl_ref_image_rm(const struct dl_ref *r, char **reason)
{
	_cleanup_close_ int lk = -1;
	_cleanup_free_ char *top = NULL, *dir = NULL, *path = NULL;
	int code = 0;

	*reason = NULL;
	if (!dl_ref_valid(r, reason))
		return DL_EXIT_USAGE;
	top = dl_path("refs/images");
	dir = dl_path("refs/images/%s", r->repo);
	path = dl_path("refs/images/%s/:%s", r->repo, r->tag);
	lk = lock_refs(true, &code, reason);
	if (lk < 0)
		return code;
	if (unlink(path) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return dl_fail(reason, DL_EXIT_NO, "no such name");
		return fail_sys(reason, path);
	}
	prune(dir, top);
	return 0;
}

/*
 * Find the one entry of @dirname (images/ or containers/) whose name is an
 * ID starting with @prefix.
 */
static int match_prefix(const char *dirname, const char *prefix,
			const char *kind, char out[DL_ID_LEN + 1],
			char **reason)
{
	_cleanup_free_ char *path = dl_path("%s", dirname);
	size_t plen = strlen(prefix);
	struct dirent *de;
	int found = 0;
	DIR *d;

	d = opendir(path);
	if (!d) {
		if (errno == ENOENT)
			return dl_fail(reason, DL_EXIT_NO, "no such %s", kind);
		return fail_sys(reason, path);
	}
	while ((errno = 0, de = readdir(d))) {
		if (!dl_is_id(de->d_name) || strncmp(de->d_name, prefix, plen))
			continue;
		if (found++ == 0)
			memcpy(out, de->d_name, DL_ID_LEN + 1);
	}
	if (errno) {
		int code = fail_sys(reason, path);

		closedir(d);
		return code;
	}
	closedir(d);
	if (found == 0)
		return dl_fail(reason, DL_EXIT_NO, "no such %s", kind);
	if (found > 1)
		return dl_fail(reason, DL_EXIT_CONFLICT,
			    "ambiguous ID prefix, %d %ss match", found, kind);
	return 0;
}

int dl_image_resolve(const char *spec, char out[DL_ID_LEN + 1], char **reason)
{
	struct dl_ref r = { 0 };
	bool by_id = false;
	int code;

	*reason = NULL;
	if (!spec || !*spec)
		return dl_fail(reason, DL_EXIT_USAGE, "name is empty");
	if (!strncmp(spec, "sha256:", 7)) {
		spec += 7;
		by_id = true;
	}
	if (!by_id && !dl_is_id(spec)) {
		code = dl_ref_parse(spec, &r, reason);
		if (code == 0) {
			code = dl_ref_image_get(&r, out, reason);
			dl_ref_free(&r);
			if (code != DL_EXIT_NO)
				return code;
		}
		/* not a known name: maybe an ID prefix */
		if (!dl_is_id_prefix(spec)) {
			if (code != DL_EXIT_NO)
				return code;
			free(*reason);
			return dl_fail(reason, DL_EXIT_NO, "no such image");
		}
		free(*reason);
		*reason = NULL;
	}
	if (!dl_is_id_prefix(spec))
		return dl_fail(reason, DL_EXIT_USAGE,
			       "not a valid name nor ID prefix");
	return match_prefix("images", spec, "image", out, reason);
}

/* Whether tmp/@id is held by a live process (dl-tmp.h). */
static bool tmp_held(const char *id)
{
	_cleanup_free_ char *path = dl_path("tmp/%s", id);
	_cleanup_close_ int fd = -1;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return false;
	return errno == EWOULDBLOCK || errno == EINTR;
}

bool dl_container_exists(const char *id)
{
	_cleanup_free_ char *path = dl_path("containers/%s", id);

	/* being made (tmp/ to containers/) and being removed (containers/
	 * to tmp/) each take one rename: looking at tmp/ before and after
	 * containers/ sees either */
	return tmp_held(id) || is_dir(path) || tmp_held(id);
}

static int container_set(const char *name, const char *id, bool take,
			 char **reason)
{
	_cleanup_close_ int lk = -1;
	_cleanup_free_ char *dir = NULL, *path = NULL;
	char old[DL_ID_LEN + 1];
	int code = 0;

	*reason = NULL;
	if (!dl_is_container_name(name))
		return dl_fail(reason, DL_EXIT_USAGE,
			    "invalid container name, must match "
			    "[a-zA-Z0-9][a-zA-Z0-9_.-]*");
	if (!dl_is_id(id))
		return dl_fail(reason, DL_EXIT_USAGE, "'%s': " DL_ID_INVALID,
			       id ? id : "");
	dir = dl_path("refs/containers");
	path = dl_path("refs/containers/%s", name);
	lk = lock_refs(true, &code, reason);
	if (lk < 0)
		return code;
	code = read_id(path, old, reason);
	if (code == 0) {
		if (!strcmp(old, id))
			return 0;
		free(*reason);
		*reason = NULL;
		/* the container a dead process was making or removing never
		 * keeps its name */
		if (!take || dl_container_exists(old))
			return dl_fail(reason, DL_EXIT_CONFLICT,
				    "name is in use by container %s", old);
		code = DL_EXIT_NO;
	}
	if (code != DL_EXIT_NO && code != DL_EXIT_REJECT)
		return code;
	free(*reason);
	*reason = NULL;
	if (dl_mkdir_p(dir, 0755) < 0)
		return fail_sys(reason, dir);
	/* a container is made again in a snapshot: its name needs no fsync
	 * (a name file a power loss emptied is a corrupt-ref to the check) */
	return write_id(path, id, DL_WRITE_NOSYNC, reason);
}

int dl_ref_container_set(const char *name, const char *id, char **reason)
{
	return container_set(name, id, false, reason);
}

int dl_ref_container_take(const char *name, const char *id, char **reason)
{
	return container_set(name, id, true, reason);
}

int dl_ref_container_rm(const char *name, char **reason)
{
	_cleanup_close_ int lk = -1;
	_cleanup_free_ char *path = NULL;
	int code = 0;

	*reason = NULL;
	if (!dl_is_container_name(name))
		return dl_fail(reason, DL_EXIT_USAGE, "invalid container name");
	path = dl_path("refs/containers/%s", name);
	lk = lock_refs(true, &code, reason);
	if (lk < 0)
		return code;
	if (unlink(path) < 0) {
		if (errno == ENOENT)
			return dl_fail(reason, DL_EXIT_NO, "no such name");
		return fail_sys(reason, path);
	}
	return 0;
}

int dl_ref_container_rm_if(const char *name, const char *id, char **reason)
{
	_cleanup_close_ int lk = -1;
	_cleanup_free_ char *path = NULL;
	char cur[DL_ID_LEN + 1];
	int code = 0;

	*reason = NULL;
	if (!dl_is_container_name(name))
		return dl_fail(reason, DL_EXIT_USAGE, "invalid container name");
	if (!dl_is_id(id))
		return dl_fail(reason, DL_EXIT_USAGE, "'%s': " DL_ID_INVALID,
			       id ? id : "");
	path = dl_path("refs/containers/%s", name);
	lk = lock_refs(true, &code, reason);
	if (lk < 0)
		return code;
	/* read and unlink under the one lock: nobody can move the name to
	 * another container in between */
	code = read_id(path, cur, reason);
	if (code)
		return code;
	if (strcmp(cur, id))
		return dl_fail(reason, DL_EXIT_NO,
			    "name is in use by container %s", cur);
	if (unlink(path) < 0) {
		if (errno == ENOENT)
			return dl_fail(reason, DL_EXIT_NO, "no such name");
		return fail_sys(reason, path);
	}
	return 0;
}

int dl_container_resolve(const char *spec, char out[DL_ID_LEN + 1],
			 char **reason)
{
	_cleanup_free_ char *path = NULL;
	int code;

	*reason = NULL;
	if (!spec || !*spec)
		return dl_fail(reason, DL_EXIT_USAGE, "name is empty");
	if (dl_is_container_name(spec)) {
		path = dl_path("refs/containers/%s", spec);
		code = read_id(path, out, reason);
		if (code != DL_EXIT_NO)
			return code;
		free(*reason);
		*reason = NULL;
	}
	if (!dl_is_id_prefix(spec)) {
		if (dl_is_container_name(spec))
			return dl_fail(reason, DL_EXIT_NO, "no such container");
		return dl_fail(reason, DL_EXIT_USAGE, "invalid container name");
	}
	return match_prefix("containers", spec, "container", out, reason);
}

/* ---- listing ---------------------------------------------------------- */

struct list {
	struct dl_ref_entry *v;
	size_t n, cap;
	const char *id;
};

static void list_add(struct list *l, const char *repo, const char *tag,
		     const char *id)
{
	struct dl_ref_entry *e;

	if (l->id && strcmp(l->id, id))
		return;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = dl_xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	e = &l->v[l->n++];
	e->repo = repo ? dl_xstrdup(repo) : NULL;
	e->tag = repo ? dl_xstrdup(tag) : NULL;
	e->name = repo ? dl_xasprintf("%s:%s", repo, tag) : dl_xstrdup(tag);
	memcpy(e->id, id, DL_ID_LEN + 1);
}

/* PATH.tmp.PID, a write of dl_write_file_atomic() cut short by a crash */
static bool is_temp_name(const char *n)
{
	const char *t = strstr(n, ".tmp.");

	if (!t)
		return false;
	t += 5;
	if (!*t || strspn(t, "0123456789") != strlen(t))
		return is_temp_name(t - 1);
	return true;
}

static bool read_id_at(int dfd, const char *name, char id[DL_ID_LEN + 1])
{
	char buf[DL_ID_LEN + 2];
	ssize_t n;
	int fd;

	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n != DL_ID_LEN + 1 || buf[DL_ID_LEN] != '\n')
		return false;
	buf[DL_ID_LEN] = '\0';
	if (!dl_is_id(buf))
		return false;
	memcpy(id, buf, DL_ID_LEN + 1);
	return true;
}

/* Walk refs/images/@repo (opened as @dfd, which this closes). */
static int walk_images(int dfd, const char *repo, struct list *l, int depth)
{
	struct dirent *de;
	int ret = 0;
	DIR *d;

	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -1;
	}
	while ((errno = 0, de = readdir(d))) {
		char id[DL_ID_LEN + 1];
		const char *n = de->d_name;

		if (!strcmp(n, ".") || !strcmp(n, ".."))
			continue;
		if (n[0] == ':') {
			/* a tag of @repo; skip partial writes and junk */
			if (*repo && dl_ref_tag_valid(n + 1) && !is_temp_name(n) &&
			    read_id_at(dirfd(d), n, id))
				list_add(l, repo, n + 1, id);
		} else if (depth < NAME_MAX_LEN) {
			_cleanup_free_ char *sub =
				*repo ? dl_xasprintf("%s/%s", repo, n)
				      : dl_xstrdup(n);
			int fd = openat(dirfd(d), n,
					O_RDONLY | O_DIRECTORY | O_CLOEXEC |
						O_NOFOLLOW);

			if (fd < 0) {
				if (errno == ENOTDIR || errno == ELOOP)
					continue;
				ret = -1;
				break;
			}
			if (walk_images(fd, sub, l, depth + 1) < 0) {
				ret = -1;
				break;
			}
		}
	}
	if (ret == 0 && errno)
		ret = -1;
	closedir(d);
	return ret;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct dl_ref_entry *x = a, *y = b;

	return strcmp(x->name, y->name);
}

int dl_ref_image_list(const char *id, struct dl_ref_entry **out, size_t *n,
		      char **reason)
{
	_cleanup_close_ int lk = -1;
	_cleanup_free_ char *top = dl_path("refs/images");
	struct list l = { .id = id };
	int code = 0, fd;

	*reason = NULL;
	*out = NULL;
	*n = 0;
	lk = lock_refs(false, &code, reason);
	if (lk == -1)
		return code;
	fd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : fail_sys(reason, top);
	if (walk_images(fd, "", &l, 0) < 0) {
		code = fail_sys(reason, top);
		dl_ref_entries_free(l.v, l.n);
		return code;
	}
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), cmp_entry);
	*out = l.v;
	*n = l.n;
	return 0;
}

int dl_ref_container_list(struct dl_ref_entry **out, size_t *n, char **reason)
{
	_cleanup_close_ int lk = -1;
	_cleanup_free_ char *top = dl_path("refs/containers");
	struct list l = { 0 };
	struct dirent *de;
	int code = 0;
	DIR *d;

	*reason = NULL;
	*out = NULL;
	*n = 0;
	lk = lock_refs(false, &code, reason);
	if (lk == -1)
		return code;
	d = opendir(top);
	if (!d)
		return errno == ENOENT ? 0 : fail_sys(reason, top);
	while ((errno = 0, de = readdir(d))) {
		char id[DL_ID_LEN + 1];

		if (dl_is_container_name(de->d_name) &&
		    !is_temp_name(de->d_name) &&
		    read_id_at(dirfd(d), de->d_name, id))
			list_add(&l, NULL, de->d_name, id);
	}
	if (errno) {
		code = fail_sys(reason, top);
		closedir(d);
		dl_ref_entries_free(l.v, l.n);
		return code;
	}
	closedir(d);
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), cmp_entry);
	*out = l.v;
	*n = l.n;
	return 0;
}

void dl_ref_entries_free(struct dl_ref_entry *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].repo);
		free(v[i].tag);
	}
	free(v);
}
