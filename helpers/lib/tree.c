/* SPDX-License-Identifier: Apache-2.0 */
/* copy.c: copy a directory tree with reflinks, never following a symlink */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <search.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <linux/fs.h>

#include "dl.h"
#include "dl/node.h"
#include "dl/tree.h"

/* A source inode with several links, and the path of its first copy. */
struct link {
	dev_t dev;
	ino_t ino;
	char *path; /* below the destination root */
};

struct cp {
	int rootfd;
	unsigned flags;
	uid_t uid; /* with DL_COPY_CHOWN: the owner of everything made */
	gid_t gid;
	dev_t ddev; /* the destination root: never copied into itself */
	ino_t dino;
	bool lazy;  /* ddev and dino not read yet (from rootfd) */
	void *links; /* tsearch(3) tree of struct link */
	struct dl_tree_stats st;
	char *reason;
};

static int cfail(struct cp *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int cfail(struct cp *c, const char *fmt, ...)
{
	va_list ap;

	if (c->reason)
		return DL_EXIT_FAIL;
	va_start(ap, fmt);
	c->reason = dl_xvasprintf(fmt, ap);
	va_end(ap);
	return DL_EXIT_FAIL;
}

static int csys(struct cp *c, const char *verb, const char *rel)
{
	return cfail(c, "unable to %s '%s': %s", verb, *rel ? rel : ".",
		     strerror(errno));
}

static int link_cmp(const void *a, const void *b)
{
	const struct link *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return 0;
}

static void link_free(void *p)
{
	struct link *l = p;

	free(l->path);
	free(l);
}

static const struct link *link_find(struct cp *c, const struct stat *st)
{
	struct link key = { .dev = st->st_dev, .ino = st->st_ino };
	void *n = tfind(&key, &c->links, link_cmp);

	return n ? *(struct link **)n : NULL;
}

static void link_add(struct cp *c, const struct stat *st, const char *rel)
{
	struct link *l = dl_xcalloc(1, sizeof(*l));

	l->dev = st->st_dev;
	l->ino = st->st_ino;
	l->path = dl_xstrdup(rel);
	if (!tsearch(l, &c->links, link_cmp))
		dl_die(DL_EXIT_FAIL, "unable to allocate 'memory'");
}

static ssize_t xlist(int fd, const char *path, char *buf, size_t n)
{
	return fd >= 0 ? flistxattr(fd, buf, n) : llistxattr(path, buf, n);
}

static ssize_t xget(int fd, const char *path, const char *name, void *buf,
		    size_t n)
{
	return fd >= 0 ? fgetxattr(fd, name, buf, n)
		       : lgetxattr(path, name, buf, n);
}

/**
 * copy_xattrs() - copy every xattr of the source to the destination
 * @sfd, @spath: the source, an fd, or (fd -1) a path not to follow
 * @dfd, @dpath: the destination, the same way
 */
static int copy_xattrs(struct cp *c, int sfd, const char *spath, int dfd,
		       const char *dpath, const char *rel)
{
	_cleanup_free_ char *names = NULL, *value = NULL;
	size_t vcap = 0;
	ssize_t n;
	char *name;

	for (;;) {
		n = xlist(sfd, spath, NULL, 0);
		if (n < 0 && (errno == ENOTSUP || errno == EOPNOTSUPP))
			return 0;
		if (n <= 0)
			return n < 0 ? csys(c, "list xattrs of", rel) : 0;
		free(names);
		names = dl_xmalloc((size_t)n);
		n = xlist(sfd, spath, names, (size_t)n);
		if (n >= 0)
			break;
		if (errno != ERANGE)
			return csys(c, "list xattrs of", rel);
	}
	for (name = names; name < names + n; name += strlen(name) + 1) {
		ssize_t v;
		int r;

		for (;;) {
			v = xget(sfd, spath, name, NULL, 0);
			if (v >= 0 && (size_t)v >= vcap) {
				vcap = (size_t)v + 1;
				free(value);
				value = dl_xmalloc(vcap);
			}
			if (v >= 0)
				v = xget(sfd, spath, name, value, vcap);
			if (v >= 0 || errno == ENODATA)
				break;
			if (errno != ERANGE)
				return csys(c, "read xattrs of", rel);
		}
		if (v < 0)
			continue; /* removed meanwhile */
		r = dfd >= 0 ? fsetxattr(dfd, name, value, (size_t)v, 0)
			     : lsetxattr(dpath, name, value, (size_t)v, 0);
		if (r < 0)
			return cfail(c, "unable to set xattr '%s' of '%s': %s",
				     name, *rel ? rel : ".", strerror(errno));
	}
	return 0;
}

static uid_t owner_uid(const struct cp *c, const struct stat *st)
{
	return c->flags & DL_COPY_CHOWN ? c->uid : st->st_uid;
}

static gid_t owner_gid(const struct cp *c, const struct stat *st)
{
	return c->flags & DL_COPY_CHOWN ? c->gid : st->st_gid;
}

/* Owner, then mode (chown clears setuid/setgid), then xattrs (chown clears
 * security.capability), then times. */
static int meta_fd(struct cp *c, int sfd, int dfd, const struct stat *st,
		   const char *rel)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };
	const char *verb;
	int r;

	if (dl_node_own_fd(dfd, owner_uid(c, st), owner_gid(c, st),
			   st->st_mode & 07777, &verb) < 0)
		return csys(c, verb, rel);
	r = copy_xattrs(c, sfd, NULL, dfd, NULL, rel);
	if (r)
		return r;
	if (futimens(dfd, ts) < 0)
		return csys(c, "set times of", rel);
	return 0;
}

