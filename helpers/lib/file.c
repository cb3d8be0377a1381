/* SPDX-License-Identifier: Apache-2.0 */
/* file.c: whole-file I/O, atomic writes */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dl.h"

static int fsync_parent(const char *path)
{
	_cleanup_free_ char *copy = dl_xstrdup(path);
	_cleanup_close_ int fd = -1;

	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	return fsync(fd);
}

int dl_write_file_atomic(const char *path, const void *buf, size_t len,
			 mode_t mode)
{
	return dl_write_file_atomic_flags(path, buf, len, mode, 0);
}

int dl_write_file_atomic_flags(const char *path, const void *buf, size_t len,
			       mode_t mode, unsigned int flags)
{
	_cleanup_free_ char *tmp = NULL;
	_cleanup_close_ int fd = -1;
	bool sync = !(flags & DL_WRITE_NOSYNC);
	const char *p = buf;
	int saved;

	tmp = dl_xasprintf("%s.tmp.%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto on_error;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fchmod(fd, mode) < 0 || (sync && fsync(fd) < 0))
		goto on_error;
	if (close(dl_steal_fd(&fd)) < 0)
		goto on_error;
	if (rename(tmp, path) < 0)
		goto on_error;
	return sync ? fsync_parent(path) : 0;

on_error:
	saved = errno;
	unlink(tmp);
	errno = saved;
	return -1;
}

int dl_read_file(const char *path, char **out, size_t *len)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t cap = 4096, n = 0;
	int in;

	if (!strcmp(path, "-")) {
		in = 0;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -1;
		in = fd;
	}
	buf = dl_xmalloc(cap);
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap) {
			cap *= 2;
			buf = dl_xrealloc(buf, cap);
		}
		r = read(in, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	*out = dl_steal_pointer(&buf);
	return 0;
}

int dl_mkdir_p(const char *path, mode_t mode)
{
	_cleanup_free_ char *p = dl_xstrdup(path);
	char *s = p;

	for (;;) {
		s = strchr(s + 1, '/');
		if (s)
			*s = '\0';
		if (*p && mkdir(p, mode) < 0 && errno != EEXIST)
			return -1;
		if (!s)
			return 0;
		*s = '/';
	}
}

int dl_file_new(const char *file)
{
	const char *slash = strrchr(file, '/');
	_cleanup_free_ char *dir = NULL;

	dir = slash ? dl_xasprintf("%.*s", (int)(slash - file + 1), file)
		    : dl_xstrdup(".");
	return open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
}

int dl_file_publish(int fd, const char *file)
{
	_cleanup_free_ char *tmp = dl_xasprintf("%s.%ld.tmp", file,
						(long)getpid());
	char proc[64];
	int e;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (fsync(fd) < 0)
		return -1;
	if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) < 0 &&
	    (errno != ENOENT ||
	     linkat(fd, "", AT_FDCWD, tmp, AT_EMPTY_PATH) < 0))
		return -1;
	if (rename(tmp, file) == 0)
		return 0;
	e = errno;
	unlink(tmp);
	errno = e;
	return -1;
}
