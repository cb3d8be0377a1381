/* SPDX-License-Identifier: Apache-2.0 */
/* dl-cp: copy files between a container's root and the host, as docker cp */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dl.h"
#include "dl/archive.h"
#include "dl/rootpath.h"
#include "dl/tree.h"
#include "dl/treetar.h"

#define USAGE "dl-cp [-a] SOURCE DEST"
#define OPTIONS                                                                \
	"  -a  archive: keep the owners of the source (default: root in the\n" \
	"      container, the caller on the host)\n"                          \
	"\nOne of SOURCE and DEST is CONTAINER_ID:PATH, the other a host "      \
	"path, or -\n"                                                          \
	"for a tar stream: on stdin, extracted into the directory DEST; on\n" \
	"stdout, of SOURCE (owners kept, with or without -a).\n"

/* One side of the copy: a host path, or a path in a container root. */
struct loc {
	const char *arg;  /* the operand, for messages */
	const char *path; /* the path (in the container: below its root) */
	int rootfd;       /* the container root, or -1 on the host */
};

/* How the lib copies: unless -a, what we make is owned by root in the
 * container, by the caller on the host (DL_COPY_CHOWN). */
static struct dl_copy_opts opts;

/* A non-directory source: its name in the directory holding it, so that
 * it is copied as it is, never followed. */
static struct {
	int dir;
	const char *name;
} srcat = { -1, NULL };

/* The last component of @p, trailing slashes dropped (malloc'd). */
static char *base_name(const char *p)
{
	size_t n = strlen(p);
	const char *s;

	while (n > 1 && p[n - 1] == '/')
		n--;
	for (s = p + n; s > p && s[-1] != '/'; s--)
		;
	return dl_xasprintf("%.*s", (int)(n - (size_t)(s - p)), s);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* Open @l->path, following every symlink (inside the root for a container). */
static int loc_open(const struct loc *l, int flags)
{
	if (l->rootfd >= 0)
		return dl_root_open(l->rootfd, l->path, flags, 0);
	return open(l->path, flags | O_CLOEXEC);
}

/* The directory holding the last component of @l->path, and its name
 * (NULL when the path names a directory itself: "/", ".", ".."). */
static int loc_open_parent(const struct loc *l, char **name)
{
	_cleanup_free_ char *dir = NULL, *base = NULL;
	const char *p = l->path;
	size_t n = strlen(p);
	int fd;

	if (l->rootfd >= 0)
		return dl_root_open_parent(l->rootfd, p, name);
	*name = NULL;
	base = base_name(p);
	if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
		return open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	while (n > 1 && p[n - 1] == '/')
		n--;
	n -= strlen(base);
	while (n > 1 && p[n - 1] == '/')
		n--;
	dir = n ? dl_xasprintf("%.*s", (int)n, p) : dl_xstrdup(".");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		*name = dl_steal_pointer(&base);
	return fd;
}

static int reopen(int fd, int flags)
{
	char p[64];

	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	return open(p, flags | O_CLOEXEC);
}

static char *temp_name(void)
{
	unsigned char r[6];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		dl_die_sys(DL_EXIT_FAIL, "unable to make 'temporary name'");
	return dl_xasprintf(".dl-cp-%02x%02x%02x%02x%02x%02x", r[0], r[1],
			    r[2], r[3], r[4], r[5]);
}

/* Make a copy of the non-directory source as @name in @dir, replacing a
 * non-directory there: built under a temporary name, then renamed. */
static int put_node(int dir, const char *name, char **why)
{
	_cleanup_free_ char *tmp = temp_name();
	int r;

	r = dl_copy_at(srcat.dir, srcat.name, dir, tmp, &opts, why);
	if (!r && renameat(dir, tmp, dir, name) < 0) {
		*why = dl_xasprintf("unable to rename: %s", strerror(errno));
		r = DL_EXIT_FAIL;
	}
	if (r)
		unlinkat(dir, tmp, 0);
	return r;
}

static void rm_tree(int dir, const char *name)
{
	_cleanup_close_ int fd = -1;
	struct dirent *e;
	DIR *d;

	if (unlinkat(dir, name, 0) == 0 || errno != EISDIR)
		return;
	fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(dl_steal_fd(&fd))))
		return;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			rm_tree(dirfd(d), e->d_name);
	closedir(d);
	unlinkat(dir, name, AT_REMOVEDIR);
}

