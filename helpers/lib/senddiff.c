/* SPDX-License-Identifier: Apache-2.0 */
/* senddiff.c: the members of a layer from BTRFS_IOC_SEND between two
 * read-only snapshots (no file data), parsed by libbtrfs, each path then
 * decided by what it is in the two trees */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/btrfs.h>
#include <linux/openat2.h>

#include <btrfs/send-stream.h>
#include <btrfsutil.h>

#include "dl.h"
#include "dl/senddiff.h"

#define PIPE_SIZE (1024 * 1024)
#define INO_PATHS_SIZE (64 * 1024)
#define INO_PATHS_MAX (16 * 1024 * 1024)

/* --- the walk of a whole tree ------------------------------------------ */

/* Non-directories with several links met on the way, by inode. */
struct inos {
	uint64_t *v;
	size_t n, cap;
};

static void inos_add(struct inos *s, uint64_t ino)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->v = dl_xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = ino;
}

static char *join(const char *dir, const char *name)
{
	return *dir ? dl_xasprintf("%s/%s", dir, name) : dl_xstrdup(name);
}

/* Add every object below directory @fd (at @path) to @out; with @links,
 * the inodes of non-directories with several links too. */
static int walk(int fd, const char *path, struct dl_tar_list *out,
		struct inos *links, char **reason)
{
	struct dirent *e;
	int dfd, ret = 0;
	DIR *d;

	dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || !(d = fdopendir(dfd))) {
		if (dfd >= 0)
			close(dfd);
		return dl_fail(reason, DL_EXIT_FAIL, "unable to read '%s': %s",
			       *path ? path : ".", strerror(errno));
	}
	while ((errno = 0, e = readdir(d))) {
		_cleanup_free_ char *sub = NULL;
		bool isdir = e->d_type == DT_DIR;
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		sub = join(path, e->d_name);
		if (e->d_type == DT_UNKNOWN || (links && !isdir)) {
			if (fstatat(dirfd(d), e->d_name, &st,
				    AT_SYMLINK_NOFOLLOW) < 0) {
				if (errno == ENOENT)
					continue; /* gone meanwhile */
				ret = dl_fail(reason, DL_EXIT_FAIL,
					      "unable to stat '%s': %s", sub,
					      strerror(errno));
				break;
			}
			isdir = S_ISDIR(st.st_mode);
			if (links && !isdir && st.st_nlink > 1)
				inos_add(links, st.st_ino);
		}
		dl_tar_list_add(out, sub, DL_TAR_ENTRY);
		if (isdir) {
			_cleanup_close_ int cfd = -1;

			cfd = openat(dirfd(d), e->d_name, O_RDONLY |
				     O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (cfd < 0 && (errno == ENOENT || errno == ENOTDIR ||
					errno == ELOOP))
				continue;
			if (cfd < 0) {
				ret = dl_fail(reason, DL_EXIT_FAIL,
					      "unable to open '%s': %s", sub,
					      strerror(errno));
				break;
			}
			ret = walk(cfd, sub, out, links, reason);
			if (ret)
				break;
		}
	}
	if (!ret && errno)
		ret = dl_fail(reason, DL_EXIT_FAIL, "unable to read '%s': %s",
			      *path ? path : ".", strerror(errno));
	closedir(d);
	return ret;
}

int dl_senddiff_tree(int rootfd, struct dl_tar_list *out, char **reason)
{
	*reason = NULL;
	return walk(rootfd, "", out, NULL, reason);
}

/* --- the send stream: every path it names ------------------------------ */

struct names {
	char **v;
	size_t n, cap;
};

static void names_add(struct names *s, const char *path)
{
	/* paths are relative to the subvolume; "" is its root */
	while (*path == '/')
		path++;
	if (!*path)
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->v = dl_xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = dl_xstrdup(path);
}

