/* SPDX-License-Identifier: Apache-2.0 */
/* dl-build-copy: copy the sources of a COPY or ADD into a new image made
 * from another one's root, without a container */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dl.h"
#include "dl/derive.h"
#include "dl/dfcontext.h"
#include "dl/helper.h"
#include "dl/imgconfig.h"
#include "dl/rootpath.h"
#include "dl/tree.h"

#define USAGE                                                                  \
	"dl-build-copy [-I] [-x] [-u USER[:GROUP]] [-m MODE] [-H] "            \
	"[-C CONFIG] DIR IMAGE_ID DEST SOURCE..."
#define OPTIONS                                                                \
	"  -I                no .dockerignore (DIR is a stage's root)\n"     \
	"  -x                extract the sources that are tar archives (ADD)\n" \
	"  -u USER[:GROUP]   owner of what is copied, resolved in the\n"     \
	"                    image (default 0:0)\n"                          \
	"  -m MODE           octal mode of what is copied\n"                 \
	"  -H                a hidden image: listed by dl-image-ls -a only,\n" \
	"                    removed with its last child (dl build's steps)\n" \
	"  -C CONFIG         the new image's config, used as it is (a file,\n" \
	"                    - for stdin; make it with dl-image-config -b);\n" \
	"                    default: IMAGE_ID's\n"                           \
	"\nThe new image is IMAGE_ID's root with the sources copied in; its ID\n" \
	"is printed.  SOURCE is a path in DIR, its components globs; DEST an\n" \
	"absolute path in the image, a directory when it ends in '/'.\n"

static struct {
	int rootfd;
	struct dl_copy_opts o;
	long mode; /* -1: kept */
	const char *dest; /* the directory the entries go in */
	const char *top;  /* the source, cut from the walk's paths */
	const struct dl_ignore *ig;
	char *pdir; /* the directory the last file went in, open in pfd */
	int pfd;
} c = { .mode = -1, .pfd = -1 };

/* Forget the open directory of the last file: a directory is made or
 * left, or another source begins */
static void parent_forget(void)
{
	dl_closep(&c.pfd);
	free(c.pdir);
	c.pdir = NULL;
}

/* The directory holding @path in the container, opened once for the files
 * of one directory; @last receives the last component (malloc'd), NULL
 * when @path names a directory.  Not to be closed: -1 with errno set. */
static int parent_open(const char *path, char **last)
{
	const char *slash = strrchr(path, '/');
	_cleanup_free_ char *dir = NULL;
	const char *base;

	*last = NULL;
	if (!slash || !slash[1] || !strcmp(slash + 1, ".") ||
	    !strcmp(slash + 1, "..")) {
		parent_forget();
		c.pfd = dl_root_open_parent(c.rootfd, path, last);
		return c.pfd;
	}
	base = slash + 1;
	dir = slash == path ? dl_xstrdup("/")
			    : dl_xasprintf("%.*s", (int)(slash - path), path);
	if (!c.pdir || c.pfd < 0 || strcmp(c.pdir, dir)) {
		parent_forget();
		c.pfd = dl_root_open(c.rootfd, dir, O_RDONLY | O_DIRECTORY, 0);
		if (c.pfd < 0)
			return -1;
		c.pdir = dir;
		dir = NULL;
	}
	*last = dl_xstrdup(base);
	return c.pfd;
}

static int chmod_at(int dfd, const char *name, const struct stat *st,
		    char **reason)
{
	if (c.mode < 0 || S_ISLNK(st->st_mode))
		return 0;
	if (fchmodat(dfd, name, (mode_t)c.mode, 0) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "unable to chmod '%s': %s",
			       name, strerror(errno));
	return 0;
}

/* The path in the container of @rel (a path under the source) */
static char *target(const char *rel)
{
	const char *sub = rel + strlen(c.top);

	sub += *sub == '/';
	return *sub ? dl_xasprintf("%s/%s", c.dest, sub) : dl_xstrdup(c.dest);
}