/* Copy directory @sfd into @dfd (existing: merged, contents replacing). */
static void merge_dir(int sfd, int dfd, unsigned flags, const char *shown)
{
	_cleanup_close_ int s = -1;
	_cleanup_free_ char *why = NULL;
	struct dl_copy_opts o = opts;

	s = openat(sfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to open '%s'", shown);
	o.flags |= flags;
	if (dl_copy_tree_opts(s, dfd, &o, NULL, &why))
		dl_die(DL_EXIT_FAIL, "unable to copy to '%s': %s", shown, why);
}

/* Merge the contents of directory @sfd into the existing directory @dfd,
 * which keeps its own owner and mode (docker cp would give it those of
 * the source, /tmp losing its sticky bit). */
static void merge_contents(int sfd, int dfd, const char *shown)
{
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { 0, UTIME_NOW } };
	struct stat st;

	if (fstat(dfd, &st) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to stat '%s'", shown);
	merge_dir(sfd, dfd, DL_COPY_MERGE, shown);
	if (fchown(dfd, st.st_uid, st.st_gid) < 0 ||
	    fchmod(dfd, st.st_mode & 07777) < 0 || futimens(dfd, ts) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to restore '%s'", shown);
}

/* A new directory @name in @dir holding a copy of @sfd: made under a
 * temporary name and renamed into place, or not at all. */
static void new_dir(int sfd, int dir, const char *name, const char *shown)
{
	_cleanup_free_ char *tmp = temp_name(), *why = NULL;
	_cleanup_close_ int s = -1, t = -1;

	s = openat(sfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to open '%s'", shown);
	if (mkdirat(dir, tmp, 0700) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to create '%s'", shown);
	t = openat(dir, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (t < 0 || dl_copy_tree_opts(s, t, &opts, NULL, &why)) {
		rm_tree(dir, tmp);
		dl_die(DL_EXIT_FAIL, "unable to copy to '%s': %s", shown,
		       why ? why : strerror(errno));
	}
	if (renameat2(dir, tmp, dir, name, RENAME_NOREPLACE) < 0) {
		int e = errno;

		rm_tree(dir, tmp);
		errno = e;
		dl_die_sys(DL_EXIT_FAIL, "unable to create '%s'", shown);
	}
}

/* Put source @sfd as @name in directory @dir, docker cp's way. */
static void put(int sfd, const struct stat *sst, int dir, const char *name,
		const char *src, const char *shown)
{
	_cleanup_free_ char *why = NULL;
	_cleanup_close_ int t = -1;
	struct stat st;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			dl_die_sys(DL_EXIT_FAIL, "unable to stat '%s'", shown);
		if (S_ISDIR(sst->st_mode))
			new_dir(sfd, dir, name, shown);
		else if (put_node(dir, name, &why))
			dl_die(DL_EXIT_FAIL, "unable to copy to '%s': %s",
			       shown, why);
		return;
	}
	if (S_ISDIR(sst->st_mode) != S_ISDIR(st.st_mode))
		dl_die(DL_EXIT_CONFLICT, "unable to copy '%s' to '%s': cannot "
		       "overwrite a %sdirectory with a %sdirectory", src,
		       shown, S_ISDIR(st.st_mode) ? "" : "non-",
		       S_ISDIR(sst->st_mode) ? "" : "non-");
	if (!S_ISDIR(st.st_mode)) {
		if (put_node(dir, name, &why))
			dl_die(DL_EXIT_FAIL, "unable to copy to '%s': %s",
			       shown, why);
		return;
	}
	t = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (t < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to open '%s'", shown);
	merge_dir(sfd, t, DL_COPY_MERGE, shown);
}

/* Overwrite an existing file @dst (its final symlink followed) with @sfd. */
static void overwrite(int sfd, const struct stat *sst, const struct loc *dst,
		      int dfd, const char *src)
{
	_cleanup_free_ char *name = NULL, *why = NULL;
	_cleanup_close_ int pfd = -1, in = -1, out = -1;
	struct stat st;

	if (S_ISDIR(sst->st_mode))
		dl_die(DL_EXIT_CONFLICT, "unable to copy '%s' to '%s': cannot "
		       "copy a directory to a file", src, dst->arg);
	pfd = loc_open_parent(dst, &name);
	if (pfd < 0 || !name)
		dl_die_sys(DL_EXIT_FAIL, "unable to open '%s'", dst->arg);
	if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to stat '%s'", dst->arg);
	if (!S_ISLNK(st.st_mode)) {
		put(sfd, sst, pfd, name, src, dst->arg);
		return;
	}
	/* a symlink: write through it, as docker cp (inside the root) */
	if (fstat(dfd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    !S_ISREG(sst->st_mode))
		dl_die(DL_EXIT_CONFLICT, "unable to copy '%s' to '%s': the "
		       "destination is a symlink to a special file", src,
		       dst->arg);
	in = reopen(sfd, O_RDONLY | O_NONBLOCK);
	out = reopen(dfd, O_WRONLY);
	if (in < 0 || out < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to copy to '%s'", dst->arg);
	if (dl_copy_file_fd(in, out, &opts, &why))
		dl_die(DL_EXIT_FAIL, "unable to copy to '%s': %s", dst->arg,
		       why);
}

/* "ID:PATH": the container ID and the path; NULL for a host path. */
static const char *container_path(const char *arg, char id[DL_ID_LEN + 1])
{
	if (strlen(arg) <= DL_ID_LEN || arg[DL_ID_LEN] != ':')
		return NULL;
	memcpy(id, arg, DL_ID_LEN);
	id[DL_ID_LEN] = '\0';
	if (!dl_is_id(id))
		return NULL;
	return *(arg + DL_ID_LEN + 1) ? arg + DL_ID_LEN + 1 : "/";
}

/* dl-cp - ID:DIR: a tar on stdin, extracted (hardened) into DIR. */
static int tar_in(const struct loc *dst)
{
	_cleanup_free_ char *reason = NULL;
	_cleanup_close_ int dfd = loc_open(dst, O_PATH), d = -1;
	struct stat st;
	int r;

	if (dfd < 0 || fstat(dfd, &st) < 0)
		dl_die(errno == ENOENT || errno == ENOTDIR ? DL_EXIT_NO
							   : DL_EXIT_FAIL,
		       "unable to copy to '%s': %s", dst->arg,
		       errno == ENOENT ? "no such directory" : strerror(errno));
	if (!S_ISDIR(st.st_mode))
		dl_die(DL_EXIT_NO, "unable to copy to '%s': not a directory",
		       dst->arg);
	d = reopen(dfd, O_RDONLY | O_DIRECTORY);
	if (d < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to open '%s'", dst->arg);
	if ((r = dl_extract_fd(STDIN_FILENO, d, NULL, &reason)))
		dl_die(r, "unable to extract '-' into '%s': %s", dst->arg,
		       reason);
	return dl_finish_stdout();
}

/* dl-cp ID:PATH -: PATH (and all below it) as a tar on stdout. */
static int tar_out(const struct loc *src)
{
	_cleanup_free_ char *reason = NULL, *name = NULL;
	_cleanup_close_ int pfd = loc_open_parent(src, &name);
	int r;

	if (pfd < 0)
		dl_die(errno == ENOENT || errno == ENOTDIR ? DL_EXIT_NO
							   : DL_EXIT_FAIL,
		       "unable to copy '%s': %s", src->arg,
		       errno == ENOENT ? "no such file or directory"
				       : strerror(errno));
	if (!name)
		name = dl_xstrdup(".");
	if (fflush(stdout) != 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to write to stdout");
	if ((r = dl_tree_tar(pfd, name, STDOUT_FILENO, &reason)))
		dl_die(r, "unable to copy '%s': %s", src->arg, reason);
	return dl_finish_stdout();
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *root = NULL, *sname = NULL, *dname = NULL;
	_cleanup_close_ int rootfd = -1, spfd = -1, sfd = -1, dfd = -1;
	_cleanup_close_ int dpfd = -1;
	struct loc src, dst;
	struct stat sst, dst_st;
	char id[DL_ID_LEN + 1];
	const char *sp, *dp;
	bool contents, archive = false;
	int c;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	while ((c = getopt(argc, argv, "+a")) != -1) {
		if (c != 'a')
			dl_usage(USAGE);
		archive = true;
	}
	if (argc - optind != 2)
		dl_usage(USAGE);
	src = (struct loc){ argv[optind], argv[optind], -1 };
	dst = (struct loc){ argv[optind + 1], argv[optind + 1], -1 };
	sp = container_path(src.arg, id);
	dp = container_path(dst.arg, id);
	if (!sp == !dp || !*src.path || !*dst.path)
		dl_usage(USAGE);
	dl_store_need();
	root = dl_path("containers/%s/rootfs", id);
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		dl_die(errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
		       "unable to copy '%s': %s", sp ? src.arg : dst.arg,
		       errno == ENOENT ? "no such container" : strerror(errno));
	if (sp) {
		src.path = sp;
		src.rootfd = rootfd;
	} else {
		dst.path = dp;
		dst.rootfd = rootfd;
	}
	if (!strcmp(sp ? dst.path : src.path, "-"))
		return sp ? tar_out(&src) : tar_in(&dst);
	if (!archive)
		opts = (struct dl_copy_opts){ .flags = DL_COPY_CHOWN,
					      .uid = dp ? 0 : getuid(),
					      .gid = dp ? 0 : getgid() };

	/* the source: its final symlink is copied as it is, unless the path
	 * ends in "/" or "/." (and "/." copies the contents) */
	contents = ends_with(src.path, "/.") || !strcmp(src.path, ".");
	spfd = loc_open_parent(&src, &sname);
	if (spfd >= 0 && !sname)
		contents = true;
	if (spfd >= 0)
		sfd = !sname ? dup(spfd)
		      : ends_with(src.path, "/") || contents
			      ? loc_open(&src, O_PATH)
			      : openat(spfd, sname, O_PATH | O_NOFOLLOW |
							    O_CLOEXEC);
	if (sfd < 0 || fstat(sfd, &sst) < 0) {
		if (errno == ENOENT)
			dl_die(DL_EXIT_NO, "unable to copy '%s': no such file "
			       "or directory", src.arg);
		if (errno == ENOTDIR)
			dl_die(DL_EXIT_NO, "unable to copy '%s': not a "
			       "directory", src.arg);
		dl_die_sys(DL_EXIT_FAIL, "unable to copy '%s'", src.arg);
	}
	srcat.dir = spfd;
	srcat.name = sname;
	if (contents && !S_ISDIR(sst.st_mode))
		dl_die(DL_EXIT_NO, "unable to copy '%s': not a directory",
		       src.arg);

	/* the destination: every symlink followed (inside the root) */
	dfd = loc_open(&dst, O_PATH);
	if (dfd >= 0) {
		if (fstat(dfd, &dst_st) < 0)
			dl_die_sys(DL_EXIT_FAIL, "unable to stat '%s'", dst.arg);
		if (!S_ISDIR(dst_st.st_mode)) {
			overwrite(sfd, &sst, &dst, dfd, src.arg);
		} else {
			_cleanup_close_ int d = reopen(dfd, O_RDONLY |
								O_DIRECTORY);
			_cleanup_free_ char *into = NULL;

			if (d < 0)
				dl_die_sys(DL_EXIT_FAIL, "unable to open '%s'",
					   dst.arg);
			if (contents) {
				merge_contents(sfd, d, dst.arg);
			} else {
				into = dl_xasprintf("%s%s%s", dst.arg,
						    ends_with(dst.arg, "/") ? ""
									    : "/",
						    sname);
				put(sfd, &sst, d, sname, src.arg, into);
			}
		}
		return dl_finish_stdout();
	}
	if (errno != ENOENT)
		dl_die_sys(errno == ENOTDIR ? DL_EXIT_NO : DL_EXIT_FAIL,
			   "unable to copy to '%s'", dst.arg);
	if (ends_with(dst.path, "/") && !S_ISDIR(sst.st_mode))
		dl_die(DL_EXIT_NO, "unable to copy to '%s': no such directory",
		       dst.arg);
	dpfd = loc_open_parent(&dst, &dname);
	if (dpfd < 0 || !dname)
		dl_die(DL_EXIT_NO, "unable to copy to '%s': no such file or "
		       "directory", dst.arg);
	if (fstatat(dpfd, dname, &dst_st, AT_SYMLINK_NOFOLLOW) == 0)
		dl_die(DL_EXIT_NO, "unable to copy to '%s': a dangling "
		       "symlink is in the way", dst.arg);
	put(sfd, &sst, dpfd, dname, src.arg, dst.arg);
	return dl_finish_stdout();
}