static void names_free(struct names *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

static int op_subvol(const char *path, const u8 *uuid, u64 ctransid,
		     void *user)
{
	return 0;
}

static int op_snapshot(const char *path, const u8 *uuid, u64 ctransid,
		       const u8 *parent_uuid, u64 parent_ctransid, void *user)
{
	return 0;
}

static int op_path(const char *path, void *user)
{
	names_add(user, path);
	return 0;
}

static int op_mknod(const char *path, u64 mode, u64 dev, void *user)
{
	return op_path(path, user);
}

static int op_two(const char *a, const char *b, void *user)
{
	names_add(user, a);
	names_add(user, b);
	return 0;
}

static int op_link(const char *path, const char *lnk, void *user)
{
	/* @lnk is the existing name: unchanged itself, but now shares its
	 * inode with a name of the layer */
	return op_two(path, lnk, user);
}

static int op_symlink(const char *path, const char *lnk, void *user)
{
	return op_path(path, user); /* @lnk is the target, no path of ours */
}

static int op_write(const char *path, const void *data, u64 offset, u64 len,
		    void *user)
{
	return op_path(path, user);
}

static int op_clone(const char *path, u64 offset, u64 len,
		    const u8 *clone_uuid, u64 clone_ctransid,
		    const char *clone_path, u64 clone_offset, void *user)
{
	return op_path(path, user);
}

static int op_set_xattr(const char *path, const char *name, const void *data,
			int len, void *user)
{
	return op_path(path, user);
}

static int op_remove_xattr(const char *path, const char *name, void *user)
{
	return op_path(path, user);
}

static int op_truncate(const char *path, u64 size, void *user)
{
	return op_path(path, user);
}

static int op_chmod(const char *path, u64 mode, void *user)
{
	return op_path(path, user);
}

static int op_chown(const char *path, u64 uid, u64 gid, void *user)
{
	return op_path(path, user);
}

static int op_utimes(const char *path, struct timespec *at,
		     struct timespec *mt, struct timespec *ct, void *user)
{
	return op_path(path, user);
}

static int op_update_extent(const char *path, u64 offset, u64 len,
			    void *user)
{
	return op_path(path, user);
}

static struct btrfs_send_ops ops = {
	.subvol = op_subvol,
	.snapshot = op_snapshot,
	.mkfile = op_path,
	.mkdir = op_path,
	.mknod = op_mknod,
	.mkfifo = op_path,
	.mksock = op_path,
	.symlink = op_symlink,
	.rename = op_two,
	.link = op_link,
	.unlink = op_path,
	.rmdir = op_path,
	.write = op_write,
	.clone = op_clone,
	.set_xattr = op_set_xattr,
	.remove_xattr = op_remove_xattr,
	.truncate = op_truncate,
	.chmod = op_chmod,
	.chown = op_chown,
	.utimes = op_utimes,
	.update_extent = op_update_extent,
};

struct reader {
	int fd;
	struct names names;
	int ret;
};

static void *read_stream(void *arg)
{
	struct reader *r = arg;
	char buf[4096];

	r->ret = btrfs_read_and_process_send_stream(r->fd, &ops, &r->names, 1,
						    1);
	/* the kernel must never block on a reader gone */
	while (read(r->fd, buf, sizeof(buf)) > 0 || errno == EINTR)
		;
	return NULL;
}

static int same_fs(int a, int b, bool *same, char **reason)
{
	struct btrfs_ioctl_fs_info_args fa = { 0 }, fb = { 0 };

	if (ioctl(a, BTRFS_IOC_FS_INFO, &fa) < 0 ||
	    ioctl(b, BTRFS_IOC_FS_INFO, &fb) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "unable to read the "
			       "filesystem's info: %s", strerror(errno));
	*same = !memcmp(fa.fsid, fb.fsid, sizeof(fa.fsid));
	return 0;
}

static int ro_subvol(int fd, const char *which, uint64_t *id, char **reason)
{
	enum btrfs_util_error e;
	bool ro = false;

	e = btrfs_util_is_subvolume_fd(fd);
	if (e == BTRFS_UTIL_ERROR_NOT_BTRFS ||
	    e == BTRFS_UTIL_ERROR_NOT_SUBVOLUME)
		return dl_fail(reason, DL_EXIT_REJECT, "%s: not a btrfs "
			       "subvolume", which);
	if (!e)
		e = btrfs_util_subvolume_id_fd(fd, id);
	if (!e)
		e = btrfs_util_get_subvolume_read_only_fd(fd, &ro);
	if (e)
		return dl_fail(reason, DL_EXIT_FAIL, "%s: %s: %s", which,
			       btrfs_util_strerror(e), strerror(errno));
	if (!ro)
		return dl_fail(reason, DL_EXIT_REJECT, "%s: not read-only",
			       which);
	return 0;
}

/* The paths the send stream of @childfd over @parentfd names. */
static int send_names(int parentfd, int childfd, struct names *out,
		      char **reason)
{
	struct btrfs_ioctl_send_args args = { 0 };
	struct reader r = { .fd = -1 };
	__u64 pid;
	uint64_t cid;
	int p[2], ret, e;
	pthread_t th;
	bool same;

	ret = ro_subvol(parentfd, "parent", &cid, reason);
	pid = cid;
	if (!ret)
		ret = ro_subvol(childfd, "child", &cid, reason);
	if (!ret)
		ret = same_fs(parentfd, childfd, &same, reason);
	if (ret)
		return ret;
	if (!same)
		return dl_fail(reason, DL_EXIT_REJECT, "parent and child are "
			       "on different filesystems");
	if (pipe2(p, O_CLOEXEC) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "unable to make a pipe: "
			       "%s", strerror(errno));
	(void)fcntl(p[1], F_SETPIPE_SZ, PIPE_SIZE);
	r.fd = p[0];
	e = pthread_create(&th, NULL, read_stream, &r);
	if (e) {
		close(p[0]);
		close(p[1]);
		return dl_fail(reason, DL_EXIT_FAIL, "unable to start a "
			       "thread: %s", strerror(e));
	}
	args.send_fd = p[1];
	args.clone_sources_count = 1;
	args.clone_sources = &pid;
	args.parent_root = pid;
	args.flags = BTRFS_SEND_FLAG_NO_FILE_DATA;
	do
		ret = ioctl(childfd, BTRFS_IOC_SEND, &args);
	while (ret < 0 && errno == EINTR);
	e = errno;
	close(p[1]);
	pthread_join(th, NULL);
	close(p[0]);
	*out = r.names;
	if (ret < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "btrfs send: %s",
			       strerror(e));
	/* 0 at the end command, 1 at the end of the stream */
	if (r.ret < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "btrfs send stream: %s",
			       strerror(-r.ret));
	return 0;
}

/* --- deciding each path ------------------------------------------------ */

/* What a path is in one tree. */
struct obj {
	bool there;
	struct statx stx;
};

/* Look @path up beneath @rootfd, no symlink followed: a path through a
 * symlink or a non-directory names nothing. */
static int look(int rootfd, const char *path, struct obj *o, char **reason)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};
	_cleanup_free_ char *dir = NULL;
	_cleanup_close_ int dfd = -1;
	const char *slash = strrchr(path, '/'), *base = path;
	int r;

	o->there = false;
	if (slash) {
		dir = dl_xasprintf("%.*s", (int)(slash - path), path);
		base = slash + 1;
		dfd = (int)syscall(SYS_openat2, rootfd, dir, &how, sizeof(how));
		if (dfd < 0 && (errno == ENOENT || errno == ENOTDIR ||
				errno == ELOOP || errno == EXDEV))
			return 0;
		if (dfd < 0)
			return dl_fail(reason, DL_EXIT_FAIL, "unable to open "
				       "'%s': %s", dir, strerror(errno));
	}
	r = statx(slash ? dfd : rootfd, base,
		  AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT,
		  STATX_BASIC_STATS | STATX_BTIME, &o->stx);
	if (r < 0 && (errno == ENOENT || errno == ENOTDIR))
		return 0;
	if (r < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "unable to stat '%s': %s",
			       path, strerror(errno));
	o->there = true;
	return 0;
}