static int enter(int dirfd, const char *name, const char *rel,
		 const struct stat *st, void *ctx, char **reason)
{
	_cleanup_free_ char *path = target(rel), *last = NULL;
	int pfd;

	if (S_ISDIR(st->st_mode)) {
		_cleanup_close_ int fd = -1;
		bool top = !strcmp(rel, c.top), made = false;

		parent_forget();

		if (top) {
			/* DEST, when made, is 755 and the owner's, as
			 * buildah makes it; an existing one is left as it is */
			fd = dl_root_open(c.rootfd, path, O_PATH, 0);
			made = fd < 0;
			dl_closep(&fd);
		}
		if (dl_root_mkdir_p(c.rootfd, path,
				    top ? 0755 : st->st_mode & 07777) < 0 ||
		    (fd = dl_root_open(c.rootfd, path,
				       O_RDONLY | O_DIRECTORY, 0)) < 0)
			return dl_fail(reason, DL_EXIT_FAIL,
				       "unable to make '%s': %s", path,
				       strerror(errno));
		if (top) {
			if (made && fchown(fd, c.o.uid, c.o.gid) < 0)
				return dl_fail(reason, DL_EXIT_FAIL,
					       "unable to chown '%s': %s", path,
					       strerror(errno));
			return 0;
		}
		if (fchown(fd, c.o.uid, c.o.gid) < 0 ||
		    fchmod(fd, c.mode >= 0 ? (mode_t)c.mode
					   : st->st_mode & 07777) < 0)
			return dl_fail(reason, DL_EXIT_FAIL,
				       "unable to set '%s': %s", path,
				       strerror(errno));
		return 0;
	}
	pfd = parent_open(path, &last);
	if (pfd < 0 || !last)
		return dl_fail(reason, DL_EXIT_FAIL, "unable to open '%s': %s",
			       path, pfd < 0 ? strerror(errno) : "not a file");
	if (dl_copy_at(dirfd, name, pfd, last, &c.o, reason))
		return DL_EXIT_FAIL;
	return chmod_at(pfd, last, st, reason);
}

static int leave(int dirfd, const char *name, const char *rel,
		 const struct stat *st, void *ctx, char **reason)
{
	_cleanup_free_ char *path = target(rel);
	_cleanup_close_ int fd = dl_root_open(c.rootfd, path,
					      O_RDONLY | O_DIRECTORY, 0);
	struct timespec t[2] = { st->st_atim, st->st_mtim };

	parent_forget();
	/* the directory's mtime, as its entries left it, is the source's */
	if (fd >= 0 && strcmp(rel, c.top))
		futimens(fd, t);
	return 0;
}

