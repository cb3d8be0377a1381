/* SPDX-License-Identifier: Apache-2.0 */
/* archive.c: the one hardened tar extraction: libarchive reads the stream,
 * every write is an *at() call beneath the destination root */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <linux/openat2.h>

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include "dl.h"
#include "dl/archive.h"
#include "dl/node.h"
#include "dl/rootpath.h"
#include "dl/size.h"

/* Every lookup stays beneath the root; /proc magic links never count. */
#define RESOLVE_SAFE (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)

struct xattr {
	char *name;
	void *value;
	size_t size;
};

/* The metadata of one entry, copied out of the archive entry. */
struct meta {
	uid_t uid;
	gid_t gid;
	mode_t perm;
	struct timespec times[2]; /* atime, mtime */
	struct xattr *xattrs;
	size_t nxattrs;
	uint64_t xbytes; /* names and values of all xattrs, for the limit */
};

/* A directory whose mode and mtime are set once everything is written. */
struct pending_dir {
	char *path; /* "" for the root */
	dev_t dev;
	ino_t ino;
	struct meta m;
};

/* In a layer, a directory of a lower layer that this one changes (an
 * entry made or removed in it): its times are put back at the end, as
 * the layer does not say they change. */
struct touched_dir {
	char *path;
	dev_t dev;
	ino_t ino;
	struct timespec times[2];
};

#define SRC_BUF (128 * 1024)

/*
 * The decompressed stream the tar reader parses.  gzip goes through zlib,
 * which checks each member's CRC and length (libarchive's gzip filter does
 * not); every other filter through libarchive's raw format.  Being its own
 * stage, it is read to its end after the tar's end-of-archive marker, so
 * an error in the last bytes of the stream is never lost.
 */
struct src {
	int fd;
	bool fd_eof, done;
	struct archive *raw; /* not gzip: filter_all + format_raw */
	bool gz, member_end; /* gzip: zlib, between two members */
	z_stream z;
	unsigned char *in, *out;
	size_t ahead; /* bytes of in[] read before the kind was known */
	bool ahead_given;
	int code; /* on failure: DL_EXIT_REJECT or DL_EXIT_FAIL, and why */
	char *why;
	void (*tap)(void *arg, const void *buf, size_t len);
	void *tap_arg;
};

/* A set of entry names (open addressing): what this layer wrote. */
struct nameset {
	char **slot;
	size_t cap, n;
};

struct xt {
	struct archive *a;
	struct src src;
	struct dl_extract_opts o; /* limits all set */
	uint64_t nhdr;            /* headers read */
	struct nameset mine;      /* DL_EXTRACT_LAYER: the names written */
	struct nameset seen;      /* the paths of touched[] */
	struct touched_dir *touched;
	size_t ntouched, captouched;
	int rootfd;
	const char *entry; /* the entry being written, for messages */
	struct dl_tree_stats st;
	struct pending_dir *dirs;
	size_t ndirs, capdirs;
	char *reason;
};