static bool is_dir(const struct obj *o)
{
	return o->there && S_ISDIR(o->stx.stx_mode);
}

/* The same directory in both trees: a snapshot keeps inode numbers, and
 * the birth time tells a reused number. */
static bool same_dir(const struct obj *c, const struct obj *p)
{
	return is_dir(c) && is_dir(p) && c->stx.stx_ino == p->stx.stx_ino &&
	       c->stx.stx_btime.tv_sec == p->stx.stx_btime.tv_sec &&
	       c->stx.stx_btime.tv_nsec == p->stx.stx_btime.tv_nsec;
}

static bool same_ts(const struct statx_timestamp *a,
		    const struct statx_timestamp *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* The same file in both trees, changed in nothing but its atime (it was
 * read): a change of data, mode, owner, xattrs or links moves the ctime,
 * an atime alone does not. */
static bool only_read(const struct obj *c, const struct obj *p)
{
	return c->there && p->there && !is_dir(c) && !is_dir(p) &&
	       c->stx.stx_ino == p->stx.stx_ino &&
	       same_ts(&c->stx.stx_btime, &p->stx.stx_btime) &&
	       same_ts(&c->stx.stx_ctime, &p->stx.stx_ctime) &&
	       same_ts(&c->stx.stx_mtime, &p->stx.stx_mtime);
}

static int cmp_path(const void *a, const void *b)
{
	return dl_tar_path_cmp(*(char *const *)a, *(char *const *)b);
}

/* Sort @s and drop repeats. */
static void names_sort(struct names *s)
{
	size_t i, k = 0;

	qsort(s->v, s->n, sizeof(*s->v), cmp_path);
	for (i = 0; i < s->n; i++) {
		if (k && !strcmp(s->v[k - 1], s->v[i])) {
			free(s->v[i]);
			continue;
		}
		s->v[k++] = s->v[i];
	}
	s->n = k;
}

/* Whether @path is among the first @n names of @s, which are sorted. */
static bool names_has(const struct names *s, size_t n, const char *path)
{
	return bsearch(&path, s->v, n, sizeof(*s->v), cmp_path) != NULL;
}

/* Add the directories above every path of @s. */
static void add_parents(struct names *s)
{
	size_t n = s->n;

	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = dl_xstrdup(s->v[i]);
		char *slash;

		while ((slash = strrchr(p, '/'))) {
			*slash = '\0';
			names_add(s, p);
		}
	}
}

