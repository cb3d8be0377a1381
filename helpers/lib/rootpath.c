/* SPDX-License-Identifier: Apache-2.0 */
/* rootpath.c: paths and users inside a container root (openat2) */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "dl.h"
#include "dl/rootpath.h"

/* The most of /etc/passwd or /etc/group we read: a root is untrusted. */
#define ID_FILE_MAX (16u << 20)

int dl_openat2(int dirfd, const char *path, int flags, mode_t mode,
	       uint64_t resolve)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.mode = (flags & (O_CREAT | __O_TMPFILE)) ? mode : 0,
		.resolve = resolve,
	};
	int tries = 0;
	long fd;

	/* EAGAIN: a rename or mount raced with the resolution; retry a few
	 * times, not forever, for a container may keep renaming */
	do
		fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	while (fd < 0 && (errno == EINTR || errno == EAGAIN) && ++tries < 64);
	return (int)fd;
}

int dl_root_open(int rootfd, const char *path, int flags, mode_t mode)
{
	return dl_openat2(rootfd, *path ? path : "/", flags, mode,
			  RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

int dl_root_open_parent(int rootfd, const char *path, char **name)
{
	_cleanup_free_ char *copy = dl_xstrdup(path);
	size_t n = strlen(copy);
	char *base = copy, *slash;
	const char *dir = "/";
	int fd;

	*name = NULL;
	while (n > 0 && copy[n - 1] == '/')
		copy[--n] = '\0';
	if (n == 0)
		return dl_root_open(rootfd, "/", O_RDONLY | O_DIRECTORY, 0);
	slash = strrchr(copy, '/');
	if (slash) {
		*slash = '\0';
		base = slash + 1;
		if (*copy)
			dir = copy;
	}
	if (!strcmp(base, ".") || !strcmp(base, "..")) {
		if (slash)
			*slash = '/';
		return dl_root_open(rootfd, copy, O_RDONLY | O_DIRECTORY, 0);
	}
	fd = dl_root_open(rootfd, dir, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return -1;
	*name = dl_xstrdup(base);
	return fd;
}

int dl_root_mkdir_p(int rootfd, const char *path, mode_t mode)
{
	_cleanup_free_ char *p = dl_xstrdup(path);
	char *s = p;

	for (;;) {
		_cleanup_close_ int fd = -1, pfd = -1;
		_cleanup_free_ char *name = NULL;
		char *end;

		while (*s == '/')
			s++;
		if (!*s)
			return 0;
		end = s + strcspn(s, "/");
		if (*end)
			*end = '\0';
		else
			end = NULL;
		fd = dl_root_open(rootfd, p, O_PATH | O_DIRECTORY, 0);
		if (fd < 0 && errno == ENOENT) {
			pfd = dl_root_open_parent(rootfd, p, &name);
			if (pfd < 0)
				return -1;
			/* mkdirat() never follows a symlink in the way */
			if (name && mkdirat(pfd, name, mode) < 0 &&
			    errno != EEXIST)
				return -1;
			fd = dl_root_open(rootfd, p, O_PATH | O_DIRECTORY, 0);
		}
		if (fd < 0)
			return -1;
		if (!end)
			return 0;
		*end = '/';
		s = end;
	}
}

/* ---- users and groups ------------------------------------------------ */

/*
 * Read /etc/@file of the root into *@out; *@out stays NULL when there is
 * no such regular file (a fifo or device must not block or feed us).
 */
static int read_id_file(int rootfd, const char *file, char **out)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t n = 0;
	struct stat st;

	*out = NULL;
	fd = dl_root_open(rootfd, file, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR || errno == ELOOP
			       ? 0
			       : -1;
	if (fstat(fd, &st) < 0)
		return -1;
	if (!S_ISREG(st.st_mode))
		return 0;
	if ((uint64_t)st.st_size > ID_FILE_MAX) {
		errno = EFBIG;
		return -1;
	}
	buf = dl_xmalloc((size_t)st.st_size + 1);
	while (n < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + n, (size_t)st.st_size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*out = dl_steal_pointer(&buf);
	return 0;
}

/* Split @line at ':' into at most @max fields; return how many. */
static size_t split_fields(char *line, char **f, size_t max)
{
	size_t n = 0;

	while (n < max) {
		f[n++] = line;
		line = strchr(line, ':');
		if (!line)
			break;
		*line++ = '\0';
	}
	return n;
}

/* A decimal ID, 0..INT32_MAX as runc allows; -1 when not a number, -2
 * when a number out of range. */
static long long parse_id(const char *s)
{
	unsigned long long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > INT32_MAX)
			continue;
		v = v * 10 + (unsigned)(*s - '0');
	}
	return v > INT32_MAX ? -2 : (long long)v;
}

/* Trim surrounding blanks in place, as runc's TrimSpace. */
static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static bool in_list(const char *list, const char *name)
{
	size_t len = strlen(name);

	while (*list) {
		size_t n = strcspn(list, ",");

		if (n == len && !strncmp(list, name, n))
			return true;
		list += n;
		if (*list)
			list++;
	}
	return false;
}

static int user_fail(char **reason, int code, const char *what,
		     const char *s, const char *why)
{
	*reason = dl_xasprintf("unable to %s '%s': %s", what, s, why);
	return code;
}

/* Find the user in passwd text @pw: by uid when @num >= 0, else by name. */
static bool find_user(char *pw, const char *name, long long num,
		      struct dl_user *u, char **uname)
{
	char *save = NULL, *line;

	for (line = strtok_r(pw, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[7] = { 0 };
		long long uid, gid;
		size_t n;

		line = trim(line);
		if (!*line)
			continue;
		n = split_fields(line, f, 7);
		uid = n > 2 ? parse_id(f[2]) : -1;
		gid = n > 3 ? parse_id(f[3]) : -1;
		if (num >= 0 ? uid != num : strcmp(f[0], name) != 0)
			continue;
		u->uid = uid >= 0 ? (uid_t)uid : 0;
		u->gid = gid >= 0 ? (gid_t)gid : 0;
		if (n > 5 && *f[5]) {
			free(u->home);
			u->home = dl_xstrdup(f[5]);
		}
		*uname = dl_xstrdup(f[0]);
		return true;
	}
	return false;
}

/*
 * Scan group text @gr: with @gname set, find that group (by gid when
 * @gnum >= 0) and set u->gid; else collect the groups listing @uname.
 */
static bool scan_groups(char *gr, const char *gname, long long gnum,
			const char *uname, struct dl_user *u)
{
	char *save = NULL, *line;
	size_t cap = 0;

	for (line = strtok_r(gr, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[4] = { 0 };
		long long gid;
		size_t n;

		line = trim(line);
		if (!*line)
			continue;
		n = split_fields(line, f, 4);
		gid = n > 2 ? parse_id(f[2]) : -1;
		if (gid < 0)
			gid = 0;
		if (gname) {
			if (gnum >= 0 ? gid != gnum : strcmp(f[0], gname) != 0)
				continue;
			u->gid = (gid_t)gid;
			return true;
		}
		if (n < 4 || !in_list(f[3], uname))
			continue;
		if (u->ngids == cap) {
			cap = cap ? 2 * cap : 8;
			u->gids = dl_xrealloc(u->gids, cap * sizeof(*u->gids));
		}
		u->gids[u->ngids++] = (gid_t)gid;
	}
	return false;
}

int dl_root_user(int rootfd, const char *spec, struct dl_user *out,
		 char **reason)
{
	_cleanup_free_ char *copy = dl_xstrdup(spec);
	_cleanup_free_ char *pw = NULL, *gr = NULL, *uname = NULL;
	struct dl_user u = { 0 };
	char *user = copy, *group = strchr(copy, ':');
	long long unum, gnum = -1;

	*reason = NULL;
	if (group) {
		*group++ = '\0';
		if (!*group)
			group = NULL;
	}
	unum = *user ? parse_id(user) : 0;
	if (group)
		gnum = parse_id(group);
	if (unum == -2 || gnum == -2)
		return user_fail(reason, DL_EXIT_USAGE, "use user", spec,
				 "uids and gids must be in range "
				 "0-2147483647");
	u.home = dl_xstrdup("/");
	if (read_id_file(rootfd, "/etc/passwd", &pw) < 0)
		goto on_sys;
	if (!pw || !find_user(pw, user, unum, &u, &uname)) {
		if (unum < 0) {
			dl_user_free(&u);
			return user_fail(reason, DL_EXIT_NO, "find user", user,
					 "no matching entries in passwd file");
		}
		u.uid = (uid_t)unum;
	}
	if (group || uname) {
		if (read_id_file(rootfd, "/etc/group", &gr) < 0)
			goto on_sys;
		if (!(gr && scan_groups(gr, group, gnum, uname, &u)) && group) {
			if (gnum < 0) {
				dl_user_free(&u);
				return user_fail(reason, DL_EXIT_NO,
						 "find group", group,
						 "no matching entries in "
						 "group file");
			}
			u.gid = (gid_t)gnum;
		}
	}
	*out = u;
	return 0;

on_sys:
	*reason = dl_xasprintf("unable to read the users of the root: %s",
			       strerror(errno));
	dl_user_free(&u);
	return DL_EXIT_FAIL;
}

void dl_user_free(struct dl_user *u)
{
	free(u->gids);
	free(u->home);
	u->gids = NULL;
	u->home = NULL;
	u->ngids = 0;
}
