/* SPDX-License-Identifier: Apache-2.0 */
/* tarwrite.c: the reproducible tar writer: libarchive makes the pax tar,
 * a second thread compresses it (zlib or libzstd) and writes it out */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <linux/openat2.h>

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>
#include <zstd.h>

#include "dl.h"
#include "dl/node.h"
#include "dl/tarwrite.h"

#define CHUNK (1024 * 1024)	/* the unit handed to the compressor */
#define QUEUE 4			/* chunks in flight between the threads */
#define GZIP_LEVEL 6
#define ZSTD_LEVEL 3
#define MEDIA_TAR "application/vnd.oci.image.layer.v1.tar"

void dl_tar_list_add(struct dl_tar_list *l, const char *path,
		     enum dl_tar_kind kind)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = dl_xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n].path = dl_xstrdup(path);
	l->v[l->n++].kind = kind;
}

void dl_tar_list_free(struct dl_tar_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

int dl_tar_path_cmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	if (*x == *y)
		return 0;
	/* '/' ends a component: before any byte but the end */
	if (!*x || !*y)
		return *x ? 1 : -1;
	if (*x == '/' || *y == '/')
		return *x == '/' ? -1 : 1;
	return *x < *y ? -1 : 1;
}

int dl_compress_parse(const char *s, enum dl_compress *c)
{
	if (!strcmp(s, "none"))
		*c = DL_COMPRESS_NONE;
	else if (!strcmp(s, "gzip"))
		*c = DL_COMPRESS_GZIP;
	else if (!strcmp(s, "zstd"))
		*c = DL_COMPRESS_ZSTD;
	else
		return -1;
	return 0;
}

const char *dl_compress_media_type(enum dl_compress c)
{
	switch (c) {
	case DL_COMPRESS_GZIP:
		return MEDIA_TAR "+gzip";
	case DL_COMPRESS_ZSTD:
		return MEDIA_TAR "+zstd";
	default:
		return MEDIA_TAR;
	}
}

/* --- the output: sha256 of the tar, then compression in a thread ------- */

struct chunk {
	unsigned char *buf;
	size_t len;
};

struct out {
	const struct dl_tar_opts *o;
	int fd;
	struct dl_sha256 *tar_h;  /* the diff_id */
	struct dl_sha256 *blob_h; /* the digest of what is written */
	unsigned char *cur;	  /* the chunk being filled */
	size_t curlen;
	/* the queue to the compressor; guarded by mu */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct chunk q[QUEUE];
	size_t head, count;
	bool done;     /* no more chunks will come */
	bool failed;   /* the compressor stopped: why says why */
	char *why;
	bool threaded;
	pthread_t th;
	/* the compressor's state, its thread's only */
	z_stream z;
	gz_header gzh; /* zlib keeps a pointer to it until it is written */
	bool z_on;
	ZSTD_CCtx *zc;
	unsigned char *zbuf;
};

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t r = write(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Write compressed bytes out; the compressor's thread. */
static int emit(struct out *w, const unsigned char *p, size_t n)
{
	if (!n)
		return 0;
	dl_sha256_update(w->blob_h, p, n);
	if (write_all(w->fd, p, n) < 0) {
		w->why = dl_xasprintf("unable to write output: %s",
				      strerror(errno));
		return -1;
	}
	return 0;
}

static int gz_run(struct out *w, const unsigned char *p, size_t n, bool end)
{
	int r;

	w->z.next_in = (unsigned char *)p;
	w->z.avail_in = (uInt)n;
	do {
		w->z.next_out = w->zbuf;
		w->z.avail_out = CHUNK;
		r = deflate(&w->z, end ? Z_FINISH : Z_NO_FLUSH);
		if (r == Z_STREAM_ERROR) {
			w->why = dl_xstrdup("gzip: deflate failed");
			return -1;
		}
		if (emit(w, w->zbuf, CHUNK - w->z.avail_out) < 0)
			return -1;
	} while (w->z.avail_out == 0 || (end && r != Z_STREAM_END));
	return 0;
}

static int zstd_run(struct out *w, const unsigned char *p, size_t n, bool end)
{
	ZSTD_inBuffer in = { p, n, 0 };
	size_t left;

	do {
		ZSTD_outBuffer ob = { w->zbuf, CHUNK, 0 };

		left = ZSTD_compressStream2(w->zc, &ob, &in,
					    end ? ZSTD_e_end : ZSTD_e_continue);
		if (ZSTD_isError(left)) {
			w->why = dl_xasprintf("zstd: %s",
					      ZSTD_getErrorName(left));
			return -1;
		}
		if (emit(w, w->zbuf, ob.pos) < 0)
			return -1;
	} while (end ? left != 0 : in.pos < in.size);
	return 0;
}

static int compress_chunk(struct out *w, const unsigned char *p, size_t n,
			  bool end)
{
	if (w->o->compress == DL_COMPRESS_GZIP)
		return gz_run(w, p, n, end);
	return zstd_run(w, p, n, end);
}

static void *compressor(void *arg)
{
	struct out *w = arg;
	bool failed = false;

	for (;;) {
		struct chunk c;

		pthread_mutex_lock(&w->mu);
		while (!w->count && !w->done)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->count) {
			pthread_mutex_unlock(&w->mu);
			break;
		}
		c = w->q[w->head];
		w->head = (w->head + 1) % QUEUE;
		w->count--;
		failed = failed || w->failed; /* the tar side gave up */
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		if (!failed && compress_chunk(w, c.buf, c.len, false) < 0)
			failed = true;
		free(c.buf);
		if (failed) {
			pthread_mutex_lock(&w->mu);
			w->failed = true;
			pthread_cond_broadcast(&w->cv);
			pthread_mutex_unlock(&w->mu);
		}
	}
	pthread_mutex_lock(&w->mu);
	failed = failed || w->failed;
	pthread_mutex_unlock(&w->mu);
	if (!failed && compress_chunk(w, NULL, 0, true) < 0) {
		pthread_mutex_lock(&w->mu);
		w->failed = true;
		pthread_mutex_unlock(&w->mu);
	}
	return NULL;
}

