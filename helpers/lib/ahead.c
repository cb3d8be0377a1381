/* SPDX-License-Identifier: Apache-2.0 */
/* ahead.c: a layer applied by a thread while its reader stores it, the
 * chain it makes left in tmp/ for dl-image-unpack */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dl.h"
#include "dl/ahead.h"
#include "dl/archive.h"
#include "dl/btrfs.h"
#include "dl/digest.h"
#include "dl/tmp.h"

/* The file of a chain made ahead: its chain ID, written last. */
#define MARK "ahead"
/* The pipe between the reader and the applier. */
#define PIPE_SIZE (1 << 20)

struct dl_ahead {
	char *entry;   /* the entry's name in tmp/ */
	char *root;    /* tmp/ENTRY/rootfs */
	char parent[DL_DIGEST_LEN + 1]; /* "" for a base layer */
	int lock;      /* the locked entry */
	int wfd;       /* the reader's end of the pipe, -1 once closed */
	int rfd, dest; /* the applier's */
	bool plain, running;
	bool stopped;  /* the applier is done (atomic): drop the bytes */
	pthread_t th;
	struct dl_sha256 *h; /* the diff_id of a compressed layer */
	int code;      /* the applier's result, and why */
	char *why;
};

void dl_chain_id(const char *parent, const char *diff_id,
		 char out[DL_DIGEST_LEN + 1])
{
	_cleanup_free_ char *s = NULL;

	if (!parent) {
		memcpy(out, diff_id, DL_DIGEST_LEN + 1);
		return;
	}
	s = dl_xasprintf("%s %s", parent, diff_id);
	dl_sha256_buf(s, strlen(s), out);
}

static void tap(void *arg, const void *buf, size_t len)
{
	dl_sha256_update(arg, buf, len);
}

/* The applier: the layer extracted, then the rest of the pipe drained,
 * so that the reader never blocks on an applier that gave up */
static void *apply(void *arg)
{
	struct dl_ahead *a = arg;
	struct dl_extract_opts o = { .flags = DL_EXTRACT_LAYER };
	char junk[64 * 1024];

	if (!a->plain) {
		o.tap = tap;
		o.tap_arg = a->h;
	}
	a->code = dl_extract(a->rfd, a->dest, &o, NULL, &a->why);
	__atomic_store_n(&a->stopped, true, __ATOMIC_RELEASE);
	for (;;) {
		ssize_t n = read(a->rfd, junk, sizeof(junk));

		if (n == 0 || (n < 0 && errno != EINTR))
			break;
	}
	return NULL;
}

static void ahead_free(struct dl_ahead *a)
{
	dl_closep(&a->wfd);
	if (a->running)
		pthread_join(a->th, NULL);
	dl_closep(&a->rfd);
	dl_closep(&a->dest);
	dl_closep(&a->lock);
	dl_sha256_free(a->h);
	free(a->why);
	free(a->root);
	free(a->entry);
	free(a);
}

void dl_ahead_drop(struct dl_ahead *a)
{
	_cleanup_free_ char *path = NULL, *why = NULL;

	if (!a)
		return;
	/* the applier ends at the end of its input */
	dl_closep(&a->wfd);
	if (a->running)
		pthread_join(a->th, NULL);
	a->running = false;
	dl_closep(&a->dest);
	path = dl_path("tmp/%s", a->entry);
	dl_tmp_remove(path, &why);
	ahead_free(a);
}

void dl_ahead_release(struct dl_ahead *a)
{
	if (a)
		ahead_free(a);
}

const char *dl_ahead_root(const struct dl_ahead *a)
{
	return a->root;
}

int dl_ahead_begin(const char *parent, const char *parent_root, bool plain,
		   struct dl_ahead **out, char **reason)
{
	struct dl_ahead *a;
	char id[DL_ID_LEN + 1];
	int p[2], r, e;