/* The other names of inode @ino of the subvolume @fd. */
static int ino_names(int fd, uint64_t ino, struct names *out, char **reason)
{
	struct btrfs_ioctl_ino_path_args args = { 0 };
	struct btrfs_data_container *c;
	size_t size = INO_PATHS_SIZE;

	for (;;) {
		c = dl_xcalloc(1, size);
		args.inum = ino;
		args.size = size;
		args.fspath = (uint64_t)(uintptr_t)c;
		if (ioctl(fd, BTRFS_IOC_INO_PATHS, &args) < 0) {
			free(c);
			return dl_fail(reason, DL_EXIT_FAIL, "unable to find "
				       "the names of inode %llu: %s",
				       (unsigned long long)ino,
				       strerror(errno));
		}
		if (!c->bytes_missing || size >= INO_PATHS_MAX)
			break;
		size += c->bytes_missing;
		if (size > INO_PATHS_MAX)
			size = INO_PATHS_MAX;
		free(c);
	}
	for (uint32_t i = 0; i < c->elem_cnt; i++)
		names_add(out, (const char *)c->val + c->val[i]);
	free(c);
	return 0;
}

struct level {
	const char *path;
	size_t len;
	bool covered; /* what is below is decided: whole, gone or replaced */
	bool lazy;    /* an unchanged directory: a member only above one */
};

/* The unchanged directories above the member about to be added (the
 * first @n levels), as members, each once. */
static void add_lazy(struct level *stack, size_t n, struct dl_tar_list *out)
{
	for (size_t k = 0; k < n; k++) {
		if (!stack[k].lazy)
			continue;
		dl_tar_list_add(out, stack[k].path, DL_TAR_ENTRY);
		stack[k].lazy = false;
	}
}