/* The same for a symlink or a node, named by @name in @sdir and @ddir.
 * The xattr calls have no *at() form: they name it through /proc, with
 * the l*() calls so that it is never followed. */
static int meta_at(struct cp *c, int sdir, const char *sname, int ddir,
		   const char *name, const struct stat *st, const char *rel)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };
	char spath[64 + 256], dpath[64 + 256];
	const char *verb;
	int r;

	if (dl_node_own_at(ddir, name, owner_uid(c, st), owner_gid(c, st),
			   S_ISLNK(st->st_mode) ? DL_NODE_LINK
						: st->st_mode & 07777,
			   &verb) < 0)
		return csys(c, verb, rel);
	if (dl_node_proc_path(spath, sizeof(spath), sdir, sname) < 0 ||
	    dl_node_proc_path(dpath, sizeof(dpath), ddir, name) < 0)
		return cfail(c, "unable to copy '%s': name too long", rel);
	r = copy_xattrs(c, -1, spath, -1, dpath, rel);
	if (r)
		return r;
	if (utimensat(ddir, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return csys(c, "set times of", rel);
	return 0;
}

/* Copy the bytes [@off, @end) of @in to the same place in @out:
 * copy_file_range(2), which may still reflink or copy in the kernel, else
 * pread and pwrite.  *@cfr is cleared once copy_file_range is refused. */
static int copy_range(struct cp *c, int in, int out, off_t off, off_t end,
		      bool *cfr, const char *rel)
{
	char buf[64 * 1024];

	while (*cfr && off < end) {
		loff_t ioff = off, ooff = off;
		size_t len = (size_t)(end - off < (1 << 30) ? end - off
							: 1 << 30);
		ssize_t n = copy_file_range(in, &ioff, out, &ooff, len, 0);

		if (n == 0)
			return 0; /* shrunk meanwhile */
		if (n > 0) {
			off += n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == EXDEV || errno == EINVAL || errno == ENOSYS ||
		    errno == EOPNOTSUPP || errno == EBADF) {
			*cfr = false;
			break;
		}
		return csys(c, "copy", rel);
	}
	while (off < end) {
		size_t len = (size_t)(end - off < (off_t)sizeof(buf)
					      ? end - off
					      : (off_t)sizeof(buf));
		ssize_t n = pread(in, buf, len, off), w;
		char *p = buf;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return csys(c, "read", rel);
		if (n == 0)
			return 0;
		while (n > 0) {
			w = pwrite(out, p, (size_t)n, off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return csys(c, "write", rel);
			p += w;
			n -= w;
			off += w;
		}
	}
	return 0;
}

/* FICLONE shares the extents (btrfs, xfs).  Else only the data segments
 * are copied, found with SEEK_DATA and SEEK_HOLE, and the holes between
 * them stay holes: a sparse file stays sparse on any filesystem. */
static int copy_data(struct cp *c, int in, int out, off_t size,
		     const char *rel)
{
	bool cfr = true;
	off_t pos = 0;
	int r;

	if (ioctl(out, FICLONE, in) == 0)
		return 0;
	while (pos < size) {
		off_t data = lseek(in, pos, SEEK_DATA), hole;

		if (data < 0 && errno == ENXIO)
			break; /* nothing but a hole up to the end */
		if (data < 0 && errno != EINVAL && errno != EOPNOTSUPP)
			return csys(c, "seek in", rel);
		if (data < 0) {
			/* no SEEK_DATA here: all of it is data */
			data = pos;
			hole = size;
		} else {
			hole = lseek(in, data, SEEK_HOLE);
			if (hole < 0)
				return csys(c, "seek in", rel);
		}
		if (data >= size)
			break;
		if (hole > size)
			hole = size;
		r = copy_range(c, in, out, data, hole, &cfr, rel);
		if (r)
			return r;
		pos = hole;
	}
	/* the holes at the end, and the size */
	if (ftruncate(out, size) < 0)
		return csys(c, "truncate", rel);
	return 0;
}

static int copy_file(struct cp *c, int sdir, const char *sname, int ddir,
		     const char *name, const struct stat *st, const char *rel)
{
	_cleanup_close_ int in = -1, out = -1;
	struct stat ist;
	int r;

	in = openat(sdir, sname,
		    O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (in < 0 || fstat(in, &ist) < 0)
		return csys(c, "open", rel);
	if (!S_ISREG(ist.st_mode) || ist.st_ino != st->st_ino)
		return cfail(c, "unable to copy '%s': changed meanwhile", rel);
	/* made with its mode when nobody but its owner could write it, so
	 * that meta_fd() has nothing to change (setuid bits come last) */
	out = openat(ddir, name,
		     O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		     ist.st_mode & 0755);
	if (out < 0)
		return csys(c, "create", rel);
	c->st.entries++;
	r = copy_data(c, in, out, ist.st_size, rel);
	if (r)
		return r;
	c->st.bytes += (uint64_t)ist.st_size;
	return meta_fd(c, in, out, &ist, rel);
}

static int copy_symlink(struct cp *c, int sdir, const char *sname, int ddir,
			const char *name, const struct stat *st,
			const char *rel)
{
	_cleanup_free_ char *target = NULL;
	size_t cap = (size_t)st->st_size + 1;
	ssize_t n;

	for (;;) {
		target = dl_xrealloc(target, cap);
		n = readlinkat(sdir, sname, target, cap);
		if (n < 0)
			return csys(c, "read link", rel);
		if ((size_t)n < cap)
			break;
		cap *= 2;
	}
	target[n] = '\0';
	if (symlinkat(target, ddir, name) < 0)
		return csys(c, "create", rel);
	c->st.entries++;
	return meta_at(c, sdir, sname, ddir, name, st, rel);
}

static int copy_node(struct cp *c, int sdir, const char *sname, int ddir,
		     const char *name, const struct stat *st, const char *rel)
{
	if (mknodat(ddir, name, (st->st_mode & S_IFMT) | 0600, st->st_rdev) < 0)
		return csys(c, "create", rel);
	c->st.entries++;
	return meta_at(c, sdir, sname, ddir, name, st, rel);
}

/* Remove @name from @dir, a whole tree when it is a directory. */
static int remove_tree(struct cp *c, int dir, const char *name,
		       const char *rel)
{
	_cleanup_close_ int fd = -1;
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : csys(c, "stat", rel);
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(dir, name, 0) < 0 && errno != ENOENT)
			return csys(c, "remove", rel);
		return 0;
	}
	fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return csys(c, "open", rel);
	d = fdopendir(fd);
	if (!d)
		return csys(c, "open", rel);
	fd = -1;
	for (;;) {
		_cleanup_free_ char *sub = NULL;
		int r;

		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sub = dl_xasprintf("%s/%s", rel, de->d_name);
		r = remove_tree(c, dirfd(d), de->d_name, sub);
		if (r) {
			closedir(d);
			return r;
		}
	}
	if (errno) {
		closedir(d);
		return csys(c, "read directory", rel);
	}
	closedir(d);
	if (unlinkat(dir, name, AT_REMOVEDIR) < 0)
		return csys(c, "remove", rel);
	return 0;
}

static int copy_dir(struct cp *c, int sdir, int ddir, const char *rel);

static int copy_subdir(struct cp *c, int sdir, const char *sname, int ddir,
		       const char *name, const struct stat *st, bool exists,
		       const char *rel)
{
	_cleanup_close_ int sfd = -1, dfd = -1;
	struct stat now;
	int r;

	if (!exists) {
		if (mkdirat(ddir, name, 0700) < 0)
			return csys(c, "create", rel);
		c->st.entries++;
	}
	sfd = openat(sdir, sname,
		     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sfd < 0 || fstat(sfd, &now) < 0)
		return csys(c, "open", rel);
	if (now.st_ino != st->st_ino || now.st_dev != st->st_dev)
		return cfail(c, "unable to copy '%s': changed meanwhile", rel);
	dfd = openat(ddir, name,
		     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return csys(c, "open", rel);
	r = copy_dir(c, sfd, dfd, rel);
	if (r)
		return r;
	/* after the contents: a 0555 directory can be filled, and its mtime
	 * is not changed by the files made in it */
	return meta_fd(c, sfd, dfd, &now, rel);
}

static int copy_entry(struct cp *c, int sdir, const char *sname, int ddir,
		      const char *name, const char *rel)
{
	const struct link *l;
	struct stat st, dst;
	bool exists = false;
	int r;

	if (fstatat(sdir, sname, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : csys(c, "stat", rel);
	if (S_ISDIR(st.st_mode) && c->lazy) {
		if (fstat(c->rootfd, &dst) < 0)
			return csys(c, "stat", "");
		c->ddev = dst.st_dev;
		c->dino = dst.st_ino;
		c->lazy = false;
	}
	if (S_ISDIR(st.st_mode) && st.st_dev == c->ddev &&
	    st.st_ino == c->dino)
		return 0; /* the destination itself, inside the source */
	if (fstatat(ddir, name, &dst, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!(c->flags & DL_COPY_MERGE)) {
			errno = EEXIST;
			return csys(c, "create", rel);
		}
		if (S_ISDIR(st.st_mode) && S_ISDIR(dst.st_mode)) {
			exists = true;
		} else {
			r = remove_tree(c, ddir, name, rel);
			if (r)
				return r;
		}
	} else if (errno != ENOENT) {
		return csys(c, "stat", rel);
	}

	if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
		l = link_find(c, &st);
		if (l) {
			if (linkat(c->rootfd, l->path, ddir, name, 0) < 0)
				return csys(c, "link", rel);
			c->st.entries++;
			return 0;
		}
	}
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR:
		return copy_subdir(c, sdir, sname, ddir, name, &st, exists,
				   rel);
	case S_IFREG:
		r = copy_file(c, sdir, sname, ddir, name, &st, rel);
		break;
	case S_IFLNK:
		r = copy_symlink(c, sdir, sname, ddir, name, &st, rel);
		break;
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		r = copy_node(c, sdir, sname, ddir, name, &st, rel);
		break;
	default:
		return cfail(c, "unable to copy '%s': unknown file type", rel);
	}
	if (!r && st.st_nlink > 1)
		link_add(c, &st, rel);
	return r;
}

/* Copy the entries of @sdir into @ddir; @rel names @sdir ("" at the top). */
static int copy_dir(struct cp *c, int sdir, int ddir, const char *rel)
{
	struct dirent *de;
	int fd, r = 0;
	DIR *d;

	fd = openat(sdir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return csys(c, "open", rel);
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return csys(c, "open", rel);
	}
	for (;;) {
		_cleanup_free_ char *sub = NULL;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				r = csys(c, "read directory", rel);
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sub = *rel ? dl_xasprintf("%s/%s", rel, de->d_name)
			   : dl_xstrdup(de->d_name);
		r = copy_entry(c, sdir, de->d_name, ddir, de->d_name, sub);
		if (r)
			break;
	}
	closedir(d);
	return r;
}

/* The end of every entry point: hand over the stats and the reason. */
static int finish(struct cp *c, int r, struct dl_tree_stats *st,
		  char **reason)
{
	tdestroy(c->links, link_free);
	if (st)
		*st = c->st;
	if (r)
		*reason = dl_steal_pointer(&c->reason);
	free(c->reason);
	return r;
}

static void init(struct cp *c, const struct dl_copy_opts *o)
{
	*c = (struct cp){ .flags = o->flags, .uid = o->uid, .gid = o->gid };
}

int dl_copy_tree_opts(int srcfd, int destfd, const struct dl_copy_opts *o,
		      struct dl_tree_stats *st, char **reason)
{
	_cleanup_close_ int sfd = -1, dfd = -1;
	struct stat sst, dst;
	struct cp c;
	int r;

	init(&c, o);
	*reason = NULL;
	/* our own descriptors, readable even when the caller's are O_PATH */
	sfd = openat(srcfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	dfd = openat(destfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	c.rootfd = dfd;
	if (sfd < 0 || dfd < 0 || fstat(sfd, &sst) < 0 ||
	    fstat(dfd, &dst) < 0) {
		r = csys(&c, "stat", "");
		return finish(&c, r, st, reason);
	}
	if (!S_ISDIR(sst.st_mode) || !S_ISDIR(dst.st_mode)) {
		r = cfail(&c, "unable to copy: not a directory");
		return finish(&c, r, st, reason);
	}
	c.ddev = dst.st_dev;
	c.dino = dst.st_ino;
	r = copy_dir(&c, sfd, dfd, "");
	if (!r)
		r = meta_fd(&c, sfd, dfd, &sst, "");
	return finish(&c, r, st, reason);
}

int dl_copy_tree(int srcfd, int destfd, unsigned flags,
		 struct dl_tree_stats *st, char **reason)
{
	struct dl_copy_opts o = { .flags = flags };

	return dl_copy_tree_opts(srcfd, destfd, &o, st, reason);
}

int dl_copy_at(int sdir, const char *sname, int ddir, const char *dname,
	       const struct dl_copy_opts *o, char **reason)
{
	struct cp c;
	int r;

	init(&c, o);
	*reason = NULL;
	c.rootfd = ddir;
	/* @ddir's identity only matters when a directory is copied */
	c.lazy = true;
	r = copy_entry(&c, sdir, sname, ddir, dname, sname);
	return finish(&c, r, NULL, reason);
}

int dl_copy_file_fd(int in, int out, const struct dl_copy_opts *o,
		    char **reason)
{
	struct stat st;
	struct cp c;
	int r;

	init(&c, o);
	*reason = NULL;
	if (fstat(in, &st) < 0)
		r = csys(&c, "stat", "");
	else if (!S_ISREG(st.st_mode))
		r = cfail(&c, "unable to copy: not a regular file");
	else if (ftruncate(out, 0) < 0)
		r = csys(&c, "truncate", "");
	else if (!(r = copy_data(&c, in, out, st.st_size, "")))
		r = meta_fd(&c, in, out, &st, "");
	return finish(&c, r, NULL, reason);
}
