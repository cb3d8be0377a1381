/* SPDX-License-Identifier: Apache-2.0 */
/* blob.c: the content store: blobs written under tmp/, checked, renamed in */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dl.h"
#include "dl/blob.h"
#include "dl/digest.h"
#include "dl/tmp.h"

/* The suffix of a blob's tmp/ entry, "ID.blob" (a random ID). */
#define ENTRY_SUFFIX ".blob"
/* The suffix of a blob's tmp/ entry kept for resuming, "HEX.part". */
#define PART_SUFFIX ".part"
/* The one file in it. */
#define DATA "data"
/* The read size of dl_blob_put_fd(). */
#define CHUNK (1 << 20)

struct dl_blob_writer {
	char want[DL_DIGEST_LEN + 1]; /* "" when not known */
	int64_t size;		      /* -1 when not known */
	struct dl_sha256 *h;
	char *entry;		      /* tmp/ID.blob, or tmp/HEX.part */
	int lock, fd;
	bool part;		      /* whether the entry is kept */
};

static int sys_fail(char **reason, const char *what)
{
	int e = errno;

	return dl_fail(reason, e == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
		       "%s%s%s", what ? what : "", what ? ": " : "",
		       strerror(e));
}

char *dl_blob_path(const char *digest)
{
	return dl_path("blobs/sha256/%s", dl_digest_hex(digest));
}

int dl_blob_stat(const char *digest, uint64_t *size, char **reason)
{
	_cleanup_free_ char *path = NULL;
	struct stat st;

	*reason = NULL;
	if (!dl_digest_valid(digest))
		return dl_fail(reason, DL_EXIT_USAGE, DL_DIGEST_INVALID);
	path = dl_blob_path(digest);
	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return dl_fail(reason, DL_EXIT_NO, "no such blob");
		return sys_fail(reason, NULL);
	}
	if (!S_ISREG(st.st_mode))
		return dl_fail(reason, DL_EXIT_FAIL, "%s: not a regular file",
			       path);
	if (size)
		*size = (uint64_t)st.st_size;
	return 0;
}

int dl_blob_begin(const char *digest, int64_t size,
		  struct dl_blob_writer **out, char **reason)
{
	_cleanup_free_ char *path = NULL;
	struct dl_blob_writer *w;
	char id[DL_ID_LEN + 1];
	uint64_t have;
	int r;

	*out = NULL;
	*reason = NULL;
	if (digest) {
		r = dl_blob_stat(digest, &have, reason);
		if (!r && size >= 0 && have != (uint64_t)size)
			return dl_fail(reason, DL_EXIT_REJECT,
				       "size %" PRId64 " given, the stored "
				       "blob has %" PRIu64, size, have);
		if (!r)
			return 0;
		if (r != DL_EXIT_NO)
			return r;
		free(*reason);
		*reason = NULL;
	}
	if (dl_new_id(id) < 0)
		return sys_fail(reason, "random ID");
	w = dl_xcalloc(1, sizeof(*w));
	w->lock = w->fd = -1;
	w->size = size;
	if (digest)
		memcpy(w->want, digest, DL_DIGEST_LEN + 1);
	w->entry = dl_xasprintf("%s" ENTRY_SUFFIX, id);
	r = dl_tmp_make(w->entry, &w->lock, reason);
	if (r) {
		char *why = dl_xasprintf("tmp/%s: %s", w->entry, *reason);

		free(*reason);
		*reason = why;
		free(w->entry);
		free(w);
		return r == DL_EXIT_NO ? DL_EXIT_FAIL : r;
	}
	w->fd = openat(w->lock, DATA, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		       0644);
	if (w->fd < 0) {
		r = sys_fail(reason, "tmp");
		dl_blob_abort(w);
		return r == DL_EXIT_NO ? DL_EXIT_FAIL : r;
	}
	w->h = dl_sha256_new();
	*out = w;
	return 0;
}