static int xfail(struct xt *x, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int xfail(struct xt *x, int code, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;

	if (x->reason)
		return code;
	va_start(ap, fmt);
	msg = dl_xvasprintf(fmt, ap);
	va_end(ap);
	if (x->entry)
		x->reason = dl_xasprintf("entry '%s': %s", x->entry, msg);
	else
		x->reason = dl_steal_pointer(&msg);
	return code;
}

/* A system call failed on the destination: the tool failed, not the input. */
static int sys_err(struct xt *x, const char *verb, const char *path)
{
	return xfail(x, DL_EXIT_FAIL, "unable to %s '%s': %s", verb,
		     *path ? path : ".", strerror(errno));
}

/* A lookup failed: escaping, looping or impossible paths are the input's
 * fault (rejected), anything else is a system error. */
static int path_err(struct xt *x, const char *path)
{
	const char *p = *path ? path : ".";

	switch (errno) {
	case EXDEV:
		return xfail(x, DL_EXIT_REJECT,
			     "'%s' leads outside the destination", p);
	case ELOOP:
		return xfail(x, DL_EXIT_REJECT,
			     "'%s' has too many symbolic links", p);
	case ENOENT:
	case ENOTDIR:
	case ENAMETOOLONG:
		return xfail(x, DL_EXIT_REJECT, "'%s': %s", p, strerror(errno));
	default:
		return sys_err(x, "open", path);
	}
}

/* libarchive failed: a read error is ours, anything else (truncated,
 * corrupt, unknown format) is the archive's. */
static int ar_code(int e)
{
	switch (e) {
	case EIO:
	case ENOMEM:
	case EBADF:
	case EISDIR:
	case EINTR:
	case EFAULT:
	case ENOBUFS:
		return DL_EXIT_FAIL;
	default:
		return DL_EXIT_REJECT;
	}
}

static int ar_err(struct xt *x)
{
	const char *s = archive_error_string(x->a);
	int e = archive_errno(x->a);

	if (x->src.why)
		return xfail(x, x->src.code, "%s", x->src.why);
	switch (e) {
	case EIO:
	case ENOMEM:
	case EBADF:
	case EISDIR:
	case EINTR:
	case EFAULT:
	case ENOBUFS:
		return xfail(x, DL_EXIT_FAIL, "%s: %s", s ? s : "read error",
			     strerror(e));
	default:
		return xfail(x, DL_EXIT_REJECT, "malformed archive: %s",
			     s ? s : "unknown error");
	}
}

static ssize_t src_fail(struct src *s, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static ssize_t src_fail(struct src *s, int code, const char *fmt, ...)
{
	va_list ap;

	if (!s->why) {
		va_start(ap, fmt);
		s->why = dl_xvasprintf(fmt, ap);
		va_end(ap);
		s->code = code;
	}
	return -1;
}

/* Read up to @n bytes of the input into @buf; 0 at its end. */
static ssize_t src_fill(struct src *s, unsigned char *buf, size_t n)
{
	ssize_t r;

	if (s->fd_eof)
		return 0;
	do
		r = read(s->fd, buf, n);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return src_fail(s, DL_EXIT_FAIL, "unable to read input: %s",
				strerror(errno));
	if (r == 0)
		s->fd_eof = true;
	return r;
}

/* The raw stage's input: what was read ahead, then the descriptor. */
static la_ssize_t raw_read(struct archive *a, void *p, const void **buf)
{
	struct src *s = p;
	ssize_t n;

	*buf = s->in;
	if (!s->ahead_given) {
		s->ahead_given = true;
		if (s->ahead)
			return (la_ssize_t)s->ahead;
	}
	n = src_fill(s, s->in, SRC_BUF);
	if (n < 0)
		archive_set_error(a, s->code == DL_EXIT_FAIL ? EIO : EINVAL,
				  "%s", s->why);
	return n;
}

/* A failure of the raw stage, in its own words. */
static ssize_t raw_fail(struct src *s)
{
	const char *e = archive_error_string(s->raw);
	int code = ar_code(archive_errno(s->raw));

	if (s->why)
		return -1;
	if (code == DL_EXIT_FAIL)
		return src_fail(s, code, "%s: %s", e ? e : "read error",
				strerror(archive_errno(s->raw)));
	return src_fail(s, code, "malformed archive: %s",
			e ? e : "unknown error");
}

/* The next decompressed bytes of a gzip stream: members one after the
 * other, and nothing after the last but zero padding. */
static ssize_t gz_next(struct src *s, const void **buf)
{
	ssize_t n;
	int r;

	for (;;) {
		if (!s->z.avail_in) {
			n = src_fill(s, s->in, SRC_BUF);
			if (n < 0)
				return -1;
			s->z.next_in = s->in;
			s->z.avail_in = (uInt)n;
		}
		if (s->member_end) {
			if (!s->z.avail_in)
				return 0;
			if (*s->z.next_in == 0) {
				/* tape padding after the last member */
				s->z.next_in++;
				s->z.avail_in--;
				continue;
			}
			if (inflateReset(&s->z) != Z_OK)
				return src_fail(s, DL_EXIT_FAIL,
						"gzip: unable to reset zlib");
			s->member_end = false;
		}
		if (!s->z.avail_in)
			return src_fail(s, DL_EXIT_REJECT,
					"malformed archive: truncated gzip "
					"input");
		s->z.next_out = s->out;
		s->z.avail_out = SRC_BUF;
		r = inflate(&s->z, Z_NO_FLUSH);
		switch (r) {
		case Z_STREAM_END:
			s->member_end = true;
			/* fall through */
		case Z_OK:
		case Z_BUF_ERROR: /* no progress: more input is read */
			break;
		case Z_MEM_ERROR:
			errno = ENOMEM;
			return src_fail(s, DL_EXIT_FAIL, "gzip: %s",
					strerror(errno));
		default: /* Z_DATA_ERROR: bad data, CRC or length */
			return src_fail(s, DL_EXIT_REJECT,
					"malformed archive: gzip: %s",
					s->z.msg ? s->z.msg : "corrupt data");
		}
		if (s->z.avail_out < SRC_BUF) {
			*buf = s->out;
			return (ssize_t)(SRC_BUF - s->z.avail_out);
		}
	}
}

/* The next bytes of the decompressed stream: > 0, 0 at its end, or -1
 * with s->code and s->why set. */
static ssize_t src_next(struct src *s, const void **buf)
{
	const void *b;
	size_t len;
	la_int64_t off;
	ssize_t n;
	int r;

	if (s->done)
		return 0;
	if (s->why)
		return -1;
	if (s->gz) {
		n = gz_next(s, buf);
	} else {
		for (;;) {
			r = archive_read_data_block(s->raw, &b, &len, &off);
			if (r == ARCHIVE_EOF) {
				n = 0;
				break;
			}
			if (r != ARCHIVE_OK)
				return raw_fail(s);
			if (len) {
				*buf = b;
				n = (ssize_t)len;
				break;
			}
		}
	}
	if (n == 0)
		s->done = true;
	else if (n > 0 && s->tap)
		s->tap(s->tap_arg, *buf, (size_t)n);
	return n;
}

/* The tar stage's input. */
static la_ssize_t tar_read(struct archive *a, void *p, const void **buf)
{
	struct src *s = p;
	ssize_t n = src_next(s, buf);

	if (n < 0)
		archive_set_error(a, s->code == DL_EXIT_FAIL ? EIO : EINVAL,
				  "%s", s->why);
	return n;
}

/* Open the stream on @fd: read ahead to tell gzip from the rest. */
static int src_open(struct src *s, int fd)
{
	struct archive_entry *e;
	ssize_t n;

	s->fd = fd;
	s->in = dl_xmalloc(SRC_BUF);
	s->out = dl_xmalloc(SRC_BUF);
	while (s->ahead < 2 && !s->fd_eof) {
		n = src_fill(s, s->in + s->ahead, SRC_BUF - s->ahead);
		if (n < 0)
			return -1;
		s->ahead += (size_t)n;
	}
	if (s->ahead >= 2 && s->in[0] == 0x1f && s->in[1] == 0x8b) {
		s->gz = true;
		if (inflateInit2(&s->z, 16 + MAX_WBITS) != Z_OK)
			return (int)src_fail(s, DL_EXIT_FAIL,
					     "gzip: unable to start zlib");
		s->z.next_in = s->in;
		s->z.avail_in = (uInt)s->ahead;
		return 0;
	}
	s->raw = archive_read_new();
	if (!s->raw)
		dl_die(DL_EXIT_FAIL, "unable to allocate 'memory'");
	if (archive_read_support_filter_all(s->raw) != ARCHIVE_OK ||
	    archive_read_support_format_raw(s->raw) != ARCHIVE_OK ||
	    archive_read_open(s->raw, s, NULL, raw_read, NULL) != ARCHIVE_OK ||
	    archive_read_next_header(s->raw, &e) != ARCHIVE_OK)
		return (int)raw_fail(s);
	return 0;
}

static void src_close(struct src *s)
{
	if (s->raw)
		archive_read_free(s->raw);
	if (s->gz)
		inflateEnd(&s->z);
	free(s->in);
	free(s->out);
	free(s->why);
}

/**
 * clean_name() - normalise an entry name: "./a//b/./c/" becomes "a/b/c",
 * the root becomes ""
 * Return: NULL and *out malloc'd, or why the name is refused.
 */
static const char *clean_name(const char *in, char **out)
{
	const char *s = in;
	char *buf, *w;

	if (!in || !*in)
		return "empty name";
	if (*in == '/')
		return "absolute name";
	buf = dl_xmalloc(strlen(in) + 1);
	w = buf;
	while (*s) {
		size_t n = strcspn(s, "/");

		if (n == 2 && s[0] == '.' && s[1] == '.') {
			free(buf);
			return "name has a '..' component";
		}
		if (n > 0 && !(n == 1 && s[0] == '.')) {
			if (w != buf)
				*w++ = '/';
			memcpy(w, s, n);
			w += n;
		}
		s += n;
		while (*s == '/')
			s++;
	}
	*w = '\0';
	*out = buf;
	return NULL;
}

/* Split "a/b/c" into parent "a/b" and leaf "c" (parent "" at the top). */
static void split_name(char *path, const char **parent, const char **leaf)
{
	char *slash = strrchr(path, '/');

	if (slash) {
		*slash = '\0';
		*parent = path;
		*leaf = slash + 1;
	} else {
		*parent = "";
		*leaf = path;
	}
}

/* FNV-1a */
static size_t name_hash(const char *s)
{
	uint64_t h = UINT64_C(14695981039346656037);

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= UINT64_C(1099511628211);
	}
	return (size_t)h;
}

static char **name_slot(const struct nameset *ns, const char *name)
{
	size_t i = name_hash(name) & (ns->cap - 1);

	while (ns->slot[i] && strcmp(ns->slot[i], name))
		i = (i + 1) & (ns->cap - 1);
	return &ns->slot[i];
}

static bool name_has(const struct nameset *ns, const char *name)
{
	return ns->n && *name_slot(ns, name);
}

static void name_add(struct nameset *ns, const char *name)
{
	char **slot;

	if (2 * (ns->n + 1) > ns->cap) {
		struct nameset big = { .cap = ns->cap ? 2 * ns->cap : 1024 };

		big.slot = dl_xcalloc(big.cap, sizeof(*big.slot));
		for (size_t i = 0; i < ns->cap; i++)
			if (ns->slot[i])
				*name_slot(&big, ns->slot[i]) = ns->slot[i];
		big.n = ns->n;
		free(ns->slot);
		*ns = big;
	}
	slot = name_slot(ns, name);
	if (!*slot) {
		*slot = dl_xstrdup(name);
		ns->n++;
	}
}

static void name_free(struct nameset *ns)
{
	for (size_t i = 0; i < ns->cap; i++)
		free(ns->slot[i]);
	free(ns->slot);
}

/* In a layer, @name is now this layer's: its own whiteouts spare it. */
static void mark(struct xt *x, const char *name)
{
	if (x->o.flags & DL_EXTRACT_LAYER)
		name_add(&x->mine, name);
}

/* In a layer, directory @fd (the entry @path) is about to change. */
static int touch(struct xt *x, int fd, const char *path)
{
	struct touched_dir *t;
	struct stat st;

	if (!(x->o.flags & DL_EXTRACT_LAYER) || name_has(&x->seen, path) ||
	    name_has(&x->mine, path))
		return 0;
	if (fstat(fd, &st) < 0)
		return -1;
	name_add(&x->seen, path);
	if (x->ntouched == x->captouched) {
		x->captouched = x->captouched ? 2 * x->captouched : 64;
		x->touched = dl_xrealloc(x->touched,
					 x->captouched * sizeof(*x->touched));
	}
	t = &x->touched[x->ntouched++];
	t->path = dl_xstrdup(path);
	t->dev = st.st_dev;
	t->ino = st.st_ino;
	t->times[0] = st.st_atim;
	t->times[1] = st.st_mtim;
	return 0;
}

static int make_dir(struct xt *x, int pfd, const char *comp, const char *path,
		    int *out)
{
	int fd;

	if (mkdirat(pfd, comp, 0700) < 0) {
		if (errno == EEXIST)
			return xfail(x, DL_EXIT_REJECT,
				     "'%s' is a dangling symbolic link", path);
		return sys_err(x, "create", path);
	}
	x->st.entries++;
	mark(x, path);
	fd = dl_openat2(pfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0,
			RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
	if (fd < 0)
		return sys_err(x, "open", path);
	if (fchmod(fd, 0755) < 0) {
		close(fd);
		return sys_err(x, "chmod", path);
	}
	*out = fd;
	return 0;
}

/**
 * open_dir() - open directory @dir beneath the root, never leaving it
 * @create: make missing directories, one component at a time, each
 *          looked up anew from the root
 * Return: 0 with *out an fd, or an exit code.
 */
static int open_dir(struct xt *x, const char *dir, bool create, int *out)
{
	_cleanup_free_ char *p = NULL;
	_cleanup_close_ int cur = -1;
	char *s;
	int fd;

	fd = dl_openat2(x->rootfd, *dir ? dir : ".", O_PATH | O_DIRECTORY, 0,
			RESOLVE_SAFE);
	if (fd >= 0) {
		*out = fd;
		return 0;
	}
	if (errno != ENOENT || !create)
		return path_err(x, dir);

	cur = dl_openat2(x->rootfd, ".", O_PATH | O_DIRECTORY, 0, RESOLVE_SAFE);
	if (cur < 0)
		return sys_err(x, "open", ".");
	p = dl_xstrdup(dir);
	s = p;
	for (;;) {
		char *slash = strchr(s, '/');

		if (slash)
			*slash = '\0';
		fd = dl_openat2(x->rootfd, p, O_PATH | O_DIRECTORY, 0,
				RESOLVE_SAFE);
		if (fd < 0 && errno == ENOENT) {
			int r;

			if (s > p)
				s[-1] = '\0';
			r = touch(x, cur, s > p ? p : "");
			if (s > p)
				s[-1] = '/';
			if (r < 0)
				return sys_err(x, "stat", p);
			r = make_dir(x, cur, s, p, &fd);

			if (r)
				return r;
		} else if (fd < 0) {
			return path_err(x, p);
		}
		close(cur);
		cur = fd;
		if (!slash)
			break;
		*slash = '/';
		s = slash + 1;
	}
	*out = dl_steal_fd(&cur);
	return 0;
}

static int prune(struct xt *x, int dfd, const char *leaf, const char *path,
		 unsigned depth, bool *kept);

/**
 * clear_leaf() - make room for a new entry @leaf in @pfd, never following it
 * @name: the entry's name, the path of @leaf
 * @keep_dir: an existing directory stays (a directory entry over it)
 *
 * In a layer, a directory of lower layers is removed with its tree, as a
 * non-directory replaces it; in any archive, one of its own entries is
 * never.
 *
 * Return: 0 room made, 1 a directory is kept, or an exit code.
 */
static int clear_leaf(struct xt *x, int pfd, const char *leaf,
		      const char *name, bool keep_dir)
{
	struct stat st;

	if (fstatat(pfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return sys_err(x, "stat", leaf);
	}
	if (S_ISDIR(st.st_mode)) {
		if (keep_dir)
			return 1;
		if (x->o.flags & DL_EXTRACT_LAYER) {
			bool kept;
			int r = prune(x, pfd, leaf, name, 0, &kept);

			if (r)
				return r;
			if (!kept)
				return 0;
		}
		if (unlinkat(pfd, leaf, AT_REMOVEDIR) == 0)
			return 0;
		if (errno == ENOTEMPTY || errno == EEXIST)
			return xfail(x, DL_EXIT_REJECT,
				     "would replace a non-empty directory");
		return sys_err(x, "remove", leaf);
	}
	if (unlinkat(pfd, leaf, 0) < 0 && errno != ENOENT)
		return sys_err(x, "remove", leaf);
	return 0;
}

static void meta_free(struct meta *m)
{
	size_t i;

	for (i = 0; i < m->nxattrs; i++) {
		free(m->xattrs[i].name);
		free(m->xattrs[i].value);
	}
	free(m->xattrs);
	m->xattrs = NULL;
	m->nxattrs = 0;
}

static int meta_get(struct xt *x, struct archive_entry *e, struct meta *m)
{
	int64_t uid = archive_entry_uid(e), gid = archive_entry_gid(e);
	const char *name;
	const void *value;
	size_t size, n;
	long ns;

	memset(m, 0, sizeof(*m));
	/* (uid_t)-1 would mean "leave the owner alone" to chown(2) */
	if (uid < 0 || uid >= (int64_t)UINT32_MAX || gid < 0 ||
	    gid >= (int64_t)UINT32_MAX)
		return xfail(x, DL_EXIT_REJECT, "owner %lld:%lld out of range",
			     (long long)uid, (long long)gid);
	m->uid = (uid_t)uid;
	m->gid = (gid_t)gid;
	m->perm = archive_entry_perm(e) & 07777;

	ns = archive_entry_mtime_nsec(e);
	m->times[1].tv_sec = archive_entry_mtime(e);
	m->times[1].tv_nsec = ns >= 0 && ns < 1000000000 ? ns : 0;
	m->times[0] = m->times[1];
	if (archive_entry_atime_is_set(e)) {
		ns = archive_entry_atime_nsec(e);
		m->times[0].tv_sec = archive_entry_atime(e);
		m->times[0].tv_nsec = ns >= 0 && ns < 1000000000 ? ns : 0;
	}

	n = (size_t)archive_entry_xattr_reset(e);
	if (!n)
		return 0;
	m->xattrs = dl_xcalloc(n, sizeof(*m->xattrs));
	while (m->nxattrs < n &&
	       archive_entry_xattr_next(e, &name, &value, &size) ==
		       ARCHIVE_OK) {
		struct xattr *xa = &m->xattrs[m->nxattrs++];

		if (!name || !*name)
			return xfail(x, DL_EXIT_REJECT, "xattr without a name");
		m->xbytes += strlen(name) + size;
		/* trusted.* is the host's own (overlayfs keeps its whiteouts
		 * and redirects there): never taken from an archive */
		if (!strncmp(name, "trusted.", 8)) {
			m->nxattrs--;
			continue;
		}
		xa->name = dl_xstrdup(name);
		xa->size = size;
		xa->value = dl_xmalloc(size ? size : 1);
		if (size)
			memcpy(xa->value, value, size);
	}
	return 0;
}

/* Set the xattrs on @fd, or, when @fd < 0, on @path without following it. */
static int set_xattrs(struct xt *x, int fd, const char *path,
		      const struct meta *m)
{
	size_t i;

	for (i = 0; i < m->nxattrs; i++) {
		const struct xattr *xa = &m->xattrs[i];
		int r = fd >= 0
			    ? fsetxattr(fd, xa->name, xa->value, xa->size, 0)
			    : lsetxattr(path, xa->name, xa->value, xa->size, 0);

		if (r == 0)
			continue;
		switch (errno) {
		case EOPNOTSUPP:
		case EPERM:
			/* a namespace this kernel does not know (macOS's
			 * com.apple.*), or user.* on a symlink: skipped, as
			 * Docker does */
			continue;
		case EINVAL:
		case ERANGE:
		case E2BIG:
			return xfail(x, DL_EXIT_REJECT,
				     "xattr '%s' refused: %s", xa->name,
				     strerror(errno));
		default:
			return xfail(x, DL_EXIT_FAIL,
				     "unable to set xattr '%s': %s", xa->name,
				     strerror(errno));
		}
	}
	return 0;
}

/* Owner, then mode (chown clears setuid/setgid), then xattrs (chown clears
 * security.capability), then times. */
static int set_meta_fd(struct xt *x, int fd, const char *path,
		       const struct meta *m)
{
	const char *verb;
	int r;

	if (dl_node_own_fd(fd, m->uid, m->gid, m->perm, &verb) < 0)
		return sys_err(x, verb, path);
	r = set_xattrs(x, fd, NULL, m);
	if (r)
		return r;
	if (futimens(fd, m->times) < 0)
		return sys_err(x, "set times of", path);
	return 0;
}

/* The same for a symlink or a node, @leaf in @pfd, never following it;
 * @perm is m->perm, or DL_NODE_LINK for a symlink. */
static int set_meta_at(struct xt *x, int pfd, const char *leaf,
		       const char *name, const struct meta *m, mode_t perm)
{
	char path[64 + 4096];
	const char *verb;
	int r;

	if (dl_node_own_at(pfd, leaf, m->uid, m->gid, perm, &verb) < 0)
		return sys_err(x, verb, name);
	if (m->nxattrs) {
		if (dl_node_proc_path(path, sizeof(path), pfd, leaf) < 0)
			return xfail(x, DL_EXIT_REJECT, "name too long");
		r = set_xattrs(x, -1, path, m);
		if (r)
			return r;
	}
	if (utimensat(pfd, leaf, m->times, AT_SYMLINK_NOFOLLOW) < 0)
		return sys_err(x, "set times of", name);
	return 0;
}

static int write_data(struct xt *x, int fd, const char *name, int64_t size)
{
	int64_t end = 0;

	for (;;) {
		const void *buf;
		size_t len;
		la_int64_t off;
		int r = archive_read_data_block(x->a, &buf, &len, &off);

		if (r == ARCHIVE_EOF)
			break;
		/* a warning here is damaged data (a truncated sparse map, a
		 * short read): never kept */
		if (r != ARCHIVE_OK)
			return ar_err(x);
		if (off < 0)
			return xfail(x, DL_EXIT_REJECT, "negative data offset");
		if (len > x->o.max_bytes - x->st.bytes)
			return xfail(x, DL_EXIT_REJECT,
				     "over the limit of %" PRIu64
				     " bytes of file data",
				     x->o.max_bytes);
		/* sparse files: blocks come with offsets, holes stay holes */
		while (len > 0) {
			ssize_t w = pwrite(fd, buf, len, off);

			if (w < 0) {
				if (errno == EINTR)
					continue;
				return sys_err(x, "write", name);
			}
			buf = (const char *)buf + w;
			len -= (size_t)w;
			off += w;
			x->st.bytes += (uint64_t)w;
		}
		if (off > end)
			end = off;
	}
	if (size > end && ftruncate(fd, size) < 0)
		return sys_err(x, "truncate", name);
	return 0;
}

static int x_file(struct xt *x, struct archive_entry *e, int pfd,
		  const char *leaf, const char *name, const struct meta *m)
{
	_cleanup_close_ int fd = -1;
	int r;

	/* a bomb is refused by the size it says, before a byte is written;
	 * a sparse file's data is counted as it comes */
	if (archive_entry_size_is_set(e) && !archive_entry_sparse_count(e) &&
	    archive_entry_size(e) >= 0 &&
	    (uint64_t)archive_entry_size(e) > x->o.max_bytes - x->st.bytes)
		return xfail(x, DL_EXIT_REJECT,
			     "%" PRId64 " bytes would pass the limit of %" PRIu64
			     " bytes of file data",
			     (int64_t)archive_entry_size(e), x->o.max_bytes);
	r = clear_leaf(x, pfd, leaf, name, false);
	if (r)
		return r;
	fd = openat(pfd, leaf,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return sys_err(x, "create", name);
	x->st.entries++;
	r = write_data(x, fd, name,
		       archive_entry_size_is_set(e) ? archive_entry_size(e)
						    : 0);
	if (r)
		return r;
	return set_meta_fd(x, fd, name, m);
}

static int x_dir(struct xt *x, int pfd, const char *leaf, const char *name,
		 struct meta *m)
{
	struct pending_dir *d;
	struct stat st;
	int r;

	if (!*name) {
		if (fstat(x->rootfd, &st) < 0)
			return sys_err(x, "stat", ".");
	} else {
		r = clear_leaf(x, pfd, leaf, name, true);
		if (r < 0 || r > 1)
			return r;
		if (r == 0) {
			if (mkdirat(pfd, leaf, 0700) < 0)
				return sys_err(x, "create", name);
			x->st.entries++;
		}
		if (fstatat(pfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return sys_err(x, "stat", name);
	}
	/* Mode and times wait for the end: a 0555 directory must still be
	 * filled, and every file made in it changes its mtime. */
	if (x->ndirs == x->capdirs) {
		x->capdirs = x->capdirs ? 2 * x->capdirs : 64;
		x->dirs = dl_xrealloc(x->dirs, x->capdirs * sizeof(*x->dirs));
	}
	d = &x->dirs[x->ndirs++];
	d->path = dl_xstrdup(name);
	d->dev = st.st_dev;
	d->ino = st.st_ino;
	d->m = *m;
	m->xattrs = NULL;
	m->nxattrs = 0;
	return 0;
}

static int x_symlink(struct xt *x, struct archive_entry *e, int pfd,
		     const char *leaf, const char *name, const struct meta *m)
{
	const char *target = archive_entry_symlink(e);
	int r;

	if (!target || !*target)
		return xfail(x, DL_EXIT_REJECT, "empty symbolic link target");
	r = clear_leaf(x, pfd, leaf, name, false);
	if (r)
		return r;
	/* The target is stored verbatim and never followed by us. */
	if (symlinkat(target, pfd, leaf) < 0)
		return sys_err(x, "create", name);
	x->st.entries++;
	return set_meta_at(x, pfd, leaf, name, m, DL_NODE_LINK);
}

static int x_node(struct xt *x, struct archive_entry *e, int pfd,
		  const char *leaf, const char *name, const struct meta *m)
{
	mode_t type = archive_entry_filetype(e);
	dev_t rdev = 0;
	int r;

	if (type != AE_IFIFO)
		rdev = makedev(archive_entry_rdevmajor(e),
			       archive_entry_rdevminor(e));
	r = clear_leaf(x, pfd, leaf, name, false);
	if (r)
		return r;
	if (mknodat(pfd, leaf, type | 0600, rdev) < 0)
		return sys_err(x, "create", name);
	x->st.entries++;
	return set_meta_at(x, pfd, leaf, name, m, m->perm);
}

/* A hard link: the target is an earlier entry, looked up beneath the root
 * without following its last component. */
static int x_hardlink(struct xt *x, const char *raw, int pfd, const char *leaf,
		      const char *name)
{
	_cleanup_free_ char *t = NULL;
	_cleanup_close_ int tpfd = -1;
	const char *why, *tparent, *tleaf;
	struct stat ts, ls;
	int r;

	why = clean_name(raw, &t);
	if (why)
		return xfail(x, DL_EXIT_REJECT, "hard link target '%s': %s",
			     raw ? raw : "", why);
	if (!*t)
		return xfail(x, DL_EXIT_REJECT, "hard link to the root");
	split_name(t, &tparent, &tleaf);
	r = open_dir(x, tparent, false, &tpfd);
	if (r)
		return r;
	if (fstatat(tpfd, tleaf, &ts, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return xfail(x, DL_EXIT_REJECT,
				     "hard link target '%s' does not exist",
				     raw);
		return sys_err(x, "stat", raw);
	}
	if (S_ISDIR(ts.st_mode))
		return xfail(x, DL_EXIT_REJECT,
			     "hard link target '%s' is a directory", raw);
	if (fstatat(pfd, leaf, &ls, AT_SYMLINK_NOFOLLOW) == 0 &&
	    ls.st_dev == ts.st_dev && ls.st_ino == ts.st_ino)
		return 0; /* linked already (or a link to itself) */
	r = clear_leaf(x, pfd, leaf, name, false);
	if (r)
		return r;
	if (linkat(tpfd, tleaf, pfd, leaf, 0) < 0) {
		if (errno == EXDEV || errno == EPERM || errno == ENOENT)
			return xfail(x, DL_EXIT_REJECT,
				     "unable to link to '%s': %s", raw,
				     strerror(errno));
		return sys_err(x, "link", name);
	}
	x->st.entries++;
	return 0;
}

#define WH_PREFIX ".wh."
#define WH_META ".wh..wh."
#define WH_OPAQUE ".wh..wh..opq"

/* Deeper than this, a tree a whiteout removes is refused. */
#define PRUNE_MAX_DEPTH 4096

/* Remove what is in directory @leaf of @dfd and is not this layer's; *any
 * tells whether something stays. */
static int prune_children(struct xt *x, int dfd, const char *leaf,
			  const char *path, unsigned depth, bool *any)
{
	_cleanup_close_ int fd = -1;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *d;
	int r = 0;

	*any = false;
	if (depth > PRUNE_MAX_DEPTH)
		return xfail(x, DL_EXIT_REJECT, "'%s' is too deep to remove",
			     path);
	fd = openat(dfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return sys_err(x, "open", path);
	d = fdopendir(fd);
	if (!d)
		return sys_err(x, "read", path);
	fd = -1;
	/* the names first: a directory is not changed while it is read */
	while ((errno = 0, de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			names = dl_xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = dl_xstrdup(de->d_name);
	}
	if (errno)
		r = sys_err(x, "read", path);
	for (i = 0; i < n; i++) {
		if (!r) {
			_cleanup_free_ char *child =
				*path ? dl_xasprintf("%s/%s", path, names[i])
				      : dl_xstrdup(names[i]);
			bool kept;

			r = prune(x, dirfd(d), names[i], child, depth + 1,
				  &kept);
			*any |= kept;
		}
		free(names[i]);
	}
	free(names);
	closedir(d);
	return r;
}

/* Remove @leaf of @dfd (the entry @path) unless it is this layer's; of a
 * directory, what is not this layer's.  *kept tells whether it stays. */
static int prune(struct xt *x, int dfd, const char *leaf, const char *path,
		 unsigned depth, bool *kept)
{
	bool mine = name_has(&x->mine, path), any;
	struct stat st;
	int r;

	*kept = false;
	if (fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return sys_err(x, "stat", path);
	}
	if (S_ISDIR(st.st_mode)) {
		r = prune_children(x, dfd, leaf, path, depth, &any);
		if (r)
			return r;
		if (mine || any) {
			*kept = true;
			return 0;
		}
		if (unlinkat(dfd, leaf, AT_REMOVEDIR) < 0)
			return sys_err(x, "remove", path);
		return 0;
	}
	if (mine) {
		*kept = true;
		return 0;
	}
	if (unlinkat(dfd, leaf, 0) < 0 && errno != ENOENT)
		return sys_err(x, "remove", path);
	return 0;
}

/*
 * A whiteout @leaf in directory @parent: ".wh.NAME" removes NAME, the
 * opaque marker empties @parent, each of what lower layers put there
 * only.  Never written itself.
 */
static int x_whiteout(struct xt *x, const char *parent, const char *leaf)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int pfd = -1;
	const char *target = leaf + strlen(WH_PREFIX);
	bool kept;
	int r;

	if (!strcmp(leaf, WH_OPAQUE)) {
		/* made if it is new */
		r = open_dir(x, parent, true, &pfd);
		if (r)
			return r;
		if (touch(x, pfd, parent) < 0)
			return sys_err(x, "stat", parent);
		return prune_children(x, pfd, ".", parent, 0, &kept);
	}
	if (!strncmp(leaf, WH_META, strlen(WH_META)))
		return xfail(x, DL_EXIT_REJECT, "unknown whiteout '%s'", leaf);
	if (!*target || !strcmp(target, ".") || !strcmp(target, ".."))
		return xfail(x, DL_EXIT_REJECT, "invalid whiteout '%s'", leaf);
	pfd = dl_openat2(x->rootfd, *parent ? parent : ".",
			 O_PATH | O_DIRECTORY, 0, RESOLVE_SAFE);
	if (pfd < 0) {
		/* nothing there to remove */
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return path_err(x, parent);
	}
	if (touch(x, pfd, parent) < 0)
		return sys_err(x, "stat", parent);
	path = *parent ? dl_xasprintf("%s/%s", parent, target)
		       : dl_xstrdup(target);
	return prune(x, pfd, target, path, 0, &kept);
}

/* The limits an entry's header can pass before anything is made. */
static int check_header(struct xt *x, struct archive_entry *e,
			const char *name, const struct meta *m)
{
	const char *hl = archive_entry_hardlink(e);
	const char *sl = archive_entry_symlink(e);
	const char *raw = archive_entry_pathname(e);
	uint64_t hdr = m->xbytes;
	unsigned depth = *name ? 1 : 0;

	for (const char *p = name; *p; p++)
		depth += *p == '/';
	if (depth > x->o.max_depth)
		return xfail(x, DL_EXIT_REJECT,
			     "%u path components pass the limit of %u", depth,
			     x->o.max_depth);
	hdr += strlen(raw ? raw : "") + strlen(hl ? hl : "") +
	       strlen(sl ? sl : "");
	if (hdr > x->o.max_header)
		return xfail(x, DL_EXIT_REJECT,
			     "a header of %" PRIu64
			     " bytes passes the limit of %" PRIu64,
			     hdr, x->o.max_header);
	return 0;
}

static int x_entry(struct xt *x, struct archive_entry *e)
{
	_cleanup_free_ char *name = NULL, *split = NULL;
	_cleanup_close_ int pfd = -1;
	const char *raw = archive_entry_pathname(e);
	const char *hl = archive_entry_hardlink(e);
	mode_t type = archive_entry_filetype(e);
	const char *why, *parent, *leaf;
	struct meta m;
	int r;

	x->entry = raw ? raw : "";
	if (++x->nhdr > x->o.max_entries)
		return xfail(x, DL_EXIT_REJECT,
			     "more entries than the limit of %" PRIu64,
			     x->o.max_entries);
	why = clean_name(raw, &name);
	if (why)
		return xfail(x, DL_EXIT_REJECT, "%s", why);
	r = meta_get(x, e, &m);
	if (!r)
		r = check_header(x, e, name, &m);
	if (r)
		goto out;
	if (!*name) {
		if (hl || type != AE_IFDIR)
			r = xfail(x, DL_EXIT_REJECT,
				  "the root is not a directory");
		else
			r = x_dir(x, x->rootfd, ".", name, &m);
		goto out;
	}
	split = dl_xstrdup(name);
	split_name(split, &parent, &leaf);
	if ((x->o.flags & DL_EXTRACT_LAYER) &&
	    !strncmp(leaf, WH_PREFIX, strlen(WH_PREFIX))) {
		r = x_whiteout(x, parent, leaf);
		goto out;
	}
	r = open_dir(x, parent, true, &pfd);
	if (r)
		goto out;
	if (touch(x, pfd, parent) < 0) {
		r = sys_err(x, "stat", parent);
		goto out;
	}

	if (hl) {
		r = x_hardlink(x, hl, pfd, leaf, name);
		if (!r)
			mark(x, name);
		goto out;
	}
	switch (type) {
	case AE_IFREG:
		r = x_file(x, e, pfd, leaf, name, &m);
		break;
	case AE_IFDIR:
		r = x_dir(x, pfd, leaf, name, &m);
		break;
	case AE_IFLNK:
		r = x_symlink(x, e, pfd, leaf, name, &m);
		break;
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFIFO:
		r = x_node(x, e, pfd, leaf, name, &m);
		break;
	default:
		r = xfail(x, DL_EXIT_REJECT, "unsupported entry type 0%o",
			  (unsigned)type);
		break;
	}
	if (!r)
		mark(x, name);
out:
	meta_free(&m);
	return r;
}

/* Directory @path found again beneath the root: *fd the directory, or -1
 * when it is gone or a later entry replaced it (not inode @dev, @ino). */
static int reopen_dir(struct xt *x, const char *path, dev_t dev, ino_t ino,
		      int *fd)
{
	struct stat st;

	x->entry = *path ? path : ".";
	*fd = dl_openat2(x->rootfd, x->entry,
			 O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0, RESOLVE_SAFE);
	if (*fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP ||
		    errno == EXDEV)
			return 0;
		return sys_err(x, "open", path);
	}
	if (fstat(*fd, &st) < 0)
		return sys_err(x, "stat", path);
	if (st.st_dev != dev || st.st_ino != ino)
		dl_closep(fd);
	return 0;
}

/* Second pass: owners, modes, xattrs and times of the directories, each
 * found again beneath the root and skipped if a later entry replaced it. */
static int finish_dirs(struct xt *x)
{
	size_t i;

	for (i = 0; i < x->ndirs; i++) {
		struct pending_dir *d = &x->dirs[i];
		_cleanup_close_ int fd = -1;
		int r = reopen_dir(x, d->path, d->dev, d->ino, &fd);

		if (!r && fd >= 0)
			r = set_meta_fd(x, fd, d->path, &d->m);
		if (r)
			return r;
	}
	for (i = 0; i < x->ntouched; i++) {
		struct touched_dir *t = &x->touched[i];
		_cleanup_close_ int fd = -1;
		int r;

		/* made again by the layer: its times are the layer's */
		if (name_has(&x->mine, t->path))
			continue;
		r = reopen_dir(x, t->path, t->dev, t->ino, &fd);
		if (r)
			return r;
		if (fd >= 0 && futimens(fd, t->times) < 0)
			return sys_err(x, "set times of", t->path);
	}
	return 0;
}

static void xt_free(struct xt *x)
{
	size_t i;

	for (i = 0; i < x->ndirs; i++) {
		free(x->dirs[i].path);
		meta_free(&x->dirs[i].m);
	}
	free(x->dirs);
	name_free(&x->mine);
	name_free(&x->seen);
	for (i = 0; i < x->ntouched; i++)
		free(x->touched[i].path);
	free(x->touched);
	if (x->a)
		archive_read_free(x->a);
	src_close(&x->src);
}

/* After the end-of-archive marker: the rest of the stream is read, so
 * that a decompression error in its last bytes fails the extraction. */
static int drain(struct xt *x)
{
	const void *buf;
	uint64_t after = 0;
	ssize_t n;

	do {
		n = src_next(&x->src, &buf);
		if (n > 0)
			after += (uint64_t)n;
		/* a bomb may as well come after the end */
		if (after > x->o.max_bytes - x->st.bytes)
			return xfail(x, DL_EXIT_REJECT,
				     "more than %" PRIu64 " bytes after the "
				     "end of the archive",
				     x->o.max_bytes - x->st.bytes);
	} while (n > 0);
	if (n < 0)
		return xfail(x, x->src.code, "%s", x->src.why);
	return 0;
}

int dl_extract(int fd, int destfd, const struct dl_extract_opts *o,
	       struct dl_tree_stats *st, char **reason)
{
	struct xt x = { .rootfd = destfd };
	struct statvfs vfs;
	struct stat dst;
	int r;

	*reason = NULL;
	if (o)
		x.o = *o;
	if (!x.o.max_entries)
		x.o.max_entries = DL_EXTRACT_MAX_ENTRIES;
	if (!x.o.max_header)
		x.o.max_header = DL_EXTRACT_MAX_HEADER;
	if (!x.o.max_depth)
		x.o.max_depth = DL_EXTRACT_MAX_DEPTH;
	if (!x.o.max_bytes) {
		if (fstatvfs(destfd, &vfs) < 0) {
			*reason = dl_xasprintf("unable to use the destination:"
					       " %s", strerror(errno));
			return DL_EXIT_FAIL;
		}
		x.o.max_bytes = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	}
	x.src.tap = x.o.tap;
	x.src.tap_arg = x.o.tap_arg;
	if (fstat(destfd, &dst) < 0) {
		*reason = dl_xasprintf("unable to use the destination: %s",
				       strerror(errno));
		return DL_EXIT_FAIL;
	}
	if (!S_ISDIR(dst.st_mode)) {
		*reason = dl_xstrdup("the destination is not a directory");
		return DL_EXIT_FAIL;
	}
	if (src_open(&x.src, fd) < 0) {
		r = xfail(&x, x.src.code, "%s", x.src.why);
		goto out;
	}
	x.a = archive_read_new();
	if (!x.a)
		dl_die(DL_EXIT_FAIL, "unable to allocate 'memory'");
	/* tar only (ustar, pax, GNU, v7); compression told by content, in
	 * the stage before */
	if (archive_read_support_format_tar(x.a) != ARCHIVE_OK ||
	    archive_read_open(x.a, &x.src, NULL, tar_read, NULL) !=
		    ARCHIVE_OK) {
		r = ar_err(&x);
		goto out;
	}
	for (;;) {
		struct archive_entry *e;

		x.entry = NULL;
		r = archive_read_next_header(x.a, &e);
		if (r == ARCHIVE_EOF)
			break;
		/* ARCHIVE_RETRY is a damaged header (a bad checksum): the
		 * entry is stale, and libarchive would only skip to the next
		 * header that looks right.  A warning is kept: a name that
		 * cannot be converted to the locale's charset is used as
		 * stored. */
		if (r == ARCHIVE_RETRY || r < ARCHIVE_WARN) {
			r = ar_err(&x);
			goto out;
		}
		r = x_entry(&x, e);
		if (r)
			goto out;
	}
	x.entry = NULL;
	r = drain(&x);
	if (!r)
		r = finish_dirs(&x);
out:
	if (r && !x.reason)
		x.reason = dl_xstrdup("extraction failed");
	if (st)
		*st = x.st;
	if (r)
		*reason = dl_steal_pointer(&x.reason);
	free(x.reason);
	xt_free(&x);
	return r;
}

int dl_extract_fd(int fd, int destfd, struct dl_tree_stats *st, char **reason)
{
	return dl_extract(fd, destfd, NULL, st, reason);
}

int dl_extract_opt(struct dl_extract_opts *o, int opt, const char *arg)
{
	long long v = dl_parse_bytes(arg);

	if (v <= 0)
		return -1;
	switch (opt) {
	case DL_EXTRACT_OPT_SIZE:
		o->max_bytes = (uint64_t)v;
		return 0;
	case DL_EXTRACT_OPT_HEADER:
		o->max_header = (uint64_t)v;
		return 0;
	}
	/* counts are whole numbers */
	if (strspn(arg, "0123456789") != strlen(arg))
		return -1;
	switch (opt) {
	case DL_EXTRACT_OPT_ENTRIES:
		o->max_entries = (uint64_t)v;
		return 0;
	case DL_EXTRACT_OPT_DEPTH:
		if (v > 65536)
			return -1;
		o->max_depth = (unsigned)v;
		return 0;
	}
	return -1;
}

int dl_extract_open(const char *src, const char *dir, int *in, int *dest,
		    const char **which)
{
	*which = src;
	*in = strcmp(src, "-") ? open(src, O_RDONLY | O_CLOEXEC)
			       : fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
	if (*in < 0)
		return -1;
	*which = dir;
	*dest = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*dest < 0) {
		int e = errno;

		dl_closep(in);
		errno = e;
		return -1;
	}
	return 0;
}