/* Hand the current chunk to the compressor; false when it failed. */
static bool push(struct out *w)
{
	bool ok;

	if (!w->curlen)
		return true;
	pthread_mutex_lock(&w->mu);
	while (w->count == QUEUE && !w->failed)
		pthread_cond_wait(&w->cv, &w->mu);
	ok = !w->failed;
	if (ok) {
		w->q[(w->head + w->count) % QUEUE] =
			(struct chunk){ w->cur, w->curlen };
		w->count++;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	if (!ok)
		free(w->cur);
	w->cur = dl_xmalloc(CHUNK);
	w->curlen = 0;
	return ok;
}

/* libarchive's output: the uncompressed tar. */
static la_ssize_t tar_out(struct archive *a, void *arg, const void *buf,
			  size_t len)
{
	struct out *w = arg;
	const unsigned char *p = buf;
	size_t left = len;

	dl_sha256_update(w->tar_h, buf, len);
	if (!w->threaded) {
		if (write_all(w->fd, p, len) < 0) {
			archive_set_error(a, errno, "unable to write output: %s",
					  strerror(errno));
			return -1;
		}
		return (la_ssize_t)len;
	}
	while (left) {
		size_t n = CHUNK - w->curlen < left ? CHUNK - w->curlen : left;

		memcpy(w->cur + w->curlen, p, n);
		w->curlen += n;
		p += n;
		left -= n;
		if (w->curlen == CHUNK && !push(w)) {
			archive_set_error(a, EIO, "compression failed");
			return -1;
		}
	}
	return (la_ssize_t)len;
}

static int out_start(struct out *w, const struct dl_tar_opts *o, int fd,
		     char **reason)
{
	w->o = o;
	w->fd = fd;
	w->tar_h = dl_sha256_new();
	if (o->compress == DL_COMPRESS_NONE)
		return 0;
	w->blob_h = dl_sha256_new();
	w->zbuf = dl_xmalloc(CHUNK);
	w->cur = dl_xmalloc(CHUNK);
	if (o->compress == DL_COMPRESS_GZIP) {
		/* a fixed header: no name, no mtime, OS "unknown" */
		if (deflateInit2(&w->z, GZIP_LEVEL, Z_DEFLATED, 16 + MAX_WBITS,
				 8, Z_DEFAULT_STRATEGY) != Z_OK)
			return dl_fail(reason, DL_EXIT_FAIL,
				       "gzip: unable to start zlib");
		w->z_on = true;
		w->gzh.os = 255;
		if (deflateSetHeader(&w->z, &w->gzh) != Z_OK)
			return dl_fail(reason, DL_EXIT_FAIL,
				       "gzip: unable to set the header");
	} else {
		w->zc = ZSTD_createCCtx();
		if (!w->zc)
			dl_oom();
		if (ZSTD_isError(ZSTD_CCtx_setParameter(
			    w->zc, ZSTD_c_compressionLevel, ZSTD_LEVEL)) ||
		    ZSTD_isError(ZSTD_CCtx_setParameter(
			    w->zc, ZSTD_c_checksumFlag, 1)))
			return dl_fail(reason, DL_EXIT_FAIL,
				       "zstd: unable to set the level");
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	errno = pthread_create(&w->th, NULL, compressor, w);
	if (errno)
		return dl_fail(reason, DL_EXIT_FAIL,
			       "unable to start a thread: %s", strerror(errno));
	w->threaded = true;
	return 0;
}

/* Stop the compressor (after the last chunk when @ok); 0 when all went
 * out. */
static int out_finish(struct out *w, bool ok, struct dl_tar_desc *d,
		      char **reason)
{
	int ret = 0;

	if (w->threaded) {
		if (ok)
			ok = push(w);
		pthread_mutex_lock(&w->mu);
		w->done = true;
		if (!ok)
			w->failed = true;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->th, NULL);
		w->threaded = false;
		if (w->failed && w->why && !*reason)
			ret = dl_fail(reason, DL_EXIT_FAIL, "%s", w->why);
		else if (w->failed)
			ret = DL_EXIT_FAIL;
	}
	if (!ret && ok && d) {
		d->size = w->blob_h ? dl_sha256_bytes(w->blob_h)
				    : dl_sha256_bytes(w->tar_h);
		if (w->blob_h) {
			dl_sha256_final(w->blob_h, d->digest);
			w->blob_h = NULL;
		}
		dl_sha256_final(w->tar_h, d->diff_id);
		w->tar_h = NULL;
		if (w->o->compress == DL_COMPRESS_NONE)
			memcpy(d->digest, d->diff_id, sizeof(d->digest));
	}
	return ret;
}

static void out_free(struct out *w)
{
	dl_sha256_free(w->tar_h);
	dl_sha256_free(w->blob_h);
	if (w->z_on)
		deflateEnd(&w->z);
	ZSTD_freeCCtx(w->zc);
	free(w->zbuf);
	free(w->cur);
	free(w->why);
	for (size_t i = 0; i < w->count; i++)
		free(w->q[(w->head + i) % QUEUE].buf);
}

/* --- the members ------------------------------------------------------- */

/* A member: its name in the tar and what it comes from. */
struct member {
	char *name;
	const struct dl_tar_item *it;
};

/* The first name of each inode with several links, by (dev, ino). */
struct link_map {
	struct link {
		dev_t dev;
		ino_t ino;
		char *name;
	} *v;
	size_t n, cap; /* cap: a power of 2, or 0 */
};

static size_t link_hash(dev_t dev, ino_t ino, size_t cap)
{
	uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ULL ^ (uint64_t)dev;

	return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

/* The first name of (dev, ino), or NULL after recording @name as it. */
static const char *link_first(struct link_map *m, dev_t dev, ino_t ino,
			      const char *name)
{
	size_t i;

	if (2 * (m->n + 1) > m->cap) {
		struct link_map big = { 0 };

		big.cap = m->cap ? 2 * m->cap : 64;
		big.v = dl_xcalloc(big.cap, sizeof(*big.v));
		for (i = 0; i < m->cap; i++) {
			size_t j;

			if (!m->v[i].name)
				continue;
			j = link_hash(m->v[i].dev, m->v[i].ino, big.cap);
			while (big.v[j].name)
				j = (j + 1) & (big.cap - 1);
			big.v[j] = m->v[i];
		}
		big.n = m->n;
		free(m->v);
		*m = big;
	}
	for (i = link_hash(dev, ino, m->cap); m->v[i].name;
	     i = (i + 1) & (m->cap - 1))
		if (m->v[i].dev == dev && m->v[i].ino == ino)
			return m->v[i].name;
	m->v[i] = (struct link){ dev, ino, dl_xstrdup(name) };
	m->n++;
	return NULL;
}

static void link_free(struct link_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->v[i].name);
	free(m->v);
}

struct tw {
	struct archive *a;
	int rootfd;
	const struct dl_tar_opts *o;
	struct link_map links;
	char *dirpath; /* the directory dirfd is, "" for the root */
	int dirfd;     /* O_PATH, beneath the root */
	unsigned char *buf;
	char *reason;
	int code;
};

static int twfail(struct tw *t, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int twfail(struct tw *t, int code, const char *fmt, ...)
{
	va_list ap;

	if (!t->reason) {
		va_start(ap, fmt);
		t->reason = dl_xvasprintf(fmt, ap);
		va_end(ap);
		t->code = code;
	}
	return t->code;
}

static int ar_fail(struct tw *t, const char *name)
{
	const char *s = archive_error_string(t->a);

	return twfail(t, DL_EXIT_FAIL, "'%s': %s", name,
		      s ? s : "unable to write the tar");
}

static bool valid_path(const char *p)
{
	const char *c = p;

	if (!*p || *p == '/')
		return false;
	for (;;) {
		size_t n = strcspn(c, "/");

		if (n == 0 || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (!c[n])
			return true;
		c += n + 1;
	}
}

/* Open directory @dir beneath the root with no symlink followed. */
static int open_beneath(int rootfd, const char *dir)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};

	if (!*dir)
		return fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
	return (int)syscall(SYS_openat2, rootfd, dir, &how, sizeof(how));
}

/* Make t->dirfd the directory of @path; @base receives its last name.
 * -1 with errno set when it cannot be opened. */
static int enter_dir(struct tw *t, const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	*base = slash ? slash + 1 : path;
	if (t->dirfd >= 0 && strlen(t->dirpath) == n &&
	    !strncmp(t->dirpath, path, n))
		return 0;
	if (t->dirfd >= 0)
		close(t->dirfd);
	free(t->dirpath);
	t->dirpath = dl_xasprintf("%.*s", (int)n, path);
	t->dirfd = open_beneath(t->rootfd, t->dirpath);
	return t->dirfd < 0 ? -1 : 0;
}

static time_t clamp(const struct tw *t, time_t mtime)
{
	if (t->o->clamp && mtime > t->o->epoch)
		return (time_t)t->o->epoch;
	return mtime;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Copy the xattrs of @name in t->dirfd to @e, sorted by name. */
static int add_xattrs(struct tw *t, struct archive_entry *e, const char *name,
		      const char *path)
{
	char proc[64 + NAME_MAX];
	_cleanup_free_ char *list = NULL;
	_cleanup_free_ char **names = NULL;
	ssize_t len;
	size_t n = 0, i;

	if (dl_node_proc_path(proc, sizeof(proc), t->dirfd, name) < 0)
		return twfail(t, DL_EXIT_FAIL, "'%s': name too long", path);
	for (;;) {
		len = llistxattr(proc, NULL, 0);
		if (len <= 0)
			break;
		free(list);
		list = dl_xmalloc((size_t)len);
		len = llistxattr(proc, list, (size_t)len);
		if (len >= 0 || errno != ERANGE)
			break;
	}
	if (len < 0 && (errno == ENOTSUP || errno == ENOENT))
		return 0;
	if (len < 0)
		return twfail(t, DL_EXIT_FAIL, "unable to list the xattrs of "
			      "'%s': %s", path, strerror(errno));
	if (len == 0)
		return 0;
	for (i = 0; i < (size_t)len; i += strlen(list + i) + 1)
		n++;
	names = dl_xcalloc(n, sizeof(*names));
	n = 0;
	for (i = 0; i < (size_t)len; i += strlen(list + i) + 1)
		names[n++] = list + i;
	qsort(names, n, sizeof(*names), cmp_str);
	/* libarchive puts each one first: add them last name first */
	for (i = n; i-- > 0;) {
		_cleanup_free_ void *val = NULL;
		ssize_t vl;

		for (;;) {
			vl = lgetxattr(proc, names[i], NULL, 0);
			if (vl < 0)
				break;
			free(val);
			val = dl_xmalloc(vl ? (size_t)vl : 1);
			vl = lgetxattr(proc, names[i], val, (size_t)vl);
			if (vl >= 0 || errno != ERANGE)
				break;
		}
		if (vl < 0 && errno == ENODATA)
			continue; /* removed meanwhile */
		if (vl < 0)
			return twfail(t, DL_EXIT_FAIL, "unable to read xattr "
				      "'%s' of '%s': %s", names[i], path,
				      strerror(errno));
		archive_entry_xattr_add_entry(e, names[i], val, (size_t)vl);
	}
	return 0;
}

/* The data of regular file @name, @size bytes of it (zeros when it
 * shrank meanwhile: libarchive pads). */
static int add_data(struct tw *t, const char *name, const char *path,
		    int64_t size)
{
	_cleanup_close_ int fd = -1;
	int64_t left = size;

	fd = openat(t->dirfd, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY |
				    O_CLOEXEC);
	if (fd < 0)
		return twfail(t, DL_EXIT_FAIL, "unable to open '%s': %s", path,
			      strerror(errno));
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	while (left > 0) {
		size_t want = left < CHUNK ? (size_t)left : CHUNK;
		ssize_t r = read(fd, t->buf, want);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return twfail(t, DL_EXIT_FAIL, "unable to read '%s': %s",
				      path, strerror(errno));
		if (r == 0)
			break;
		if (archive_write_data(t->a, t->buf, (size_t)r) < 0)
			return ar_fail(t, path);
		left -= r;
	}
	return 0;
}

static int add_entry(struct tw *t, const struct member *m)
{
	const char *path = m->it->path, *base;
	struct archive_entry *e = NULL;
	const char *first = NULL;
	char target[PATH_MAX + 1];
	struct stat st;
	ssize_t tl;
	int ret = 0;

	if (enter_dir(t, path, &base) < 0 ||
	    fstatat(t->dirfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
			return 0; /* gone meanwhile */
		return twfail(t, DL_EXIT_FAIL, "unable to stat '%s': %s", path,
			      strerror(errno));
	}
	if (S_ISSOCK(st.st_mode))
		return 0;
	e = archive_entry_new();
	if (!e)
		dl_oom();
	archive_entry_set_pathname(e, m->name);
	archive_entry_set_mode(e, st.st_mode);
	archive_entry_set_uid(e, st.st_uid);
	archive_entry_set_gid(e, st.st_gid);
	archive_entry_set_mtime(e, clamp(t, st.st_mtime), 0);
	if (!S_ISDIR(st.st_mode) && st.st_nlink > 1)
		first = link_first(&t->links, st.st_dev, st.st_ino, m->name);
	if (first) {
		archive_entry_set_hardlink(e, first);
		archive_entry_set_size(e, 0);
	} else if (S_ISREG(st.st_mode)) {
		archive_entry_set_size(e, st.st_size);
	} else if (S_ISLNK(st.st_mode)) {
		tl = readlinkat(t->dirfd, base, target, sizeof(target) - 1);
		if (tl < 0) {
			ret = twfail(t, DL_EXIT_FAIL, "unable to read link "
				     "'%s': %s", path, strerror(errno));
			goto out;
		}
		target[tl] = '\0';
		archive_entry_set_symlink(e, target);
	} else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		archive_entry_set_rdev(e, st.st_rdev);
	}
	if (!first) {
		ret = add_xattrs(t, e, base, path);
		if (ret)
			goto out;
	}
	if (archive_write_header(t->a, e) != ARCHIVE_OK) {
		ret = ar_fail(t, path);
		goto out;
	}
	if (!first && S_ISREG(st.st_mode) && st.st_size > 0)
		ret = add_data(t, base, path, st.st_size);
out:
	archive_entry_free(e);
	return ret;
}

/* A whiteout or an opaque marker: mode 0, 0:0, its directory's mtime. */
static int add_marker(struct tw *t, const struct member *m)
{
	const char *path = m->it->path;
	_cleanup_free_ char *dir = NULL;
	struct archive_entry *e;
	const char *slash;
	struct stat st;
	_cleanup_close_ int fd = -1;
	time_t mtime = 0;

	if (m->it->kind == DL_TAR_OPAQUE) {
		dir = dl_xstrdup(path);
	} else {
		slash = strrchr(path, '/');
		dir = dl_xasprintf("%.*s", slash ? (int)(slash - path) : 0,
				   path);
	}
	fd = open_beneath(t->rootfd, dir);
	if (fd >= 0 && fstat(fd, &st) == 0)
		mtime = clamp(t, st.st_mtime);
	else if (t->o->clamp)
		mtime = (time_t)t->o->epoch;
	e = archive_entry_new();
	if (!e)
		dl_oom();
	archive_entry_set_pathname(e, m->name);
	archive_entry_set_mode(e, S_IFREG);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_size(e, 0);
	archive_entry_set_mtime(e, mtime, 0);
	if (archive_write_header(t->a, e) != ARCHIVE_OK) {
		archive_entry_free(e);
		return ar_fail(t, m->name);
	}
	archive_entry_free(e);
	return 0;
}

static int cmp_member(const void *a, const void *b)
{
	return dl_tar_path_cmp(((const struct member *)a)->name,
			       ((const struct member *)b)->name);
}

/* The members of @l, named and sorted, repeats dropped. */
static struct member *members(const struct dl_tar_list *l, size_t *n,
			      char **bad)
{
	struct member *m = dl_xcalloc(l->n ? l->n : 1, sizeof(*m));
	size_t i, k = 0;

	*bad = NULL;
	for (i = 0; i < l->n; i++) {
		const struct dl_tar_item *it = &l->v[i];
		const char *slash = strrchr(it->path, '/');

		if (!valid_path(it->path)) {
			*bad = it->path;
			break;
		}
		m[k].it = it;
		if (it->kind == DL_TAR_OPAQUE)
			m[k].name = dl_xasprintf("%s/.wh..wh..opq", it->path);
		else if (it->kind == DL_TAR_WHITEOUT)
			m[k].name = dl_xasprintf(
				"%.*s%s.wh.%s",
				slash ? (int)(slash - it->path) : 0, it->path,
				slash ? "/" : "", slash ? slash + 1 : it->path);
		else
			m[k].name = dl_xstrdup(it->path);
		k++;
	}
	qsort(m, k, sizeof(*m), cmp_member);
	*n = 0;
	for (i = 0; i < k; i++) {
		if (*n && !strcmp(m[*n - 1].name, m[i].name)) {
			free(m[i].name);
			continue;
		}
		m[(*n)++] = m[i];
	}
	return m;
}

int dl_tar_write(int rootfd, struct dl_tar_list *l,
		 const struct dl_tar_opts *o, int outfd,
		 struct dl_tar_desc *d, char **reason)
{
	struct tw t = { .rootfd = rootfd, .o = o, .dirfd = -1 };
	struct out w = { 0 };
	struct member *m = NULL;
	char *bad = NULL;
	size_t n = 0, i;
	int ret, fin;

	*reason = NULL;
	m = members(l, &n, &bad);
	if (bad) {
		ret = dl_fail(reason, DL_EXIT_REJECT, "'%s': not a valid "
			      "relative path", bad);
		goto out;
	}
	ret = out_start(&w, o, outfd, reason);
	if (ret)
		goto out;
	t.buf = dl_xmalloc(CHUNK);
	t.a = archive_write_new();
	if (!t.a)
		dl_oom();
	/* pax, extended headers only where ustar cannot say it; no padding
	 * past the two zero blocks of the end */
	if (archive_write_set_format_pax_restricted(t.a) != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(t.a, 10240) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(t.a, 1) != ARCHIVE_OK ||
	    archive_write_open(t.a, &w, NULL, tar_out, NULL) != ARCHIVE_OK) {
		ret = ar_fail(&t, "-");
		goto finish;
	}
	for (i = 0; i < n && !ret; i++)
		ret = m[i].it->kind == DL_TAR_ENTRY ? add_entry(&t, &m[i])
						    : add_marker(&t, &m[i]);
	if (!ret && archive_write_close(t.a) != ARCHIVE_OK)
		ret = ar_fail(&t, "-");
finish:
	if (ret && t.reason)
		*reason = dl_steal_pointer(&t.reason);
	fin = out_finish(&w, !ret, d, reason);
	if (!ret)
		ret = fin;
	if (ret && !*reason)
		*reason = dl_xstrdup(w.why ? w.why : "unable to write the tar");
out:
	if (t.a)
		archive_write_free(t.a);
	if (t.dirfd >= 0)
		close(t.dirfd);
	free(t.dirpath);
	free(t.buf);
	free(t.reason);
	link_free(&t.links);
	out_free(&w);
	for (i = 0; i < n; i++)
		free(m[i].name);
	free(m);
	return ret;
}