	*out = NULL;
	*reason = NULL;
	if (dl_new_id(id) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "random ID: %s",
			       strerror(errno));
	a = dl_xcalloc(1, sizeof(*a));
	a->lock = a->wfd = a->rfd = a->dest = -1;
	a->plain = plain;
	if (parent)
		memcpy(a->parent, parent, DL_DIGEST_LEN + 1);
	a->entry = dl_xasprintf("%s.ahead", id);
	a->root = dl_path("tmp/%s/rootfs", a->entry);
	r = dl_tmp_make(a->entry, &a->lock, reason);
	if (r) {
		ahead_free(a);
		return DL_EXIT_FAIL;
	}
	r = parent_root ? dl_subvol_snapshot(parent_root, a->root, false,
					     reason)
			: dl_subvol_create(a->root, reason);
	if (r)
		goto fail;
	a->dest = open(a->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (a->dest < 0 || pipe2(p, O_CLOEXEC) < 0) {
		r = dl_fail(reason, DL_EXIT_FAIL, "%s: %s", a->root,
			    strerror(errno));
		goto fail;
	}
	(void)fcntl(p[1], F_SETPIPE_SZ, PIPE_SIZE);
	a->rfd = p[0];
	a->wfd = p[1];
	if (!plain)
		a->h = dl_sha256_new();
	e = pthread_create(&a->th, NULL, apply, a);
	if (e) {
		r = dl_fail(reason, DL_EXIT_FAIL, "unable to start a thread: "
			    "%s", strerror(e));
		goto fail;
	}
	a->running = true;
	*out = a;
	return 0;
fail:
	dl_ahead_drop(a);
	return r;
}

void dl_ahead_write(struct dl_ahead *a, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0 && a->wfd >= 0 &&
	       !__atomic_load_n(&a->stopped, __ATOMIC_ACQUIRE)) {
		ssize_t n = write(a->wfd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			/* the applier cannot read it: it fails for that */
			dl_closep(&a->wfd);
			break;
		}
		p += n;
		len -= (size_t)n;
	}
}

int dl_ahead_finish(struct dl_ahead *a, const char *diff_id,
		    char chain[DL_DIGEST_LEN + 1], char **reason)
{
	_cleanup_free_ char *tmp = dl_path("tmp"), *mark = NULL, *mp = NULL;
	_cleanup_close_ int tfd = -1;
	char got[DL_DIGEST_LEN + 1];
	int r;

	*reason = NULL;
	dl_closep(&a->wfd);
	pthread_join(a->th, NULL);
	a->running = false;
	dl_closep(&a->rfd);
	dl_closep(&a->dest);
	if (a->code) {
		*reason = dl_steal_pointer(&a->why);
		return a->code;
	}
	if (!diff_id) {
		dl_sha256_final(a->h, got);
		a->h = NULL;
		diff_id = got;
	}
	dl_chain_id(*a->parent ? a->parent : NULL, diff_id, chain);
	mark = dl_xasprintf("%s\n", chain);
	mp = dl_path("tmp/%s/" MARK, a->entry);
	tfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tfd < 0 || dl_write_file_atomic_flags(mp, mark, strlen(mark), 0600,
						  DL_WRITE_NOSYNC) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "tmp/%s: %s", a->entry,
			       strerror(errno));
	/* still locked: the entry is never in tmp/ without its owner */
	if (renameat2(tfd, a->entry, tfd, dl_digest_hex(chain),
		      RENAME_NOREPLACE) < 0) {
		r = errno == EEXIST ? DL_EXIT_CONFLICT : DL_EXIT_FAIL;
		return dl_fail(reason, r, "tmp/%s: %s", dl_digest_hex(chain),
			       strerror(errno));
	}
	free(a->entry);
	free(a->root);
	a->entry = dl_xstrdup(dl_digest_hex(chain));
	a->root = dl_path("tmp/%s/rootfs", a->entry);
	return 0;
}

int dl_ahead_claim(const char *chain, int *lock, char **reason)
{
	_cleanup_free_ char *path = dl_path("tmp/%s", dl_digest_hex(chain));
	_cleanup_free_ char *root = NULL, *buf = NULL;
	_cleanup_close_ int fd = -1;
	char mark[DL_DIGEST_LEN + 2];
	ssize_t n;
	int r;

	*lock = -1;
	*reason = NULL;
	r = dl_tmp_claim(path, lock, reason);
	if (r)
		return r;
	fd = openat(*lock, MARK, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, mark, sizeof(mark));
	root = dl_xasprintf("%s/rootfs", path);
	if (n != DL_DIGEST_LEN + 1 || mark[DL_DIGEST_LEN] != '\n' ||
	    strncmp(mark, chain, DL_DIGEST_LEN) || dl_subvol_is(root) != 1) {
		dl_closep(lock);
		free(*reason);
		return dl_fail(reason, DL_EXIT_NO, "no chain made ahead");
	}
	/* taken: the mark goes, the entry is the unpacker's own work now */
	if (unlinkat(*lock, MARK, 0) < 0) {
		r = dl_fail(reason, DL_EXIT_FAIL, "%s/" MARK ": %s", path,
			    strerror(errno));
		dl_closep(lock);
		return r;
	}
	return 0;
}
