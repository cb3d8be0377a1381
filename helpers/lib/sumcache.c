/* SPDX-License-Identifier: Apache-2.0 */
/* sumcache.c: the digest of COPY sources, with a cache of file digests */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dl.h"
#include "dl/dfcontext.h"
#include "dl/digest.h"
#include "dl/sumcache.h"

/* ---- digests -------------------------------------------------------------- */

struct entry {
	uint64_t dev, ino, size, mtime, ctime;
	char hex[DL_DIGEST_HEX_LEN + 1];
};

struct dl_sumcache {
	char *path;
	struct entry *v;
	size_t n, sorted;
	bool dirty;
};

static int ecmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return 0;
}

struct dl_sumcache *dl_sumcache_load(const char *path)
{
	struct dl_sumcache *c = dl_xcalloc(1, sizeof(*c));
	_cleanup_fclose_ FILE *f = NULL;
	struct entry e;

	if (!path)
		return c;
	c->path = dl_xstrdup(path);
	f = fopen(path, "re");
	while (f && fscanf(f, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
			   " %" SCNu64 " %64s\n", &e.dev, &e.ino, &e.size,
			   &e.mtime, &e.ctime, e.hex) == 6) {
		c->v = dl_xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
		c->v[c->n++] = e;
	}
	qsort(c->v, c->n, sizeof(*c->v), ecmp);
	c->sorted = c->n;
	return c;
}

int dl_sumcache_save(struct dl_sumcache *c)
{
	char *buf = NULL;
	size_t len = 0, i;
	int rc = 0;
	FILE *m;

	if (c->path && c->dirty) {
		m = open_memstream(&buf, &len);
		if (!m)
			dl_oom();
		qsort(c->v, c->n, sizeof(*c->v), ecmp);
		for (i = 0; i < c->n; i++) {
			/* the newest of a (dev, ino) only */
			if (i + 1 < c->n && !ecmp(&c->v[i], &c->v[i + 1]))
				continue;
			fprintf(m, "%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
				" %" PRIu64 " %s\n", c->v[i].dev, c->v[i].ino,
				c->v[i].size, c->v[i].mtime, c->v[i].ctime,
				c->v[i].hex);
		}
		if (fclose(m))
			dl_oom();
		rc = dl_write_file_atomic_flags(c->path, buf, len, 0600,
						DL_WRITE_NOSYNC);
		free(buf);
	}
	free(c->path);
	free(c->v);
	free(c);
	return rc;
}

/* how old a change must be for its digest to be kept */
#define RACY_NS 1000000000u

static uint64_t ns(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * 1000000000u + (uint64_t)t->tv_nsec;
}

static const char *cached(struct dl_sumcache *c, const struct stat *st)
{
	struct entry key = { .dev = st->st_dev, .ino = st->st_ino }, *e;
	size_t i;

	e = bsearch(&key, c->v, c->sorted, sizeof(*c->v), ecmp);
	/* and those added since the load, newest last */
	for (i = c->n; i > c->sorted; i--)
		if (!ecmp(&c->v[i - 1], &key)) {
			e = &c->v[i - 1];
			break;
		}
	if (e && e->size == (uint64_t)st->st_size &&
	    e->mtime == ns(&st->st_mtim) && e->ctime == ns(&st->st_ctim))
		return e->hex;
	return NULL;
}

static void remember(struct dl_sumcache *c, const struct stat *st,
		     const char *hex)
{
	struct entry e = { st->st_dev, st->st_ino, (uint64_t)st->st_size,
			   ns(&st->st_mtim), ns(&st->st_ctim), "" };
	struct timespec now;
	uint64_t t;

	/* as git's racy index: a file changed in the last second may
	 * change again within the same timestamp, unseen (the kernel's
	 * timestamps are a clock tick coarse, far less than a second) */
	clock_gettime(CLOCK_REALTIME, &now);
	t = ns(&now);
	if (ns(&st->st_mtim) + RACY_NS >= t || ns(&st->st_ctim) + RACY_NS >= t)
		return;
	memcpy(e.hex, hex, DL_DIGEST_HEX_LEN + 1);
	c->v = dl_xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
	c->v[c->n++] = e;
	c->dirty = true;
}

