/* SPDX-License-Identifier: Apache-2.0 */
/* dl-subvol-ls: list the btrfs subvolumes below a directory */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/btrfs.h>
#include <linux/btrfs_tree.h>

#include <btrfsutil.h>

#include "dl.h"

#define USAGE "dl-subvol-ls PATH"

static const char *path;

/* Die for a failed libbtrfsutil call, as lib/btrfs.c words it. */
static noreturn void die_bt(enum btrfs_util_error err)
{
	int e = errno;

	if (err == BTRFS_UTIL_ERROR_NOT_BTRFS ||
	    err == BTRFS_UTIL_ERROR_NOT_SUBVOLUME)
		dl_die(DL_EXIT_NO, "unable to list '%s': %s", path,
		       btrfs_util_strerror(err));
	dl_die(e == ENOENT || e == ENOTDIR ? DL_EXIT_NO : DL_EXIT_FAIL,
	       "unable to list '%s': %s: %s", path, btrfs_util_strerror(err),
	       strerror(e));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The path of directory @fd inside the subvolume holding it, with a
 * trailing '/' ("" for the subvolume itself).  Needed because the iterator
 * lists the whole containing subvolume: on a plain directory we must keep
 * only what lies below it, never list everything.
 */
static char *prefix_in_subvol(int fd)
{
	struct btrfs_ioctl_ino_lookup_args args = { 0 };
	struct stat st;
	size_t n;

	if (fstat(fd, &st) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to list '%s'", path);
	if (st.st_ino == BTRFS_FIRST_FREE_OBJECTID)
		return dl_xstrdup("");
	args.objectid = st.st_ino;
	if (ioctl(fd, BTRFS_IOC_INO_LOOKUP, &args) < 0)
		dl_die_sys(DL_EXIT_FAIL, "unable to list '%s'", path);
	args.name[sizeof(args.name) - 1] = '\0';
	n = strlen(args.name);
	if (n && args.name[n - 1] != '/')
		return dl_xasprintf("%s/", args.name);
	return dl_xstrdup(args.name);
}

int main(int argc, char **argv)
{
	struct btrfs_util_subvolume_iterator *iter = NULL;
	_cleanup_free_ char *prefix = NULL;
	_cleanup_free_ char **found = NULL;
	_cleanup_close_ int fd = -1;
	enum btrfs_util_error err;
	size_t n = 0, cap = 0, plen, k;
	uint64_t top;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, NULL);
	if (getopt(argc, argv, "+") != -1 || argc - optind != 1)
		dl_usage(USAGE);
	path = argv[optind];
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		dl_die_sys(errno == ENOENT || errno == ENOTDIR ? DL_EXIT_NO
							       : DL_EXIT_FAIL,
			   "unable to list '%s'", path);
	err = btrfs_util_is_subvolume_fd(fd);
	if (err && err != BTRFS_UTIL_ERROR_NOT_SUBVOLUME)
		die_bt(err);
	prefix = prefix_in_subvol(fd);
	plen = strlen(prefix);
	/* an explicit top: with 0, libbtrfsutil wants a subvolume */
	err = btrfs_util_subvolume_id_fd(fd, &top);
	if (!err)
		err =
		    btrfs_util_create_subvolume_iterator_fd(fd, top, 0, &iter);
	if (err)
		die_bt(err);
	for (;;) {
		char *p = NULL;

		err = btrfs_util_subvolume_iterator_next(iter, &p, NULL);
		if (err == BTRFS_UTIL_ERROR_STOP_ITERATION)
			break;
		if (err)
			die_bt(err);
		if (strncmp(p, prefix, plen) != 0 || !p[plen]) {
			free(p);
			continue;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			found = dl_xrealloc(found, cap * sizeof(*found));
		}
		found[n++] = p;
	}
	btrfs_util_destroy_subvolume_iterator(iter);
	if (n)
		qsort(found, n, sizeof(*found), cmp_str);
	for (k = 0; k < n; k++) {
		puts(found[k] + plen);
		free(found[k]);
	}
	return dl_finish_stdout();
}
