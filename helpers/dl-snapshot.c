/* SPDX-License-Identifier: Apache-2.0 */
/* dl-snapshot: create, snapshot, flag, delete and list btrfs subvolumes */
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
#include "dl-btrfs.h"

#define U_CREATE "dl-snapshot create PATH"
#define U_SNAPSHOT "dl-snapshot snapshot [-r] SOURCE DEST"
#define U_SET_RO "dl-snapshot set-ro PATH true|false"
#define U_GET_RO "dl-snapshot get-ro PATH"
#define U_DELETE "dl-snapshot delete PATH"
#define U_LIST "dl-snapshot list PATH"
#define U_IS "dl-snapshot is-subvolume PATH"
#define OR "\n   or: "
#define USAGE                                                                  \
	U_CREATE OR U_SNAPSHOT OR U_SET_RO OR U_GET_RO OR U_DELETE OR U_LIST   \
	    OR U_IS
#define OPTIONS "  -r  (snapshot) make the snapshot read-only\n"

/* Parse the options of a subcommand (only -r, where @ro is given) and
 * check that exactly @n operands follow; return the first operand's index. */
static int operands(int argc, char **argv, const char *usage, bool *ro, int n)
{
	int opt;

	if (dl_want_help(argc, argv))
		dl_help(usage, ro ? OPTIONS : NULL);
	while ((opt = getopt(argc, argv, ro ? "+r" : "+")) != -1) {
		if (opt == 'r' && ro)
			*ro = true;
		else
			dl_usage(usage);
	}
	if (argc - optind != n)
		dl_usage(usage);
	return optind;
}

/* Die for a failed libbtrfsutil call on @path, as lib/btrfs.c words it. */
static noreturn void die_bt(enum btrfs_util_error err, const char *verb,
			    const char *path)
{
	int e = errno;

	if (err == BTRFS_UTIL_ERROR_NOT_BTRFS ||
	    err == BTRFS_UTIL_ERROR_NOT_SUBVOLUME)
		dl_die(DL_EXIT_NO, "unable to %s '%s': %s", verb, path,
		       btrfs_util_strerror(err));
	dl_die(e == ENOENT || e == ENOTDIR ? DL_EXIT_NO : DL_EXIT_FAIL,
	       "unable to %s '%s': %s: %s", verb, path,
	       btrfs_util_strerror(err), strerror(e));
}

/* Open directory @path; die 1 when missing or not a directory. */
static int open_dir(const char *path, const char *verb)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		dl_die_sys(errno == ENOENT || errno == ENOTDIR ? DL_EXIT_NO
							       : DL_EXIT_FAIL,
			   "unable to %s '%s'", verb, path);
	return fd;
}

/* A subcommand on one PATH that one lib/btrfs.c call @fn does. */
static int one_path(int argc, char **argv, const char *usage,
		    const char *verb, int (*fn)(const char *, char **))
{
	char *reason = NULL;
	int i = operands(argc, argv, usage, NULL, 1);
	int ret = fn(argv[i], &reason);

	if (ret)
		dl_die(ret, "unable to %s '%s': %s", verb, argv[i], reason);
	return 0;
}

static int cmd_create(int argc, char **argv)
{
	return one_path(argc, argv, U_CREATE, "create", dl_subvol_create);
}

static int cmd_snapshot(int argc, char **argv)
{
	char *reason = NULL;
	bool ro = false;
	int i = operands(argc, argv, U_SNAPSHOT, &ro, 2);
	int ret = dl_subvol_snapshot(argv[i], argv[i + 1], ro, &reason);

	if (ret)
		dl_die(ret, "unable to snapshot '%s' to '%s': %s", argv[i],
		       argv[i + 1], reason);
	return 0;
}