struct sum {
	struct dl_sha256 *h;
	struct dl_sumcache *c;
	const char *top; /* the source's path, cut from each entry's */
};

static int file_hex(int dirfd, const char *name, const struct stat *st,
		    struct dl_sumcache *c, char hex[DL_DIGEST_HEX_LEN + 1])
{
	char d[DL_DIGEST_LEN + 1], buf[65536];
	const char *have = cached(c, st);
	struct dl_sha256 *h;
	ssize_t r;
	int fd;

	if (have) {
		memcpy(hex, have, DL_DIGEST_HEX_LEN + 1);
		return 0;
	}
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	h = dl_sha256_new();
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		dl_sha256_update(h, buf, (size_t)r);
	close(fd);
	if (r < 0) {
		dl_sha256_free(h);
		return -1;
	}
	dl_sha256_final(h, d);
	memcpy(hex, dl_digest_hex(d), DL_DIGEST_HEX_LEN + 1);
	remember(c, st, hex);
	return 0;
}

static int sum_enter(int dirfd, const char *name, const char *rel,
		     const struct stat *st, void *ctx, char **reason)
{
	struct sum *s = ctx;
	const char *sub = rel + strlen(s->top);
	char hex[DL_DIGEST_HEX_LEN + 1] = "";
	_cleanup_free_ char *rec = NULL;

	if (*sub == '/')
		sub++;
	if (S_ISREG(st->st_mode)) {
		if (file_hex(dirfd, name, st, s->c, hex) < 0)
			return dl_fail(reason, DL_EXIT_FAIL,
				       "unable to read '%s': %s", rel,
				       strerror(errno));
	} else if (S_ISLNK(st->st_mode)) {
		ssize_t n = readlinkat(dirfd, name, hex, sizeof(hex) - 1);

		if (n < 0)
			return dl_fail(reason, DL_EXIT_FAIL,
				       "unable to read '%s': %s", rel,
				       strerror(errno));
		/* a long target: its digest */
		if ((size_t)n == sizeof(hex) - 1) {
			char t[4097], d[DL_DIGEST_LEN + 1];

			n = readlinkat(dirfd, name, t, sizeof(t) - 1);
			if (n < 0)
				n = 0;
			dl_sha256_buf(t, (size_t)n, d);
			memcpy(hex, dl_digest_hex(d), DL_DIGEST_HEX_LEN + 1);
		} else {
			hex[n] = '\0';
		}
	} else if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
		snprintf(hex, sizeof(hex), "%ju", (uintmax_t)st->st_rdev);
	}
	rec = dl_xasprintf("%s%c%o%c%ju%c%ju%c%jd%c%s", sub, 0,
			   (unsigned)st->st_mode, 0, (uintmax_t)st->st_uid, 0,
			   (uintmax_t)st->st_gid, 0,
			   S_ISREG(st->st_mode) ? (intmax_t)st->st_size : 0, 0,
			   hex);
	/* the record with its NULs, and a newline */
	{
		size_t len = 0;
		int k;

		for (k = 0; k < 5; k++)
			len += strlen(rec + len) + 1;
		len += strlen(rec + len);
		dl_sha256_update(s->h, rec, len);
		dl_sha256_update(s->h, "\n", 1);
	}
	return 0;
}

int dl_ctx_sum(int ctxfd, char *const *paths, size_t n,
	       const struct dl_ignore *ig, struct dl_sumcache *c,
	       char out[DL_DIGEST_LEN + 1], char **reason)
{
	struct sum s = { dl_sha256_new(), c, "" };
	struct dl_ctx_visit v = { sum_enter, NULL, &s };
	size_t i;
	int rc = 0;

	for (i = 0; i < n && !rc; i++) {
		s.top = paths[i];
		dl_sha256_update(s.h, paths[i], strlen(paths[i]) + 1);
		rc = dl_ctx_walk(ctxfd, *paths[i] ? paths[i] : ".", paths[i],
				 ig, &v, reason);
	}
	if (rc) {
		dl_sha256_free(s.h);
		return rc;
	}
	dl_sha256_final(s.h, out);
	return 0;
}