/* One pass over the sorted candidates @s: the members into @out, the
 * inodes of linked files into @links. */
static int decide(int parentfd, int childfd, const struct names *s,
		  struct dl_tar_list *out, struct inos *links, char **reason)
{
	_cleanup_free_ struct level *stack = NULL;
	size_t depth = 0, i;
	int ret = 0;

	stack = dl_xcalloc(s->n ? s->n : 1, sizeof(*stack));
	for (i = 0; i < s->n && !ret; i++) {
		const char *p = s->v[i];
		size_t len = strlen(p);
		struct obj c, par;

		while (depth && !(stack[depth - 1].len < len &&
				  !strncmp(p, stack[depth - 1].path,
					   stack[depth - 1].len) &&
				  p[stack[depth - 1].len] == '/'))
			depth--;
		if (depth && stack[depth - 1].covered)
			continue;
		ret = look(childfd, p, &c, reason);
		if (!ret)
			ret = look(parentfd, p, &par, reason);
		if (ret)
			break;
		stack[depth++] = (struct level){ p, len, true, false };
		if (only_read(&c, &par))
			continue;
		if (!c.there) {
			if (par.there) {
				add_lazy(stack, depth - 1, out);
				dl_tar_list_add(out, p, DL_TAR_WHITEOUT);
			}
			continue;
		}
		/* a directory only read or only above a change: a member if
		 * something below it is */
		if (same_dir(&c, &par) &&
		    same_ts(&c.stx.stx_ctime, &par.stx.stx_ctime) &&
		    same_ts(&c.stx.stx_mtime, &par.stx.stx_mtime)) {
			stack[depth - 1].covered = false;
			stack[depth - 1].lazy = true;
			continue;
		}
		add_lazy(stack, depth - 1, out);
		dl_tar_list_add(out, p, DL_TAR_ENTRY);
		if (!is_dir(&c)) {
			if (c.stx.stx_nlink > 1)
				inos_add(links, c.stx.stx_ino);
			continue;
		}
		if (same_dir(&c, &par)) {
			stack[depth - 1].covered = false;
			continue;
		}
		/* a new directory, or another one of the same name */
		if (is_dir(&par))
			dl_tar_list_add(out, p, DL_TAR_OPAQUE);
		{
			_cleanup_close_ int dfd = -1;
			struct open_how how = {
				.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH |
					   RESOLVE_NO_SYMLINKS |
					   RESOLVE_NO_MAGICLINKS,
			};

			dfd = (int)syscall(SYS_openat2, childfd, p, &how,
					   sizeof(how));
			if (dfd < 0)
				ret = dl_fail(reason, DL_EXIT_FAIL,
					      "unable to open '%s': %s", p,
					      strerror(errno));
			else
				ret = walk(dfd, p, out, links, reason);
		}
	}
	return ret;
}

int dl_senddiff(int parentfd, int childfd, struct dl_tar_list *out,
		char **reason)
{
	struct names s = { 0 };
	struct inos links = { 0 };
	int ret;

	*reason = NULL;
	ret = send_names(parentfd, childfd, &s, reason);
	if (ret)
		goto out;
	add_parents(&s);
	names_sort(&s);
	for (;;) {
		struct names more = { 0 };
		size_t sorted = s.n; /* the part bsearch may look in */
		bool grew = false;

		links.n = 0;
		dl_tar_list_free(out);
		ret = decide(parentfd, childfd, &s, out, &links, reason);
		for (size_t i = 0; !ret && i < links.n; i++)
			ret = ino_names(childfd, links.v[i], &more, reason);
		for (size_t i = 0; !ret && i < more.n; i++) {
			if (names_has(&s, sorted, more.v[i]))
				continue;
			names_add(&s, more.v[i]);
			grew = true;
		}
		names_free(&more);
		if (ret || !grew)
			break;
		/* every name of a linked file is a member: decide again */
		add_parents(&s);
		names_sort(&s);
	}
out:
	if (ret)
		dl_tar_list_free(out);
	names_free(&s);
	free(links.v);
	return ret;
}