static int cmd_set_ro(int argc, char **argv)
{
	char *reason = NULL;
	int i = operands(argc, argv, U_SET_RO, NULL, 2);
	int ret;

	if (strcmp(argv[i + 1], "true") && strcmp(argv[i + 1], "false"))
		dl_usage(U_SET_RO);
	ret = dl_subvol_set_ro(argv[i], !strcmp(argv[i + 1], "true"), &reason);
	if (ret)
		dl_die(ret, "unable to set read-only flag of '%s': %s", argv[i],
		       reason);
	return 0;
}

static int cmd_get_ro(int argc, char **argv)
{
	_cleanup_close_ int fd = -1;
	enum btrfs_util_error err;
	int i = operands(argc, argv, U_GET_RO, NULL, 1);
	bool ro;

	fd = open_dir(argv[i], "read read-only flag of");
	err = btrfs_util_is_subvolume_fd(fd);
	if (!err)
		err = btrfs_util_get_subvolume_read_only_fd(fd, &ro);
	if (err)
		die_bt(err, "read read-only flag of", argv[i]);
	puts(ro ? "true" : "false");
	return 0;
}

static int cmd_delete(int argc, char **argv)
{
	return one_path(argc, argv, U_DELETE, "delete", dl_subvol_delete);
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
static char *prefix_in_subvol(int fd, const char *path)
{
	struct btrfs_ioctl_ino_lookup_args args = {0};
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

static int cmd_list(int argc, char **argv)
{
	struct btrfs_util_subvolume_iterator *iter = NULL;
	_cleanup_free_ char *prefix = NULL;
	_cleanup_free_ char **found = NULL;
	_cleanup_close_ int fd = -1;
	enum btrfs_util_error err;
	int i = operands(argc, argv, U_LIST, NULL, 1);
	size_t n = 0, cap = 0, plen, k;
	uint64_t top;

	fd = open_dir(argv[i], "list");
	err = btrfs_util_is_subvolume_fd(fd);
	if (err && err != BTRFS_UTIL_ERROR_NOT_SUBVOLUME)
		die_bt(err, "list", argv[i]);
	prefix = prefix_in_subvol(fd, argv[i]);
	plen = strlen(prefix);
	/* an explicit top: with 0, libbtrfsutil wants a subvolume */
	err = btrfs_util_subvolume_id_fd(fd, &top);
	if (!err)
		err =
		    btrfs_util_create_subvolume_iterator_fd(fd, top, 0, &iter);
	if (err)
		die_bt(err, "list", argv[i]);
	for (;;) {
		char *p = NULL;

		err = btrfs_util_subvolume_iterator_next(iter, &p, NULL);
		if (err == BTRFS_UTIL_ERROR_STOP_ITERATION)
			break;
		if (err)
			die_bt(err, "list", argv[i]);
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
	return 0;
}

static int cmd_is_subvolume(int argc, char **argv)
{
	int i = operands(argc, argv, U_IS, NULL, 1);
	int r = dl_subvol_is(argv[i]);

	if (r < 0 && errno != ENOENT && errno != ENOTDIR)
		dl_die_sys(DL_EXIT_FAIL, "unable to check '%s'", argv[i]);
	return r == 1 ? DL_EXIT_OK : DL_EXIT_NO;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} cmds[] = {
	{ "create", cmd_create },
	{ "snapshot", cmd_snapshot },
	{ "set-ro", cmd_set_ro },
	{ "get-ro", cmd_get_ro },
	{ "delete", cmd_delete },
	{ "list", cmd_list },
	{ "is-subvolume", cmd_is_subvolume },
};

int main(int argc, char **argv)
{
	size_t k;
	int ret;

	dl_set_prog(argv[0]);
	opterr = 0;
	if (dl_want_help(argc, argv))
		dl_help(USAGE, OPTIONS);
	if (argc < 2)
		dl_usage(USAGE);
	for (k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++) {
		if (strcmp(argv[1], cmds[k].name))
			continue;
		ret = cmds[k].fn(argc - 1, argv + 1);
		if (ret)
			return ret;
		return dl_finish_stdout();
	}
	dl_usage(USAGE);
}