/* A tar, plain or compressed, by its first bytes, as ADD tells one */
static bool is_archive(int dirfd, const char *name)
{
	unsigned char b[512];
	_cleanup_close_ int fd = openat(dirfd, name,
					O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : pread(fd, b, sizeof(b), 0);

	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return true;
	if (n >= 3 && !memcmp(b, "BZh", 3))
		return true;
	if (n >= 6 && !memcmp(b, "\xfd" "7zXZ\0", 6))
		return true;
	if (n >= 4 && !memcmp(b, "\x28\xb5\x2f\xfd", 4))
		return true;
	return n == 512 && !memcmp(b + 257, "ustar", 5);
}

/*
 * Extract the archive @name of the context @ctx beneath the directory @out
 * with dl-extract, the one hardened extractor, in a process of its own (so
 * that only ADD pays for loading libarchive).  It is handed @out as a
 * descriptor.  Return: its exit code, after its own message.
 */
static int extract_add(int ctx, const char *name, int out)
{
	_cleanup_free_ char *dir = NULL;
	int keep = fcntl(out, F_DUPFD, 3), rc;
	const char *argv[] = { "dl-extract", name, NULL, NULL };

	if (keep < 0)
		return DL_EXIT_FAIL;
	dir = dl_xasprintf("/proc/self/fd/%d", keep);
	argv[2] = dir;
	rc = dl_helper_run(argv, -1, -1, ctx);
	close(keep);
	return rc;
}

static struct dl_derive work = { .lock = -1 };

static void undo(void)
{
	_cleanup_free_ char *why = NULL;

	if (dl_derive_undo(&work, &why))
		dl_warn("%s", why);
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *why = NULL, *cfgpath = NULL;
	json_t *cfg = NULL;
	_cleanup_close_ int dfd = -1;
	struct dl_ignore *ig = NULL;
	const char *user = NULL, *dest;
	char **all = NULL;
	size_t nall = 0, i;
	bool noignore = false, extract = false, hidden = false, todir;
	struct dl_ctx_visit v = { enter, leave, NULL };
	int opt, rc;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	while ((opt = getopt(argc, argv, "+Ixu:m:HC:")) != -1) {
		char *end;

		switch (opt) {
		case 'I':
			noignore = true;
			break;
		case 'x':
			extract = true;
			break;
		case 'u':
			user = optarg;
			break;
		case 'H':
			hidden = true;
			break;
		case 'C':
			free(cfgpath);
			cfgpath = dl_xstrdup(optarg);
			break;
		case 'm':
			c.mode = strtol(optarg, &end, 8);
			if (*end || end == optarg || c.mode < 0 ||
			    c.mode > 07777)
				dl_die(DL_EXIT_USAGE, "unable to use mode '%s': "
				       "not an octal mode", optarg);
			break;
		default:
			dl_usage(USAGE);
		}
	}
	if (argc - optind < 4)
		dl_usage(USAGE);
	if (!dl_is_id(argv[optind + 1]))
		dl_die(DL_EXIT_USAGE, "unable to copy into image '%s': "
		       DL_ID_INVALID, argv[optind + 1]);
	dest = argv[optind + 2];
	if (*dest != '/')
		dl_die(DL_EXIT_USAGE, "unable to copy to '%s': not an absolute "
		       "path", dest);
	dl_store_need();
	if (!cfgpath)
		cfgpath = dl_path("images/%s/config.json", argv[optind + 1]);
	rc = dl_imgconfig_load(cfgpath, &cfg, &why);
	if (rc)
		dl_die(rc, "%s", why);
	dfd = open(argv[optind], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		dl_die_sys(errno == ENOENT ? DL_EXIT_NO : DL_EXIT_FAIL,
			   "unable to open '%s'", argv[optind]);
	if (!noignore && (rc = dl_ignore_load(dfd, &ig, &why)))
		dl_die(rc, "unable to read '%s': %s", argv[optind], why);
	/* side effects from here on: undone at exit unless published */
	atexit(undo);
	rc = dl_derive_begin(&work, argv[optind + 1], &why);
	if (rc)
		dl_die(rc, "%s", why);
	c.rootfd = open(work.rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c.rootfd < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to open '%s'", work.rootfs);
	c.ig = ig;
	c.o.flags = DL_COPY_MERGE | DL_COPY_CHOWN;
	if (user) {
		struct dl_user u = { 0 };

		rc = dl_root_user(c.rootfd, user, &u, &why);
		if (rc)
			dl_die(rc, "%s", why);
		c.o.uid = u.uid;
		c.o.gid = u.gid;
		dl_user_free(&u);
	}
	for (i = (size_t)optind + 3; i < (size_t)argc; i++) {
		char **m;
		size_t n, j;

		rc = dl_ctx_glob(dfd, argv[i], ig, &m, &n, &why);
		if (rc)
			dl_die(rc, "unable to copy '%s': %s", argv[i], why);
		all = dl_xrealloc(all, (nall + n) * sizeof(*all));
		for (j = 0; j < n; j++)
			all[nall++] = m[j];
		free(m);
	}
	todir = dest[strlen(dest) - 1] == '/';
	if (nall > 1 && !todir)
		dl_die(DL_EXIT_REJECT, "unable to copy to '%s': several sources "
		       "need a directory, ending in '/'", dest);
	for (i = 0; i < nall; i++) {
		_cleanup_free_ char *d = dl_xstrdup(dest), *one = NULL;
		const char *src = *all[i] ? all[i] : ".";
		const char *base = strrchr(src, '/');
		struct stat st, dst;

		base = base ? base + 1 : src;
		while (strlen(d) > 1 && d[strlen(d) - 1] == '/')
			d[strlen(d) - 1] = '\0';
		if (fstatat(dfd, src, &st, AT_SYMLINK_NOFOLLOW) < 0)
			dl_die_sys(DL_EXIT_FAIL, "unable to copy '%s'", src);
		if (extract && S_ISREG(st.st_mode) && is_archive(dfd, src)) {
			_cleanup_close_ int out = -1;

			if (dl_root_mkdir_p(c.rootfd, d, 0755) < 0 ||
			    (out = dl_root_open(c.rootfd, d,
						O_RDONLY | O_DIRECTORY, 0)) < 0)
				dl_die_sys(DL_EXIT_FAIL, "unable to make '%s'", d);
			/* dl-extract says why it fails */
			rc = extract_add(dfd, src, out);
			if (rc)
				exit(rc);
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			_cleanup_close_ int fd = -1;
			char *slash;

			/* a file goes in DEST when DEST is a directory */
			fd = dl_root_open(c.rootfd, d, O_PATH, 0);
			if (todir || (fd >= 0 && !fstat(fd, &dst) &&
				      S_ISDIR(dst.st_mode))) {
				one = dl_xasprintf("%s%s%s", d,
						   strcmp(d, "/") ? "/" : "",
						   base);
			} else {
				one = dl_xstrdup(d);
			}
			slash = strrchr(one, '/');
			*slash = '\0';
			if (dl_root_mkdir_p(c.rootfd, *one ? one : "/", 0755) < 0)
				dl_die_sys(DL_EXIT_FAIL, "unable to make '%s'",
					   *one ? one : "/");
			*slash = '/';
			c.dest = one;
		} else {
			c.dest = d;
		}
		c.top = all[i];
		parent_forget();
		rc = dl_ctx_walk(dfd, src, all[i], ig, &v, &why);
		if (rc)
			dl_die(rc, "unable to copy '%s': %s", src, why);
	}
	parent_forget();
	dl_closep(&c.rootfd);
	dl_fault("dl-build-copy:copied");
	rc = dl_derive_publish(&work, cfg, hidden, &why);
	if (rc)
		dl_die(rc, "%s", why);
	printf("%s\n", work.id);
	for (i = 0; i < nall; i++)
		free(all[i]);
	free(all);
	dl_ignore_free(ig);
	json_decref(cfg);
	return dl_finish_stdout();
}