int dl_blob_write(struct dl_blob_writer *w, const void *buf, size_t len,
		  char **reason)
{
	const char *p = buf;
	uint64_t after = dl_sha256_bytes(w->h) + len;

	*reason = NULL;
	if (w->size >= 0 && after > (uint64_t)w->size)
		return dl_fail(reason, DL_EXIT_REJECT,
			       "longer than its size %" PRId64, w->size);
	dl_sha256_update(w->h, buf, len);
	while (len > 0) {
		ssize_t n = write(w->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sys_fail(reason, NULL);
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

uint64_t dl_blob_bytes(const struct dl_blob_writer *w)
{
	return dl_sha256_bytes(w->h);
}

void dl_blob_abort(struct dl_blob_writer *w)
{
	_cleanup_free_ char *path = NULL, *why = NULL;

	if (!w)
		return;
	dl_closep(&w->fd);
	if (w->lock >= 0) {
		path = dl_path("tmp/%s", w->entry);
		dl_tmp_remove(path, &why);
	}
	dl_closep(&w->lock);
	dl_sha256_free(w->h);
	free(w->entry);
	free(w);
}

/* Hash the bytes @w's file holds again, or drop them when there are more
 * than its size */
static int rehash(struct dl_blob_writer *w, char **reason)
{
	_cleanup_free_ char *buf = dl_xmalloc(CHUNK);

	for (;;) {
		ssize_t n = read(w->fd, buf, CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sys_fail(reason, "tmp");
		if (n == 0)
			break;
		dl_sha256_update(w->h, buf, (size_t)n);
		if (w->size >= 0 && dl_sha256_bytes(w->h) > (uint64_t)w->size)
			return dl_blob_rewind(w, reason);
	}
	return 0;
}

int dl_blob_resume(const char *digest, int64_t size,
		   struct dl_blob_writer **out, char **reason)
{
	_cleanup_free_ char *path = NULL;
	struct dl_blob_writer *w;
	uint64_t have;
	int r;

	*out = NULL;
	*reason = NULL;
	r = dl_blob_stat(digest, &have, reason);
	if (r != DL_EXIT_NO)
		return r ? r : dl_blob_begin(digest, size, out, reason);
	free(*reason);
	*reason = NULL;
	w = dl_xcalloc(1, sizeof(*w));
	w->lock = w->fd = -1;
	w->size = size;
	w->part = true;
	memcpy(w->want, digest, DL_DIGEST_LEN + 1);
	w->entry = dl_xasprintf("%s" PART_SUFFIX, dl_digest_hex(digest));
	path = dl_path("tmp/%s", w->entry);
	r = dl_tmp_claim(path, &w->lock, reason);
	if (r == DL_EXIT_NO) {
		free(*reason);
		*reason = NULL;
		r = dl_tmp_make(w->entry, &w->lock, reason);
	}
	if (r) {
		/* held by another writer, or tmp/ missing: no resuming */
		free(*reason);
		*reason = NULL;
		free(w->entry);
		free(w);
		return dl_blob_begin(digest, size, out, reason);
	}
	w->h = dl_sha256_new();
	w->fd = openat(w->lock, DATA, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
		       0644);
	if (w->fd < 0) {
		r = sys_fail(reason, "tmp");
		dl_blob_abort(w);
		return r == DL_EXIT_NO ? DL_EXIT_FAIL : r;
	}
	r = rehash(w, reason);
	if (r) {
		dl_blob_abort(w);
		return r;
	}
	*out = w;
	return 0;
}

int dl_blob_rewind(struct dl_blob_writer *w, char **reason)
{
	*reason = NULL;
	if (ftruncate(w->fd, 0) < 0 || lseek(w->fd, 0, SEEK_SET) < 0)
		return sys_fail(reason, "tmp");
	dl_sha256_free(w->h);
	w->h = dl_sha256_new();
	return 0;
}

void dl_blob_keep(struct dl_blob_writer *w)
{
	if (!w || !w->part) {
		dl_blob_abort(w);
		return;
	}
	dl_closep(&w->fd);
	dl_closep(&w->lock);
	dl_sha256_free(w->h);
	free(w->entry);
	free(w);
}

/* fsync(2) the directory @path */
static int sync_dir(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 || fsync(fd) < 0 ? -1 : 0;
}

int dl_blob_commit(struct dl_blob_writer *w, char out[DL_DIGEST_LEN + 1],
		   char **reason)
{
	_cleanup_free_ char *dir = dl_path("blobs/sha256"), *dest = NULL;
	char got[DL_DIGEST_LEN + 1];
	uint64_t bytes = dl_sha256_bytes(w->h);
	int r = 0;

	*reason = NULL;
	dl_sha256_final(w->h, got);
	w->h = NULL;
	if (w->size >= 0 && bytes != (uint64_t)w->size)
		r = dl_fail(reason, DL_EXIT_REJECT,
			    "%" PRIu64 " bytes, shorter than its size %" PRId64,
			    bytes, w->size);
	else if (*w->want && strcmp(got, w->want))
		r = dl_fail(reason, DL_EXIT_REJECT, "the content's digest is %s",
			    got);
	else if (fsync(w->fd) < 0 || close(w->fd) < 0)
		r = sys_fail(reason, NULL);
	w->fd = -1;
	if (!r && dl_mkdir_p(dir, 0700) < 0)
		r = sys_fail(reason, dir);
	dl_fault("dl-blob:rename");
	if (!r) {
		dest = dl_blob_path(got);
		/* the same content is there already (another writer): ours
		 * is dropped with the tmp/ entry */
		if (renameat2(w->lock, DATA, AT_FDCWD, dest,
			      RENAME_NOREPLACE) < 0 &&
		    errno != EEXIST)
			r = sys_fail(reason, dest);
		else if (sync_dir(dir) < 0)
			r = sys_fail(reason, dir);
	}
	if (!r && out)
		memcpy(out, got, sizeof(got));
	dl_blob_abort(w);
	return r;
}

int dl_blob_put_fd(int fd, const char *digest, int64_t size,
		   char out[DL_DIGEST_LEN + 1], bool *stored, char **reason)
{
	_cleanup_free_ char *buf = NULL;
	struct dl_blob_writer *w = NULL;
	int r;

	if (stored)
		*stored = false;
	r = dl_blob_begin(digest, size, &w, reason);
	if (r)
		return r;
	if (!w) {
		if (out)
			memcpy(out, digest, DL_DIGEST_LEN + 1);
		return 0;
	}
	buf = dl_xmalloc(CHUNK);
	for (;;) {
		size_t want = CHUNK;
		ssize_t n;

		/* never more than one byte past the size: a longer blob is
		 * refused without being read whole */
		if (size >= 0 && (uint64_t)size + 1 - dl_blob_bytes(w) < want)
			want = (size_t)((uint64_t)size + 1 - dl_blob_bytes(w));
		n = read(fd, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = sys_fail(reason, NULL);
			break;
		}
		if (n == 0)
			break;
		r = dl_blob_write(w, buf, (size_t)n, reason);
		if (r)
			break;
	}
	if (r) {
		dl_blob_abort(w);
		return r;
	}
	r = dl_blob_commit(w, out, reason);
	if (!r && stored)
		*stored = true;
	return r;
}

int dl_blob_open(const char *digest, int *fd, char **reason)
{
	_cleanup_free_ char *path = NULL;

	*fd = -1;
	*reason = NULL;
	if (!dl_digest_valid(digest))
		return dl_fail(reason, DL_EXIT_USAGE, DL_DIGEST_INVALID);
	path = dl_blob_path(digest);
	*fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (*fd < 0) {
		if (errno == ENOENT)
			return dl_fail(reason, DL_EXIT_NO, "no such blob");
		return sys_fail(reason, NULL);
	}
	return 0;
}

int dl_blob_read(const char *digest, size_t max, char **buf, size_t *len,
		 char **reason)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	size_t got = 0;
	char *b;
	int r;

	*buf = NULL;
	*len = 0;
	r = dl_blob_open(digest, &fd, reason);
	if (r)
		return r;
	if (fstat(fd, &st) < 0)
		return sys_fail(reason, NULL);
	if ((uint64_t)st.st_size > max)
		return dl_fail(reason, DL_EXIT_REJECT,
			       "%jd bytes, larger than the limit %zu",
			       (intmax_t)st.st_size, max);
	b = dl_xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, b + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(b);
			if (n == 0)
				return dl_fail(reason, DL_EXIT_FAIL,
					       "shorter than its size");
			return sys_fail(reason, NULL);
		}
		got += (size_t)n;
	}
	b[got] = '\0';
	*buf = b;
	*len = got;
	return 0;
}
